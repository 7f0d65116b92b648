/**
 * What a link preview of a creator, their LIVE or an event shows (`share-cards.ts`). Reads, never
 * writes: accounts' `users` (public columns), social's `follows` (follower count), live's `rooms` and
 * `live_sessions` (the LIVE now: title, thumbnail), events' `live_events` (one event and its creator).
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

export function creatorCard(db: Db, handle: string) {
  return db
    .selectFrom('users as u')
    .leftJoin('rooms as r', 'r.creatorId', 'u.id')
    .leftJoin('liveSessions as s', (j) =>
      j.onRef('s.id', '=', 'r.currentSessionId').on('s.status', '=', 'live').on('r.state', '=', 'live'),
    )
    .select(['u.handle', 'u.displayName', 'u.bio', 'u.avatarUrl', 'r.title as roomTitle'])
    .select(['s.id as sessionId', 's.title as sessionTitle', 's.thumbnailAt'])
    .select(sql<number>`(select count(*) from follows f where f.creator_id = u.id)`.as('followerCount'))
    .where('u.handle', '=', handle)
    .executeTakeFirst();
}
export type CreatorCardRow = NonNullable<Awaited<ReturnType<typeof creatorCard>>>;

export function eventCard(db: Db, id: string) {
  return db
    .selectFrom('liveEvents as e')
    .innerJoin('users as u', 'u.id', 'e.creatorId')
    .select(['e.id', 'e.title', 'e.description', 'e.startsAt', 'e.timeZone', 'e.status', 'e.coverUrl'])
    .select(['u.handle', 'u.displayName', 'u.avatarUrl'])
    .where('e.id', '=', id)
    .executeTakeFirst();
}
export type EventCardRow = NonNullable<Awaited<ReturnType<typeof eventCard>>>;
