import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { type UserRef, userRefSql } from '../accounts/public-user.ts';

/**
 * Reads: economy: `gift_events` (coins each sender gave the creator); accounts: `users` (through
 * `userRefSql`). The room's top gifters over a window, ranked as core's `topGifters` ranks them:
 * coins, then who reached their total first (their last gift in the window), then sender id.
 * `leaderboard.db.test.ts` holds this query to `topGifters` on the same gifts.
 */
export interface GifterRow {
  rank: number;
  user: UserRef;
  coins: number;
}

export async function roomTopGifters(
  db: Db,
  creatorId: string,
  window: { start: Date; end: Date } | null,
  limit: number,
): Promise<GifterRow[]> {
  const inWindow = window ? sql`and e.created_at >= ${window.start} and e.created_at < ${window.end}` : sql``;
  const { rows } = await sql<UserRef & { coins: number }>`
    select ${userRefSql('u')}, t.coins
    from (
      select e.sender_id, sum(e.coins)::int8 as coins, max(e.created_at) as reached_at
      from gift_events e
      where e.creator_id = ${creatorId} ${inWindow}
      group by e.sender_id
      having sum(e.coins) > 0
    ) t
    join users u on u.id = t.sender_id
    order by t.coins desc, t.reached_at asc, t.sender_id asc
    limit ${limit}`.execute(db);
  return rows.map((r, i) => ({
    rank: i + 1,
    user: { id: r.id, handle: r.handle, displayName: r.displayName, avatarUrl: r.avatarUrl },
    coins: Number(r.coins),
  }));
}
