/**
 * Upcoming scheduled LIVEs, for pages other domains own (a hashtag page, the feed's "Upcoming" row):
 * events' `live_events` joined with each creator's public columns from accounts' `users`. Only
 * events still `scheduled` and starting after `now`, soonest first.
 */
import type { Db } from '../../db/database.ts';
import { publicUser, publicUserAs } from '../accounts/public-user.ts';

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

export interface FeedUpcomingQuery {
  /** The signed-in viewer, or null. */
  viewerId: string | null;
  limit: number;
  now: Date;
}

/**
 * The feed's "Upcoming" row. Signed out: soonest first. Signed in: events of creators the viewer
 * follows (social's `follows`) and events they asked to be reminded of come first, soonest first,
 * then the rest; like the LIVE feed it leaves out the viewer's own events and creators blocked
 * either way (social's `user_blocks`). Rows have the repository's `EventWithCreator` shape, so the
 * events presenter shows them like any other list.
 */
export function feedUpcoming(db: Db, opts: FeedUpcomingQuery) {
  const me = opts.viewerId;
  let q = db
    .selectFrom('liveEvents as e')
    .innerJoin('users as u', 'u.id', 'e.creatorId')
    .selectAll('e')
    .select(publicUserAs('u', 'creator'))
    .where('e.status', '=', 'scheduled')
    .where('e.startsAt', '>', opts.now);
  if (me) {
    q = q
      .where('e.creatorId', '<>', me)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('userBlocks as b')
              .select('b.blockerId')
              .where(({ or, and, eb }) =>
                or([
                  and([eb('b.blockerId', '=', me), eb('b.blockedId', '=', eb.ref('e.creatorId'))]),
                  and([eb('b.blockerId', '=', eb.ref('e.creatorId')), eb('b.blockedId', '=', me)]),
                ]),
              ),
          ),
        ),
      )
      .orderBy(
        ({ or, exists, selectFrom }) =>
          or([
            exists(
              selectFrom('follows as f')
                .select('f.creatorId')
                .whereRef('f.creatorId', '=', 'e.creatorId')
                .where('f.followerId', '=', me),
            ),
            exists(
              selectFrom('eventRsvps as r')
                .select('r.eventId')
                .whereRef('r.eventId', '=', 'e.id')
                .where('r.userId', '=', me),
            ),
          ]),
        'desc',
      );
  }
  return q.orderBy('e.startsAt', 'asc').orderBy('e.id', 'asc').limit(opts.limit).execute();
}
