import type { CreateGiftBody, UpdateGiftBody } from '@onair/protocol';
import { sql } from 'kysely';
import { intArrayLiteral, textArrayLiteral } from '../../db/array-literal.ts';
import { type Db, PREPARED } from '../../db/database.ts';
import type { GiftCatalogRow, GiftEventRow } from '../../db/schema.ts';
import { type UserRef, userRefSql } from '../accounts/public-user.ts';

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
  /** The sender's COIN account; the gift row's sender is its owner. */
  senderAccount: number;
  /** The creator's DIAMOND account; the gift row's creator is its owner. */
  creatorAccount: number;
  coins: number;
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

interface BatchRow {
  transferIds: (number | null)[] | null;
  balancesAfter: number[] | null;
  diamonds: number[] | null;
  offlineSessions: number[] | null;
  createdAt: Date;
}

/**
 * Commits a batch of gifts in one statement and its own transaction (`onair_send_gifts`, migrations
 * 0008–0010): locks in sorted order, applies each gift in order, writes transfers, postings, gift
 * rows and balances. A key already in the ledger fails the whole statement (unique violation). Gifts
 * to a session that is no longer LIVE are refused; those sessions come back in `offlineSessions`.
 */
export async function sendGifts(
  db: Db,
  batch: { sink: number; issuance: number; platformShareBps: number; gifts: BatchGift[] },
): Promise<{ outcomes: BatchOutcome[]; offlineSessions: Set<string>; createdAt: Date }> {
  const { gifts } = batch;
  // Every account of the batch once, in the ascending order the function locks them in.
  const accountSet = new Set<number>([batch.sink, batch.issuance]);
  const sessionSet = new Set<string>();
  for (const g of gifts) {
    accountSet.add(g.senderAccount);
    accountSet.add(g.creatorAccount);
    sessionSet.add(g.sessionId);
  }
  const accounts = [...accountSet].sort((a, b) => a - b);
  const sessions = [...sessionSet];
  // 1-based positions: the function indexes Postgres arrays.
  const position = new Map(accounts.map((id, i) => [id, i + 1]));
  const sessionPosition = new Map(sessions.map((id, i) => [id, i + 1]));
  const col = <T>(f: (g: BatchGift) => T) => gifts.map(f);
  const ints = intArrayLiteral;
  const texts = textArrayLiteral;
  const { rows } = await sql<BatchRow>`${sql.raw(PREPARED)}
    select * from onair_send_gifts(
      ${ints(accounts)}::bigint[], ${position.get(batch.sink)}::int, ${position.get(batch.issuance)}::int,
      ${batch.platformShareBps}::int, ${texts(col((g) => g.key))}::text[],
      ${texts(col((g) => g.requestHash))}::text[], ${ints(col((g) => position.get(g.senderAccount)!))}::int[],
      ${ints(col((g) => position.get(g.creatorAccount)!))}::int[], ${ints(col((g) => g.coins))}::bigint[],
      ${ints(col((g) => sessionPosition.get(g.sessionId)!))}::int[], ${texts(sessions)}::uuid[],
      ${texts(col((g) => g.giftId))}::text[], ${ints(col((g) => g.quantity))}::int[],
      ${texts(col((g) => g.streakId))}::text[], ${ints(col((g) => g.streakCount))}::int[])`.execute(db);
  const row = rows[0]!;
  const ids = row.transferIds ?? [];
  const after = row.balancesAfter ?? [];
  const dia = row.diamonds ?? [];
  const outcomes = ids.map(
    (transferId, i): BatchOutcome => ({ transferId, balanceAfter: after[i]!, diamonds: dia[i]! }),
  );
  const offlineSessions = new Set((row.offlineSessions ?? []).map((ix) => sessions[ix - 1]!));
  return { outcomes, offlineSessions, createdAt: row.createdAt };
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
  const { rows } = await sql<UserRef & { coins: number }>`
    select ${userRefSql('u')}, t.coins
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
