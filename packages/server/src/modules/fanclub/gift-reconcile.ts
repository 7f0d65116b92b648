import { FAN_CLUB_GIFT_ID } from '@onair/protocol';
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { giftsInWindow } from '../economy/gift-window.ts';
import type { FanMissions } from './fan-missions.ts';
import * as repo from './fanclub.repository.ts';

/** How far back each run looks: several runs see every gift, so one failed run loses nothing. */
export const RECONCILE_WINDOW_MS = 5 * 60_000;

/**
 * The gift listener joins and grants right after a gift commits, outside the gift's transaction: a
 * node that dies in between would leave a paid club gift without its membership (or a member's gift
 * without its points). The watch job of the session repairs that from the ledger's own rows (the
 * economy's `gift-window.ts`), inside the job's transaction: it joins the senders of club gifts who
 * are not members and grants every member gift whose source is not yet counted. Both are
 * idempotent by source, so the usual case — the listener got there first — does nothing.
 * Returns the fans who joined here, so the caller can follow for them once committed.
 */
export async function reconcileGifts(
  trx: Db,
  missions: FanMissions,
  sessionId: string,
  creatorId: string,
  fromMs: number,
  toMs: number,
): Promise<string[]> {
  const gifts = (await giftsInWindow(trx, { sessionIds: [sessionId] }, fromMs, toMs)).filter(
    (g) => g.senderId !== creatorId,
  );
  if (gifts.length === 0) return [];
  const sources = gifts.map((g) => `gift:${g.transferId}`);
  const counted = new Set(
    (
      await trx
        .selectFrom('fanPointEvents')
        .select('source')
        .where('creatorId', '=', creatorId)
        .where('source', 'in', sources)
        .execute()
    ).map((r) => r.source),
  );
  const joined: string[] = [];
  for (const g of gifts) {
    const source = `gift:${g.transferId}`;
    if (counted.has(source)) continue;
    const at = new Date(Number(g.atMs));
    if (g.giftId === FAN_CLUB_GIFT_ID) {
      // The club's default badge from the handle, as the service would (handles are ASCII).
      await sql`insert into fan_clubs (creator_id, badge_name)
        select id, left(handle, 8) from users where id = ${creatorId}
        on conflict (creator_id) do nothing`.execute(trx);
      if (await repo.insertMembership(trx, creatorId, g.senderId, at)) joined.push(g.senderId);
    }
    await missions.grant(
      { creatorId, fanId: g.senderId, mission: 'giftCoin', quantity: Number(g.coins), source, at },
      trx,
    );
  }
  return joined;
}
