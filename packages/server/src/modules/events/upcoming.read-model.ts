/**
 * Upcoming scheduled LIVEs, for pages other domains own (a hashtag page, the feed's "Upcoming" row):
 * events' `live_events` joined with each creator's public columns from accounts' `users`. Only
 * events still `scheduled` and starting after `now`, soonest first.
 */
import type { Db } from '../../db/database.ts';
import { publicUser } from '../accounts/public-user.ts';

export interface UpcomingEventsQuery {
  creatorId?: string;
  /** A hashtag without its `#`, compared case-insensitively (tags are stored lower-case). */
  hashtag?: string;
  limit: number;
  now: Date;
}

export function upcomingEvents(db: Db, opts: UpcomingEventsQuery) {
  let q = db
    .selectFrom('liveEvents as e')
    .innerJoin('users as u', 'u.id', 'e.creatorId')
    .select([
      'e.id as eventId',
      'e.title',
      'e.description',
      'e.startsAt',
      'e.timeZone',
      'e.durationMin',
      'e.coverUrl',
      'e.hashtags',
      'e.rsvpCount',
    ])
    .select(publicUser('u'))
    .where('e.status', '=', 'scheduled')
    .where('e.startsAt', '>', opts.now);
  if (opts.creatorId) q = q.where('e.creatorId', '=', opts.creatorId);
  if (opts.hashtag) {
    const tag = opts.hashtag.replace(/^#/, '').toLowerCase();
    q = q.where((eb) => eb(eb.val(tag), '=', eb.fn.any('e.hashtags')));
  }
  return q.orderBy('e.startsAt', 'asc').orderBy('e.id', 'asc').limit(opts.limit).execute();
}

export type UpcomingEventRow = Awaited<ReturnType<typeof upcomingEvents>>[number];
