/**
 * The following list's read model (`GET /api/v1/me/following`): social's own `follows`, each
 * creator's public columns from accounts' `users`, and whether their room is LIVE from live's
 * `rooms`. The list shows all three per row, so one join answers it; the list only reads the other
 * domains' rows, which their own services write.
 */
import type { Db } from '../../db/database.ts';
import { publicUser } from '../accounts/public-user.ts';

export function listFollowing(db: Db, followerId: string) {
  return db
    .selectFrom('follows as f')
    .innerJoin('users as u', 'u.id', 'f.creatorId')
    .leftJoin('rooms as r', 'r.creatorId', 'f.creatorId')
    .select(publicUser('u'))
    .select(['f.notify', 'r.state'])
    .where('f.followerId', '=', followerId)
    .orderBy('f.createdAt', 'desc')
    .limit(500)
    .execute();
}
