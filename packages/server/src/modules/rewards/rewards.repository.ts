import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { RewardPayoutRow } from '../../db/schema.ts';

/** SQL on the rewards tables only: `reward_payouts` and `reward_week_totals`. */

/** A payout row as written: the table's row without what the database assigns. */
export type NewPayout = Omit<RewardPayoutRow, 'id' | 'createdAt'>;

/**
 * Writes payout rows in one statement (columns as arrays, so a batch of thousands is 12 parameters);
 * a row already there for (creator, kind, period) is left as it was.
 */
export async function insertPayouts(db: Db, rows: readonly NewPayout[]): Promise<number> {
  if (rows.length === 0) return 0;
  const col = <T>(f: (r: NewPayout) => T) => rows.map(f);
  const res = await sql`
    insert into reward_payouts (creator_id, kind, period_key, session_id, period_start, period_end,
      base_diamonds, bps, bonus_diamonds, items, explanation, transfer_id)
    select * from unnest(${col((r) => r.creatorId)}::uuid[], ${col((r) => r.kind)}::text[],
      ${col((r) => r.periodKey)}::text[], ${col((r) => r.sessionId)}::uuid[],
      ${col((r) => r.periodStart.toISOString())}::timestamptz[], ${col((r) => r.periodEnd.toISOString())}::timestamptz[],
      ${col((r) => r.baseDiamonds)}::int8[], ${col((r) => r.bps)}::int4[], ${col((r) => r.bonusDiamonds)}::int8[],
      ${col((r) => JSON.stringify(r.items))}::jsonb[], ${col((r) => r.explanation)}::text[],
      ${col((r) => r.transferId)}::int8[])
    on conflict (creator_id, kind, period_key) do nothing`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}

/** Which of these creators already have a payout for this kind and period. */
export async function paidAmong(
  db: Db,
  kind: 'live' | 'weekly',
  periodKey: string,
  creatorIds: readonly string[],
): Promise<Set<string>> {
  if (creatorIds.length === 0) return new Set();
  const { rows } = await sql<{ creatorId: string }>`
    select creator_id from reward_payouts
    where kind = ${kind} and period_key = ${periodKey} and creator_id = any(${[...creatorIds]}::uuid[])`.execute(
    db,
  );
  return new Set(rows.map((r) => r.creatorId));
}

/** Lists a week's creators and diamonds once (a second call adds nothing). */
export async function fillWeekTotals(
  db: Db,
  periodKey: string,
  totals: RawBuilder<{ creatorId: string; diamonds: number }>,
): Promise<void> {
  await sql`insert into reward_week_totals (period_key, creator_id, diamonds)
    select ${periodKey}, t.creator_id, t.diamonds from (${totals}) t where t.diamonds > 0
    on conflict do nothing`.execute(db);
}

/** The next creators of a week's list after `afterCreatorId`, by id. */
export async function weekTotalsAfter(
  db: Db,
  periodKey: string,
  afterCreatorId: string | null,
  limit: number,
): Promise<{ creatorId: string; diamonds: number }[]> {
  const after = afterCreatorId ?? '00000000-0000-0000-0000-000000000000';
  const { rows } = await sql<{ creatorId: string; diamonds: number }>`
    select creator_id, diamonds from reward_week_totals
    where period_key = ${periodKey} and creator_id > ${after}::uuid
    order by creator_id limit ${limit}`.execute(db);
  return rows;
}

export async function payoutsOf(db: Db, creatorId: string, limit: number): Promise<RewardPayoutRow[]> {
  return db
    .selectFrom('rewardPayouts')
    .selectAll()
    .where('creatorId', '=', creatorId)
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function payoutTotals(
  db: Db,
  creatorId: string,
): Promise<{ payouts: number; bonusDiamonds: number }> {
  const { rows } = await sql<{ payouts: number; bonusDiamonds: number }>`
    select count(*)::int8 as payouts, coalesce(sum(bonus_diamonds), 0)::int8 as bonus_diamonds
    from reward_payouts where creator_id = ${creatorId}::uuid`.execute(db);
  return rows[0] ?? { payouts: 0, bonusDiamonds: 0 };
}

/** Payouts of a kind and period (tests, the bench, the CLI's summary). */
export async function periodSummary(
  db: Db,
  kind: 'live' | 'weekly',
  periodKey: string,
): Promise<{ payouts: number; bonusDiamonds: number }> {
  const { rows } = await sql<{ payouts: number; bonusDiamonds: number }>`
    select count(*)::int8 as payouts, coalesce(sum(bonus_diamonds), 0)::int8 as bonus_diamonds
    from reward_payouts where kind = ${kind} and period_key = ${periodKey}`.execute(db);
  return rows[0] ?? { payouts: 0, bonusDiamonds: 0 };
}
