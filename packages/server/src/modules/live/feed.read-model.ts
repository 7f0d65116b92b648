/**
 * The LIVE feed's read model (`GET /api/v1/feed`, the "For you" and "Following" tabs): the live
 * domain's rooms and sessions, each creator's public columns from accounts' `users`, and for the
 * Following tab social's `follows`. A page of cards needs all three at once, filtered and ordered by
 * the database; the feed only reads them, and each table is written by its own domain.
 */
import type { Db } from '../../db/database.ts';
import { publicUser } from '../accounts/public-user.ts';

export function liveRooms(
  db: Db,
  opts: { limit: number; followerId?: string | undefined; sessionIds?: string[] | undefined },
) {
  let q = db
    .selectFrom('rooms as r')
    .innerJoin('liveSessions as s', 's.id', 'r.currentSessionId')
    .innerJoin('users as u', 'u.id', 'r.creatorId')
    .select([
      's.id as sessionId',
      's.title',
      's.topic',
      's.hashtags',
      's.liveAt',
      's.startedAt',
      's.thumbnailAt',
    ])
    .select(publicUser('u'))
    .where('r.state', '=', 'live')
    .where('s.status', '=', 'live');
  if (opts.sessionIds) {
    if (opts.sessionIds.length === 0) return Promise.resolve([]);
    q = q.where('s.id', 'in', opts.sessionIds);
  }
  if (opts.followerId) {
    const followerId = opts.followerId;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('follows as f')
          .select('f.creatorId')
          .whereRef('f.creatorId', '=', 'r.creatorId')
          .where('f.followerId', '=', followerId),
      ),
    );
  }
  return q.orderBy('s.liveAt', 'desc').limit(opts.limit).execute();
}
