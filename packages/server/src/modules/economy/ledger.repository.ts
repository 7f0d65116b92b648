import type { Asset } from '@onair/core';
import { sql } from 'kysely';
import { type Db, PREPARED } from '../../db/database.ts';

export interface AccountRef {
  id: number;
  ownerId: string;
  asset: Asset;
}

export interface LockedAccount {
  id: number;
  ownerId: string | null;
  systemCode: string | null;
  asset: Asset;
  kind: 'user' | 'system';
  balance: number;
  carry: number;
}

export interface TransferRow {
  id: number;
  idempotencyKey: string;
  kind: string;
  requestHash: string;
  createdAt: Date;
}

export async function systemAccounts(db: Db): Promise<{ id: number; systemCode: string }[]> {
  const rows = await db
    .selectFrom('ledgerAccounts')
    .select(['id', 'systemCode'])
    .where('kind', '=', 'system')
    .execute();
  return rows.map((r) => ({ id: r.id, systemCode: r.systemCode ?? '' }));
}

export async function findAccounts(db: Db, ownerIds: string[], assets: Asset[]): Promise<AccountRef[]> {
  if (ownerIds.length === 0) return [];
  const rows = await db
    .selectFrom('ledgerAccounts')
    .select(['id', 'ownerId', 'asset'])
    .where('ownerId', 'in', ownerIds)
    .where('asset', 'in', assets)
    .execute();
  return rows.map((r) => ({ id: r.id, ownerId: r.ownerId ?? '', asset: r.asset }));
}

/** Creates the missing user accounts (committed on their own: an empty account moves no value). */
export async function ensureAccounts(
  db: Db,
  pairs: { ownerId: string; asset: Asset }[],
): Promise<AccountRef[]> {
  if (pairs.length === 0) return [];
  const owners = pairs.map((p) => p.ownerId);
  const assets = pairs.map((p) => p.asset);
  await sql`
    insert into ledger_accounts (owner_id, asset, kind)
    select o, a, 'user' from unnest(${owners}::uuid[], ${assets}::text[]) as v(o, a)
    on conflict (owner_id, asset) do nothing`.execute(db);
  const { rows } = await sql<{ id: number; ownerId: string; asset: Asset }>`
    select a.id, a.owner_id, a.asset
    from ledger_accounts a
    join unnest(${owners}::uuid[], ${assets}::text[]) as v(o, s) on a.owner_id = v.o and a.asset = v.s`.execute(
    db,
  );
  return rows;
}

/**
 * Locks the accounts for update in ascending id order. Every writer locks this way, so two
 * transactions can wait for each other but never deadlock.
 */
export async function lockAccounts(db: Db, ids: number[]): Promise<LockedAccount[]> {
  const { rows } = await sql<LockedAccount>`${sql.raw(PREPARED)}
    select id, owner_id, system_code, asset, kind, balance, carry
    from ledger_accounts where id = any(${ids}::bigint[])
    order by id
    for update`.execute(db);
  return rows;
}

export interface FlushPosting {
  /** Index of its transfer in the flushed list. */
  transfer: number;
  accountId: number;
  asset: Asset;
  amount: number;
  balanceAfter: number;
}

/**
 * Writes a book in one statement: the transfers, their postings and the new cached balances. One
 * round trip however large the book, which keeps the time locks are held short. Transfer ids are
 * drawn from the sequence first (`numbered(id, n)`: n is the 1-based position in the list), so
 * postings join on the position, not on the keys. A duplicate idempotency key fails the whole
 * statement (unique violation).
 */
export async function flush(
  db: Db,
  transfers: { key: string; kind: string; requestHash: string }[],
  postings: FlushPosting[],
  balances: { id: number; balance: number; carry: number }[],
): Promise<{ ids: number[]; createdAt: Date }> {
  const { rows } = await sql<{ id: number; createdAt: Date | null }>`${sql.raw(PREPARED)}
    with numbered as (
      select n, nextval('ledger_transfers_id_seq') as id from generate_series(1, ${transfers.length}::int) as n
    ), t as (
      insert into ledger_transfers (id, idempotency_key, kind, request_hash) overriding system value
      select numbered.id, v.k, v.kind, v.h
      from unnest(${transfers.map((r) => r.key)}::text[], ${transfers.map((r) => r.kind)}::text[],
        ${transfers.map((r) => r.requestHash)}::text[]) with ordinality as v(k, kind, h, n)
      join numbered on numbered.n = v.n
    ), p as (
      insert into ledger_postings (account_id, transfer_id, asset, amount, balance_after)
      select v.a, numbered.id, v.asset, v.amount, v.after
      from unnest(${postings.map((p) => p.transfer + 1)}::int[], ${postings.map((p) => p.accountId)}::bigint[],
        ${postings.map((p) => p.asset)}::text[], ${postings.map((p) => p.amount)}::bigint[],
        ${postings.map((p) => p.balanceAfter)}::bigint[]) as v(n, a, asset, amount, after)
      join numbered on numbered.n = v.n
    ), b as (
      update ledger_accounts a set balance = v.balance, carry = v.carry
      from unnest(${balances.map((r) => r.id)}::bigint[], ${balances.map((r) => r.balance)}::bigint[],
        ${balances.map((r) => r.carry)}::int[]) as v(id, balance, carry)
      where a.id = v.id
    )
    -- Every transfer of one transaction has the same created_at (now()): it is sent back once.
    select id, case when n = 1 then now() end as created_at from numbered order by n`.execute(db);
  return { ids: rows.map((r) => r.id), createdAt: rows[0]?.createdAt ?? new Date() };
}

/** Postgres' unique_violation on the idempotency key: the transfer exists already. */
export const isDuplicateKey = (err: unknown): boolean =>
  (err as { code?: string; constraint?: string })?.code === '23505' &&
  String((err as { constraint?: string }).constraint ?? (err as Error).message).includes('idempotency_key');

export async function findTransfers(db: Db, keys: string[]): Promise<TransferRow[]> {
  if (keys.length === 0) return [];
  const { rows } = await sql<TransferRow>`
    select id, idempotency_key, kind, request_hash, created_at
    from ledger_transfers where idempotency_key = any(${keys}::text[])`.execute(db);
  return rows;
}

export async function balancesOf(db: Db, ownerId: string): Promise<{ asset: Asset; balance: number }[]> {
  return db
    .selectFrom('ledgerAccounts')
    .select(['asset', 'balance'])
    .where('ownerId', '=', ownerId)
    .execute();
}

export interface StatementRow {
  transferId: number;
  kind: string;
  asset: Asset;
  amount: number;
  balanceAfter: number;
  createdAt: Date;
  giftId: string | null;
  giftName: string | null;
  quantity: number | null;
  counterpartyHandle: string | null;
  counterpartyDisplayName: string | null;
  purchaseCoins: number | null;
}

/** An account's postings, newest first, with what a person needs to read them. */
export async function statement(
  db: Db,
  opts: { ownerId: string; accountId: number; before: number | undefined; limit: number },
): Promise<StatementRow[]> {
  const before = opts.before ?? Number.MAX_SAFE_INTEGER;
  const { rows } = await sql<StatementRow>`
    select p.transfer_id, t.kind, p.asset, p.amount, p.balance_after, t.created_at,
      g.gift_id, gc.name as gift_name, g.quantity,
      u.handle as counterparty_handle, u.display_name as counterparty_display_name,
      null::bigint as purchase_coins
    from ledger_postings p
    join ledger_transfers t on t.id = p.transfer_id
    left join gift_events g on g.transfer_id = p.transfer_id
    left join gift_catalog gc on gc.id = g.gift_id
    left join users u on u.id = case when g.sender_id = ${opts.ownerId}::uuid then g.creator_id else g.sender_id end
    where p.account_id = ${opts.accountId} and p.transfer_id < ${before}
    order by p.transfer_id desc
    limit ${opts.limit}`.execute(db);
  return rows;
}
