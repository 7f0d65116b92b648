import { type RawBuilder, sql, type Transaction } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';

type Tx = Db | Transaction<Database>;

/**
 * What other modules may know of committed gifts, without reading the economy's tables: the gifts
 * to some creators or sessions in a time window, and a wait for gift transactions under way.
 * Battles score from these; anything else that counts gifts should too.
 *
 * Lock order: every economy transaction locks `ledger_accounts` rows in ascending id order and locks
 * no row of another module (a gift batch only reads `live_sessions`). So a caller may hold locks on
 * its own rows and then call `waitForGiftsTo`, which takes shared locks on the creators' DIAMOND
 * accounts in that same ascending order; no other economy lock may be taken from outside.
 */

/** A committed gift; `atMs` is its ledger transfer's commit time, the one clock battles score by. */
export interface WindowGift {
  transferId: number;
  creatorId: string;
  sessionId: string;
  senderId: string;
  giftId: string;
  coins: number;
  atMs: number;
}

const atMs = sql`floor(extract(epoch from t.created_at) * 1000)::int8`;

/**
 * The gifts of these transfers as a relation (`transfer_id, creator_id, session_id, sender_id,
 * gift_id, coins, at_ms`), for a caller that joins them to its own rows in one statement:
 * `from (${giftsOfTransfers(ids)}) as g join …`.
 */
export function giftsOfTransfers(transferIds: readonly number[]): RawBuilder<WindowGift> {
  return sql<WindowGift>`
    select g.transfer_id, g.creator_id, g.session_id, g.sender_id, g.gift_id, g.coins, ${atMs} as at_ms
    from gift_events g join ledger_transfers t on t.id = g.transfer_id
    where ${transferIds.length === 0 ? sql`false` : sql`g.transfer_id in (${sql.join(transferIds)})`}`;
}

/** Committed gifts to these sessions (or creators) in [fromMs, toMs). */
export async function giftsInWindow(
  db: Tx,
  to: { sessionIds: readonly string[] } | { creatorIds: readonly string[] },
  fromMs: number,
  toMs: number,
): Promise<WindowGift[]> {
  const ids = 'sessionIds' in to ? to.sessionIds : to.creatorIds;
  if (ids.length === 0) return [];
  const column = 'sessionIds' in to ? sql.ref('g.session_id') : sql.ref('g.creator_id');
  const { rows } = await sql<WindowGift>`
    select g.transfer_id, g.creator_id, g.session_id, g.sender_id, g.gift_id, g.coins, ${atMs} as at_ms
    from gift_events g join ledger_transfers t on t.id = g.transfer_id
    where ${column} in (${sql.join(ids)})
      and t.created_at >= ${new Date(fromMs)} and t.created_at < ${new Date(toMs)}`.execute(db);
  return rows;
}

/**
 * Returns once every gift transaction to these creators that is under way has committed (or rolled
 * back). Gift transactions lock the creator's DIAMOND account before anything they write, so a shared
 * lock on it is granted only after them; it is held until the caller's transaction ends, so gifts
 * that start meanwhile commit after the caller's reads. Read-only; call it inside a transaction.
 */
export async function waitForGiftsTo(
  trx: Transaction<Database>,
  creatorIds: readonly string[],
): Promise<void> {
  if (creatorIds.length === 0) return;
  await sql`select id from ledger_accounts where owner_id in (${sql.join(creatorIds)}) and asset = 'DIAMOND'
    order by id for share`.execute(trx);
}

/** The economy's gift window, as a dependency (services.ts hands it to battles). */
export const giftWindow = { giftsOfTransfers, giftsInWindow, waitForGiftsTo };
export type GiftWindow = typeof giftWindow;
