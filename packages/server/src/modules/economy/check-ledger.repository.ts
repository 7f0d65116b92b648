import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

/** Every query the invariant checker runs: each returns the offending rows (at most `limit`). */
export async function counts(db: Db) {
  const { rows } = await sql<{ accounts: number; transfers: number; postings: number }>`
    select (select count(*) from ledger_accounts)::bigint as accounts,
           (select count(*) from ledger_transfers)::bigint as transfers,
           (select count(*) from ledger_postings)::bigint as postings`.execute(db);
  return rows[0]!;
}

export async function unbalancedTransfers(db: Db, limit: number) {
  const { rows } = await sql<{ transferId: number; asset: string; sum: number }>`
    select transfer_id, asset, sum(amount)::bigint as sum from ledger_postings
    group by transfer_id, asset having sum(amount) <> 0
    order by transfer_id limit ${limit}`.execute(db);
  return rows;
}

export async function transfersWithoutLegs(db: Db, limit: number) {
  const { rows } = await sql<{ id: number; idempotencyKey: string; legs: number }>`
    select t.id, t.idempotency_key, coalesce(p.n, 0)::bigint as legs from ledger_transfers t
    left join (select transfer_id, count(*) as n from ledger_postings group by transfer_id) p on p.transfer_id = t.id
    where coalesce(p.n, 0) < 2 order by t.id limit ${limit}`.execute(db);
  return rows;
}

export async function orphanPostings(db: Db, limit: number) {
  const { rows } = await sql<{ accountId: number; transferId: number; problem: string }>`
    select p.account_id, p.transfer_id,
      case when a.id is null then 'unknown account' when t.id is null then 'unknown transfer' else 'asset differs from its account' end as problem
    from ledger_postings p
    left join ledger_accounts a on a.id = p.account_id
    left join ledger_transfers t on t.id = p.transfer_id
    where a.id is null or t.id is null or a.asset <> p.asset
    limit ${limit}`.execute(db);
  return rows;
}

export async function balanceMismatches(db: Db, limit: number) {
  const { rows } = await sql<{ id: number; balance: number; postings: number }>`
    select a.id, a.balance, coalesce(s.total, 0)::bigint as postings from ledger_accounts a
    left join (select account_id, sum(amount) as total from ledger_postings group by account_id) s on s.account_id = a.id
    where a.balance <> coalesce(s.total, 0) order by a.id limit ${limit}`.execute(db);
  return rows;
}

/** Each posting's balance_after must be the running sum of its account's postings up to it. */
export async function runningBalanceMismatches(db: Db, limit: number) {
  const { rows } = await sql<{
    accountId: number;
    transferId: number;
    balanceAfter: number;
    running: number;
  }>`
    select account_id, transfer_id, balance_after, running from (
      select account_id, transfer_id, balance_after,
        sum(amount) over (partition by account_id order by transfer_id rows unbounded preceding) as running
      from ledger_postings) x
    where balance_after <> running order by account_id, transfer_id limit ${limit}`.execute(db);
  return rows;
}

export async function negativeUserBalances(db: Db, limit: number) {
  const { rows } = await sql<{ id: number; ownerId: string; asset: string; balance: number }>`
    select id, owner_id, asset, balance from ledger_accounts
    where kind = 'user' and balance < 0 order by id limit ${limit}`.execute(db);
  return rows;
}

export async function systemBalances(db: Db) {
  const { rows } = await sql<{ systemCode: string; balance: number }>`
    select system_code, balance from ledger_accounts where kind = 'system'`.execute(db);
  return rows;
}

export async function userTotals(db: Db) {
  const { rows } = await sql<{ asset: string; total: number }>`
    select asset, coalesce(sum(balance), 0)::bigint as total from ledger_accounts
    where kind = 'user' group by asset`.execute(db);
  return rows;
}

/** Gift transfers and gift rows must pair up one to one. */
export async function unpairedGifts(db: Db, limit: number) {
  const { rows } = await sql<{ transferId: number; problem: string }>`
    (select t.id as transfer_id, 'gift transfer without a gift row' as problem from ledger_transfers t
      left join gift_events g on g.transfer_id = t.id where t.kind = 'gift' and g.transfer_id is null limit ${limit})
    union all
    (select g.transfer_id, 'gift row without a gift transfer' from gift_events g
      left join ledger_transfers t on t.id = g.transfer_id and t.kind = 'gift' where t.id is null limit ${limit})`.execute(
    db,
  );
  return rows;
}

/**
 * LIVE Rewards: reward transfers and payout rows pair one to one, and each transfer takes the row's
 * bonus from the rewards pool to the row's creator's DIAMOND account (modules/rewards).
 */
export async function unpairedRewards(db: Db, limit: number) {
  const { rows } = await sql<{ transferId: number; problem: string }>`
    (select t.id as transfer_id, 'reward transfer without a payout row' as problem from ledger_transfers t
      left join reward_payouts r on r.transfer_id = t.id where t.kind = 'reward' and r.id is null limit ${limit})
    union all
    (select r.transfer_id, 'payout row without a reward transfer' from reward_payouts r
      left join ledger_transfers t on t.id = r.transfer_id and t.kind = 'reward'
      where r.transfer_id is not null and t.id is null limit ${limit})
    union all
    (select r.transfer_id, 'payout of ' || r.bonus_diamonds || ' diamonds, but the pool paid ' || (-p.amount)
      from reward_payouts r join ledger_postings p on p.transfer_id = r.transfer_id
      join ledger_accounts a on a.id = p.account_id and a.system_code = 'rewards_pool'
      where p.amount <> -r.bonus_diamonds limit ${limit})
    union all
    (select r.transfer_id, 'reward credited to an account that is not the creator''s DIAMOND account'
      from reward_payouts r join ledger_postings p on p.transfer_id = r.transfer_id and p.amount > 0
      join ledger_accounts a on a.id = p.account_id
      where a.owner_id is distinct from r.creator_id or a.asset <> 'DIAMOND' limit ${limit})`.execute(db);
  return rows;
}

/** Diamonds the payout rows say were paid; the rewards pool must have paid exactly that. */
export async function rewardPayoutTotal(db: Db): Promise<number> {
  const { rows } = await sql<{ total: number }>`
    select coalesce(sum(bonus_diamonds), 0)::bigint as total from reward_payouts`.execute(db);
  return rows[0]?.total ?? 0;
}
