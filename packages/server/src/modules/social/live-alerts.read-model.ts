/**
 * Who wants to hear when a creator goes LIVE: followers with the alert toggle on (social's
 * `follows`). Push delivery (modules/push) fans a go-live out to these users' devices in one
 * statement, so this is a subquery to embed rather than a list to fetch.
 */
import type { Db } from '../../db/database.ts';

export function liveAlertAudience(db: Db, creatorId: string) {
  return db
    .selectFrom('follows')
    .select('followerId')
    .where('creatorId', '=', creatorId)
    .where('notify', '=', true);
}
