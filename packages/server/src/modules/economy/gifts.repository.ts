import type { CreateGiftBody, UpdateGiftBody } from '@onair/protocol';
import { sql } from 'kysely';
import { type Db, PREPARED } from '../../db/database.ts';
import type { GiftCatalogRow, GiftEventRow } from '../../db/schema.ts';

export function findGifts(db: Db, ids: string[]): Promise<GiftCatalogRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('giftCatalog').selectAll().where('id', 'in', ids).execute();
}

export function listGifts(db: Db, opts: { activeOnly: boolean }): Promise<GiftCatalogRow[]> {
  let q = db.selectFrom('giftCatalog').selectAll();
  if (opts.activeOnly) q = q.where('active', '=', true);
  return q.orderBy('sort').orderBy('coins').orderBy('id').execute();
}

/** Undefined when the id is taken. */
export function insertGift(db: Db, body: CreateGiftBody): Promise<GiftCatalogRow | undefined> {
  return db
    .insertInto('giftCatalog')
    .values({ ...body })
    .onConflict((oc) => oc.column('id').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export function updateGift(db: Db, id: string, patch: UpdateGiftBody): Promise<GiftCatalogRow | undefined> {
  return db
    .updateTable('giftCatalog')
    .set({ ...patch, updatedAt: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** One gift of a batch (account ids; the function gets their positions in the batch's sorted list). */
export interface BatchGift {
  key: string;
  requestHash: string;
  senderAccount: number;
  creatorAccount: number;
  coins: number;
  senderId: string;
  creatorId: string;
  sessionId: string;
  giftId: string;
  quantity: number;
  streakId: string;
  streakCount: number;
}

export interface BatchOutcome {
  /** Null: refused, the sender's balance could not pay it. */
  transferId: number | null;
  /** The sender's coin balance after the gift, or, when refused, the balance it met. */
  balanceAfter: number;
  diamonds: number;
}

/**
 * Commits a batch of gifts in one statement and its own transaction (`onair_send_gifts`, migration
 * 0008): locks in sorted order, applies each gift in order, writes transfers, postings, gift rows and
 * balances. A key already in the ledger fails the whole statement (unique violation).
 */
export async function sendGifts(
  db: Db,
  batch: { sink: number; issuance: number; platformShareBps: number; gifts: BatchGift[] },
): Promise<{ outcomes: BatchOutcome[]; createdAt: Date }> {
  const { gifts } = batch;
  const col = <K extends keyof BatchGift>(k: K) => gifts.map((g) => g[k]);
  // Every account of the batch once, in the ascending order the function locks them in.
  const accounts = [
    ...new Set([
      batch.sink,
      batch.issuance,
      ...gifts.map((g) => g.senderAccount),
      ...gifts.map((g) => g.creatorAccount),
    ]),
  ].sort((a, b) => a - b);
  // 1-based positions: the function indexes Postgres arrays.
  const position = new Map(accounts.map((id, i) => [id, i + 1]));
  const ix = (k: 'senderAccount' | 'creatorAccount') => gifts.map((g) => position.get(g[k])!);
  const { rows } = await sql<BatchOutcome & { createdAt: Date | null }>`${sql.raw(PREPARED)}
    select * from onair_send_gifts(
      ${accounts}::bigint[], ${position.get(batch.sink)}::int, ${position.get(batch.issuance)}::int, ${batch.platformShareBps}::int,
      ${col('key')}::text[], ${col('requestHash')}::text[], ${ix('senderAccount')}::int[],
      ${ix('creatorAccount')}::int[], ${col('coins')}::bigint[], ${col('senderId')}::uuid[],
      ${col('creatorId')}::uuid[], ${col('sessionId')}::uuid[], ${col('giftId')}::text[],
      ${col('quantity')}::int[], ${col('streakId')}::text[], ${col('streakCount')}::int[])`.execute(db);
  return { outcomes: rows, createdAt: rows[0]?.createdAt ?? new Date() };
}

export interface ReceiptRow extends GiftEventRow {
  balanceAfter: number;
  transferCreatedAt: Date;
}

/**
 * Gifts already committed, with the sender's balance right after each: what a retry gets back. The
 * posting is reached through the sender's coin account, so the lookup uses the postings' primary
 * key (account, transfer) instead of scanning every posting for the transfer id.
 */
export async function findReceipts(db: Db, transferIds: number[]): Promise<ReceiptRow[]> {
  if (transferIds.length === 0) return [];
  const { rows } = await sql<ReceiptRow>`
    select g.*, t.created_at as transfer_created_at, p.balance_after
    from gift_events g
    join ledger_transfers t on t.id = g.transfer_id
    join ledger_accounts a on a.owner_id = g.sender_id and a.asset = 'COIN'
    join ledger_postings p on p.account_id = a.id and p.transfer_id = g.transfer_id
    where g.transfer_id = any(${transferIds}::bigint[])`.execute(db);
  return rows;
}

export async function topGifters(db: Db, sessionId: string, limit: number) {
  const { rows } = await sql<{
    id: string;
    handle: string;
    displayName: string;
    avatarUrl: string | null;
    coins: number;
  }>`
    select u.id, u.handle, u.display_name, u.avatar_url, t.coins
    from (
      select sender_id, sum(coins)::bigint as coins from gift_events
      where session_id = ${sessionId}::uuid group by sender_id
      order by coins desc, sender_id limit ${limit}
    ) t join users u on u.id = t.sender_id
    order by t.coins desc, u.handle`.execute(db);
  return rows;
}

export async function countGiftTransfers(db: Db): Promise<number> {
  const row = await db
    .selectFrom('ledgerTransfers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('kind', '=', 'gift')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
