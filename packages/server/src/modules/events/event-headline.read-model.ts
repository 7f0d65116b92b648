/**
 * What a reminder about a scheduled LIVE says outside the app (Web Push): the event's title and
 * start, from the events module's own `live_events`.
 */
import type { Db } from '../../db/database.ts';

export function eventHeadline(db: Db, eventId: string) {
  return db
    .selectFrom('liveEvents')
    .select(['title', 'startsAt'])
    .where('id', '=', eventId)
    .executeTakeFirst();
}
