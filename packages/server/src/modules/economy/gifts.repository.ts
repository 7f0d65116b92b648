import type { CreateGiftBody, UpdateGiftBody } from '@onair/protocol';
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../db/database.ts';
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

export type NewGiftEvent = Omit<GiftEventRow, 'createdAt' | 'transferId'> & {
  /** 1-based position of the gift's transfer in the ledger book being flushed. */
  transfer: number;
};

/** The gift rows, as a statement attached to the ledger flush (it joins the new transfer ids). */
export function giftEventsInsert(rows: NewGiftEvent[]): RawBuilder<unknown> {
  const col = <K extends keyof NewGiftEvent>(k: K) => rows.map((r) => r[k]);
  return sql`
    insert into gift_events (transfer_id, sender_id, creator_id, session_id, gift_id, quantity, coins, diamonds, streak_id, streak_count)
    select numbered.id, v.sender, v.creator, v.session, v.gift, v.quantity, v.coins, v.diamonds, v.streak, v.streak_count
    from unnest(
      ${col('transfer')}::bigint[], ${col('senderId')}::uuid[], ${col('creatorId')}::uuid[],
      ${col('sessionId')}::uuid[], ${col('giftId')}::text[], ${col('quantity')}::int[],
      ${col('coins')}::bigint[], ${col('diamonds')}::bigint[], ${col('streakId')}::text[],
      ${col('streakCount')}::int[]) as v(n, sender, creator, session, gift, quantity, coins, diamonds, streak, streak_count)
    join numbered on numbered.n = v.n`;
}

export interface ReceiptRow extends GiftEventRow {
  balanceAfter: number;
  transferCreatedAt: Date;
}

/** Gifts already committed, with the sender's balance right after each: what a retry gets back. */
export async function findReceipts(db: Db, transferIds: number[]): Promise<ReceiptRow[]> {
  if (transferIds.length === 0) return [];
  const { rows } = await sql<ReceiptRow>`
    select g.*, t.created_at as transfer_created_at, p.balance_after
    from gift_events g
    join ledger_transfers t on t.id = g.transfer_id
    join ledger_postings p on p.transfer_id = g.transfer_id and p.asset = 'COIN' and p.amount < 0
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
