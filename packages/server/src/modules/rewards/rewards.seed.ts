import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

/**
 * Test and benchmark support: creators with ended LIVEs and gifts at chosen instants, written in bulk
 * SQL, with a ledger the invariant checker accepts (one fan buys the coins, every gift is a balanced
 * four-leg transfer with its gift row, balances and running balances exact). Real gifts carry the
 * database's commit time; a weekly settlement across last March's clock change needs gifts then.
 */

export interface SeedCreator {
  lives: { startedAt: number; endedAt: number }[];
  /** `live`: index into `lives` of the LIVE the gift was sent in. */
  gifts: { diamonds: number; at: number; live: number }[];
}

export interface SeededCreator {
  id: string;
  handle: string;
  sessionIds: string[];
}

const CHUNK = 20_000;

async function systemIds(db: Db): Promise<Map<string, number>> {
  const { rows } = await sql<{ systemCode: string; id: number }>`
    select system_code, id from ledger_accounts where kind = 'system'`.execute(db);
  return new Map(rows.map((r) => [r.systemCode, r.id]));
}

/** A fan with enough coins for every seeded gift (coins = 2 × diamonds). */
async function fundFan(db: Db, prefix: string, coins: number): Promise<{ fanId: string; account: number }> {
  const fanId = randomUUID();
  await sql`insert into users (id, handle, display_name, role, password_hash)
    values (${fanId}::uuid, ${`${prefix}_fan`}, 'Seed fan', 'viewer', '!')`.execute(db);
  const { rows } = await sql<{ id: number }>`insert into ledger_accounts (owner_id, asset, kind)
    values (${fanId}::uuid, 'COIN', 'user') returning id`.execute(db);
  const account = rows[0]!.id;
  const sys = await systemIds(db);
  const legs: [number, string, number][] = [
    [sys.get('coin_issuance')!, 'COIN', -coins],
    [account, 'COIN', coins],
    [sys.get('payment_clearing')!, 'FIAT_CENTS', -coins],
    [sys.get('platform_revenue')!, 'FIAT_CENTS', coins],
  ];
  await sql`
    with t as (
      insert into ledger_transfers (idempotency_key, kind, request_hash)
      values (${`seed-purchase:${fanId}`}, 'purchase', 'seed') returning id
    ), p as (
      insert into ledger_postings (account_id, transfer_id, asset, amount, balance_after)
      select v.a, t.id, v.asset, v.amount, a.balance + v.amount
      from t, unnest(${legs.map((l) => l[0])}::bigint[], ${legs.map((l) => l[1])}::text[],
        ${legs.map((l) => l[2])}::bigint[]) as v(a, asset, amount)
      join ledger_accounts a on a.id = v.a
    )
    update ledger_accounts a set balance = a.balance + v.amount
    from unnest(${legs.map((l) => l[0])}::bigint[], ${legs.map((l) => l[2])}::bigint[]) as v(a, amount)
    where a.id = v.a`.execute(db);
  return { fanId, account };
}

/** Writes the creators (handles `<prefix>_<n>`), their LIVEs and gifts; returns their ids. */
export async function seedCreators(
  db: Db,
  prefix: string,
  creators: SeedCreator[],
): Promise<SeededCreator[]> {
  const totalCoins = creators.reduce((s, c) => s + c.gifts.reduce((g, x) => g + 2 * x.diamonds, 0), 0);
  const { fanId, account: fanAccount } = await fundFan(db, prefix, Math.max(1, totalCoins));
  const sys = await systemIds(db);
  const out: SeededCreator[] = [];
  for (let from = 0; from < creators.length; from += CHUNK) {
    const chunk = creators.slice(from, from + CHUNK);
    const seeded = chunk.map((c, i) => ({
      id: randomUUID(),
      handle: `${prefix}_${from + i}`,
      sessionIds: c.lives.map(() => randomUUID()),
    }));
    const ids = seeded.map((c) => c.id);
    await db.transaction().execute(async (trx) => {
      await sql`insert into users (id, handle, display_name, role, password_hash)
        select v.id, v.h, v.h, 'creator', '!' from unnest(${ids}::uuid[], ${seeded.map((c) => c.handle)}::text[]) as v(id, h)`.execute(
        trx,
      );
      await sql`insert into rooms (creator_id, stream_key) select v.id, 'seed-' || v.id from unnest(${ids}::uuid[]) as v(id)`.execute(
        trx,
      );
      await sql`insert into ledger_accounts (owner_id, asset, kind) select v.id, 'DIAMOND', 'user' from unnest(${ids}::uuid[]) as v(id)`.execute(
        trx,
      );
      const s = { id: [] as string[], creator: [] as string[], start: [] as string[], end: [] as string[] };
      const g = {
        creator: [] as string[],
        session: [] as string[],
        diamonds: [] as number[],
        at: [] as string[],
      };
      chunk.forEach((c, i) => {
        const who = seeded[i]!;
        c.lives.forEach((l, j) => {
          s.id.push(who.sessionIds[j]!);
          s.creator.push(who.id);
          s.start.push(new Date(l.startedAt).toISOString());
          s.end.push(new Date(l.endedAt).toISOString());
        });
        for (const x of c.gifts) {
          g.creator.push(who.id);
          g.session.push(who.sessionIds[x.live]!);
          g.diamonds.push(x.diamonds);
          g.at.push(new Date(x.at).toISOString());
        }
      });
      await sql`insert into live_sessions (id, creator_id, status, title, topic, hashtags, source, ingest_node,
          started_at, live_at, ended_at, end_reason)
        select v.id, v.c, 'ended', 'Seeded LIVE', 'just_chatting', '{}', 'rtmp', 'seed', v.s, v.s, v.e, 'stopped'
        from unnest(${s.id}::uuid[], ${s.creator}::uuid[], ${s.start}::timestamptz[], ${s.end}::timestamptz[]) as v(id, c, s, e)`.execute(
        trx,
      );
      if (g.creator.length === 0) return;
      await sql`
        with v as materialized (
          select nextval('ledger_transfers_id_seq') as id, v.c, v.s, v.d, v.at
          from unnest(${g.creator}::uuid[], ${g.session}::uuid[], ${g.diamonds}::int8[], ${g.at}::timestamptz[]) as v(c, s, d, at)
        ), t as (
          insert into ledger_transfers (id, idempotency_key, kind, request_hash, created_at) overriding system value
          select id, 'seed-gift:' || id, 'gift', 'seed', at from v
        ), e as (
          insert into gift_events (transfer_id, sender_id, creator_id, session_id, gift_id, quantity, coins, diamonds,
            streak_id, streak_count, created_at)
          select id, ${fanId}::uuid, c, s, 'rose', 1, 2 * d, d, 'seed-' || id, 1, at from v
        ), legs as materialized (
          select ${fanAccount}::int8 as account_id, id, 'COIN' as asset, -2 * d as amount from v
          union all select ${sys.get('coin_sink')!}::int8, id, 'COIN', 2 * d from v
          union all select ${sys.get('diamond_issuance')!}::int8, id, 'DIAMOND', -d from v
          union all select a.id, v.id, 'DIAMOND', d from v join ledger_accounts a on a.owner_id = v.c and a.asset = 'DIAMOND'
        ), p as (
          insert into ledger_postings (account_id, transfer_id, asset, amount, balance_after)
          select l.account_id, l.id, l.asset, l.amount,
            a.balance + sum(l.amount) over (partition by l.account_id order by l.id rows unbounded preceding)
          from legs l join ledger_accounts a on a.id = l.account_id
        )
        update ledger_accounts a set balance = a.balance + s.total
        from (select account_id, sum(amount) as total from legs group by account_id) s
        where a.id = s.account_id`.execute(trx);
    });
    out.push(...seeded);
  }
  return out;
}
