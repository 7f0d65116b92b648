import { type LeagueTier, tierRank } from '@onair/core';
import { sql, type Transaction } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database, LeagueMovement, LeaguePeriodStatus } from '../../db/schema.ts';
import { userRef } from '../accounts/public-user.ts';

/** SQL on the leagues' own tables: `league_periods`, `league_memberships`, `league_creators`. */
type Q = Db | Transaction<Database>;

export interface PeriodRow {
  key: string;
  startsAt: Date;
  endsAt: Date;
  status: LeaguePeriodStatus;
}

const periodColumns = ['key', 'startsAt', 'endsAt', 'status'] as const;

export const latestPeriod = (db: Q): Promise<PeriodRow | undefined> =>
  db
    .selectFrom('leaguePeriods')
    .select(periodColumns)
    .orderBy('startsAt', 'desc')
    .limit(1)
    .executeTakeFirst();

export const periodByKey = (db: Q, key: string): Promise<PeriodRow | undefined> =>
  db.selectFrom('leaguePeriods').select(periodColumns).where('key', '=', key).executeTakeFirst();

/** The period holding `at`, if it was opened. */
export const periodAtInstant = (db: Q, at: Date): Promise<PeriodRow | undefined> =>
  db
    .selectFrom('leaguePeriods')
    .select(periodColumns)
    .where('startsAt', '<=', at)
    .where('endsAt', '>', at)
    .executeTakeFirst();

export async function insertPeriod(db: Q, p: { key: string; start: number; end: number }): Promise<boolean> {
  const r = await db
    .insertInto('leaguePeriods')
    .values({ key: p.key, startsAt: new Date(p.start), endsAt: new Date(p.end), status: 'open' })
    .onConflict((c) => c.doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Fresh planner statistics for the tables a settlement joins against. */
export async function analyze(db: Q) {
  await sql`analyze league_memberships`.execute(db);
  await sql`analyze league_creators`.execute(db);
}

export async function setPeriodStatus(db: Q, key: string, status: LeaguePeriodStatus, at: Date) {
  await db
    .updateTable('leaguePeriods')
    .set({ status, ...(status === 'settled' ? { settledAt: at } : {}) })
    .where('key', '=', key)
    .execute();
}

/** Registers a creator in the league at D5; false when they already were. */
export async function registerCreator(
  db: Q,
  creatorId: string,
  entry: LeagueTier,
  at: Date,
): Promise<boolean> {
  const r = await db
    .insertInto('leagueCreators')
    .values({ creatorId, bestTier: entry, bestRank: tierRank(entry), bestAt: at, joinedAt: at })
    .onConflict((c) => c.column('creatorId').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export const bestTierOf = (db: Q, creatorId: string) =>
  db
    .selectFrom('leagueCreators')
    .select(['bestTier', 'bestAt'])
    .where('creatorId', '=', creatorId)
    .executeTakeFirst();

export const membership = (db: Q, periodKey: string, creatorId: string) =>
  db
    .selectFrom('leagueMemberships')
    .selectAll()
    .where('periodKey', '=', periodKey)
    .where('creatorId', '=', creatorId)
    .executeTakeFirst();

/** Members per group of one tier, indexed by group number (a missing number counts 0). */
export async function groupSizes(db: Q, periodKey: string, tier: LeagueTier): Promise<number[]> {
  const rows = await db
    .selectFrom('leagueMemberships')
    .select(['groupNo', (eb) => eb.fn.countAll<number>().as('n')])
    .where('periodKey', '=', periodKey)
    .where('tier', '=', tier)
    .groupBy('groupNo')
    .execute();
  const sizes: number[] = [];
  for (const r of rows) sizes[r.groupNo] = Number(r.n);
  return Array.from(sizes, (n) => n ?? 0);
}

export interface NewMembership {
  creatorId: string;
  tier: LeagueTier;
  groupNo: number;
}

/** Inserts memberships in chunks; a creator already in the period is left where they are. */
export async function insertMemberships(db: Q, periodKey: string, rows: readonly NewMembership[], at: Date) {
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    await db
      .insertInto('leagueMemberships')
      .values(
        chunk.map((r) => ({
          periodKey,
          creatorId: r.creatorId,
          tier: r.tier,
          tierRank: tierRank(r.tier),
          groupNo: r.groupNo,
          joinedAt: at,
        })),
      )
      .onConflict((c) => c.columns(['periodKey', 'creatorId']).doNothing())
      .execute();
  }
}

export const groupMembers = (db: Q, periodKey: string, tier: LeagueTier, groupNo: number) =>
  db
    .selectFrom('leagueMemberships')
    .select(['creatorId', 'settledAt'])
    .where('periodKey', '=', periodKey)
    .where('tier', '=', tier)
    .where('groupNo', '=', groupNo)
    .execute();

/** The public face of a group's members, for the standings (through accounts' `userRef`). */
export const groupUsers = (db: Q, periodKey: string, tier: LeagueTier, groupNo: number) =>
  db
    .selectFrom('leagueMemberships as m')
    .innerJoin('users as u', 'u.id', 'm.creatorId')
    .select(userRef('u'))
    .where('m.periodKey', '=', periodKey)
    .where('m.tier', '=', tier)
    .where('m.groupNo', '=', groupNo)
    .execute();

/**
 * The members of the first `limit` groups (in tier and group order) that still have an unsettled
 * member: one settlement run's work in one statement.
 */
export async function unsettledGroupMembers(db: Q, periodKey: string, limit: number) {
  const { rows } = await sql<{ creatorId: string; tier: LeagueTier; groupNo: number }>`
    select m.creator_id, m.tier, m.group_no
    from league_memberships m
    join (
      select tier, group_no from league_memberships
      where period_key = ${periodKey} and settled_at is null
      group by tier, group_no order by tier, group_no limit ${limit}
    ) g on g.tier = m.tier and g.group_no = m.group_no
    where m.period_key = ${periodKey}`.execute(db);
  return rows;
}

export interface Settled {
  creatorId: string;
  points: number;
  rank: number;
  movement: LeagueMovement;
  nextTier: LeagueTier;
}

const snake = (r: Settled) => ({
  creator_id: r.creatorId,
  points: r.points,
  rank: r.rank,
  movement: r.movement,
  next_tier: r.nextTier,
});

/**
 * Writes a group's outcome, only on rows not settled yet: a rerun after a crash finds them settled
 * and writes nothing. Returns how many rows this call settled.
 */
export async function settleMembers(
  db: Q,
  periodKey: string,
  rows: readonly Settled[],
  at: Date,
): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await db
    .updateTable('leagueMemberships as m')
    .from(
      sql<Settled>`(select * from jsonb_to_recordset(${JSON.stringify(rows.map(snake))}::jsonb)
        as x(creator_id uuid, points int8, rank int, movement text, next_tier text))`.as('x'),
    )
    .set((eb) => ({
      points: eb.ref('x.points'),
      rank: eb.ref('x.rank'),
      movement: eb.ref('x.movement'),
      nextTier: eb.ref('x.nextTier'),
      settledAt: at,
    }))
    .whereRef('m.creatorId', '=', 'x.creatorId')
    .where('m.periodKey', '=', periodKey)
    .where('m.settledAt', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Raises each promoted creator's best tier, never lowers it; one statement for a group's promotions. */
export async function raiseBest(db: Q, rows: readonly { creatorId: string; tier: LeagueTier }[], at: Date) {
  if (rows.length === 0) return;
  const json = JSON.stringify(
    rows.map((r) => ({ creator_id: r.creatorId, tier: r.tier, rank: tierRank(r.tier) })),
  );
  await sql`
    update league_creators c set best_tier = x.tier, best_rank = x.rank, best_at = ${at}
    from jsonb_to_recordset(${json}::jsonb) as x(creator_id uuid, tier text, rank smallint)
    where c.creator_id = x.creator_id and c.best_rank < x.rank`.execute(db);
}

/**
 * Who starts the period after `periodKey`, and in which tier: every member of it at their
 * `next_tier`, and every registered creator who joined while it was being settled, at D5.
 */
export async function nextSeeds(db: Q, periodKey: string, entry: LeagueTier) {
  const { rows } = await sql<{ creatorId: string; tier: LeagueTier }>`
    select m.creator_id, m.next_tier as tier from league_memberships m
    where m.period_key = ${periodKey} and m.next_tier is not null
    union all
    select c.creator_id, ${entry}::text as tier from league_creators c
    where not exists (
      select 1 from league_memberships m where m.period_key = ${periodKey} and m.creator_id = c.creator_id
    )`.execute(db);
  return rows;
}

export const periodHasMembers = async (db: Q, periodKey: string) =>
  (await db
    .selectFrom('leagueMemberships')
    .select('creatorId')
    .where('periodKey', '=', periodKey)
    .limit(1)
    .executeTakeFirst()) !== undefined;

/** A creator's settled periods, newest first, with the size of the group they were in. */
export const history = (db: Q, creatorId: string, limit: number) =>
  db
    .selectFrom('leagueMemberships as m')
    .innerJoin('leaguePeriods as p', 'p.key', 'm.periodKey')
    .select([
      'p.key',
      'p.startsAt',
      'p.endsAt',
      'm.tier',
      'm.points',
      'm.rank',
      'm.movement',
      'm.nextTier',
      (eb) =>
        eb
          .selectFrom('leagueMemberships as g')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('g.periodKey', '=', 'm.periodKey')
          .whereRef('g.tier', '=', 'm.tier')
          .whereRef('g.groupNo', '=', 'm.groupNo')
          .as('groupSize'),
    ])
    .where('m.creatorId', '=', creatorId)
    .where('m.settledAt', 'is not', null)
    .orderBy('p.startsAt', 'desc')
    .limit(limit)
    .execute();

/** The creator's latest settled promotion not announced yet, claimed (marked announced) at once. */
export async function claimPromotionNotice(db: Q, creatorId: string, at: Date) {
  return db
    .updateTable('leagueMemberships')
    .set({ announcedAt: at })
    .where('creatorId', '=', creatorId)
    .where('movement', '=', 'up')
    .where('announcedAt', 'is', null)
    .where('settledAt', 'is not', null)
    .returning(['periodKey', 'tier', 'nextTier'])
    .execute();
}

/** Current tiers of a few creators in one period (badges). */
export const tiersIn = (db: Q, periodKey: string, creatorIds: readonly string[]) =>
  creatorIds.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('leagueMemberships')
        .select(['creatorId', 'tier'])
        .where('periodKey', '=', periodKey)
        .where('creatorId', 'in', creatorIds)
        .execute();

/** A creator's latest membership in any period (a badge between a period's end and its settlement). */
export const latestTier = (db: Q, creatorId: string) =>
  db
    .selectFrom('leagueMemberships as m')
    .innerJoin('leaguePeriods as p', 'p.key', 'm.periodKey')
    .select(['m.tier', 'm.nextTier'])
    .where('m.creatorId', '=', creatorId)
    .orderBy('p.startsAt', 'desc')
    .limit(1)
    .executeTakeFirst();
