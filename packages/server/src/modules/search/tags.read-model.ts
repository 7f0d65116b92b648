/**
 * The hashtag pages' read model (`GET /api/v1/tags/:tag`, `GET /api/v1/tags/trending`). Reads,
 * never writes:
 * - live's `rooms` and `live_sessions` (rooms LIVE now with the tag; who used it lately),
 * - discovery's `live_rankings` when it exists (the For You order of those rooms),
 * - events' `live_events` (who used the tag on an event; the upcoming ones come from the events
 *   module's own `upcoming.read-model.ts`),
 * - accounts' `users` and social's `follows` (creators and their follower counts),
 * - studio's `metric_events` (the last hour's comments, shares, gifts and hearts per session).
 */
import { EventKind } from '@onair/core';
import { type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { publicUser } from '../accounts/public-user.ts';
import { followerCount } from './creators.read-model.ts';

const withTag = (column: string, tag: string) => sql<SqlBool>`${sql.ref(column)} @> array[${tag}]::text[]`;

/** Whether discovery's ranking table is there: the tag page orders by it when it is. */
export async function hasLiveRankings(db: Db): Promise<boolean> {
  const { rows } = await sql<{ found: boolean }>`
    select to_regclass('live_rankings') is not null as found`.execute(db);
  return rows[0]?.found ?? false;
}

export function liveWithTag(db: Db, tag: string, opts: { limit: number; ranked: boolean }) {
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
    .where('s.status', '=', 'live')
    .where(withTag('s.hashtags', tag));
  if (opts.ranked) {
    q = q.leftJoin('liveRankings as lr', 'lr.sessionId', 's.id').orderBy(sql`lr.score desc nulls last`);
  }
  return q.orderBy('s.liveAt', 'desc').orderBy('s.id').limit(opts.limit).execute();
}

/** Creators who used the tag on a session or an event since `since`, most followed first. */
export function topCreatorsOfTag(db: Db, tag: string, since: Date, limit: number) {
  const uses = db
    .selectFrom((eb) =>
      eb
        .selectFrom('liveSessions')
        .select('creatorId')
        .where(withTag('hashtags', tag))
        .where('startedAt', '>=', since)
        .unionAll(
          eb
            .selectFrom('liveEvents')
            .select('creatorId')
            .where(withTag('hashtags', tag))
            .where('createdAt', '>=', since)
            .where('status', '<>', 'cancelled'),
        )
        .as('used'),
    )
    .select(['used.creatorId', sql<number>`count(*)::int8`.as('uses')])
    .groupBy('used.creatorId')
    .as('t');
  return db
    .selectFrom(uses)
    .innerJoin('users as u', 'u.id', 't.creatorId')
    .select(publicUser('u'))
    .select(['t.uses', followerCount.as('followerCount')])
    .orderBy('followerCount', 'desc')
    .orderBy('t.uses', 'desc')
    .orderBy('u.handle')
    .limit(limit)
    .execute();
}

/**
 * Hashtags by engagement in `[from, to)`: sessions that were LIVE in the window and carry tags
 * first (few rows), then their metric events through the (session, time) index.
 */
export async function trendingTags(db: Db, window: { from: Date; to: Date }, limit: number) {
  const { rows } = await sql<{
    tag: string;
    comments: number;
    shares: number;
    gifts: number;
    hearts: number;
  }>`
    with sessions as (
      select id, hashtags from live_sessions
      where cardinality(hashtags) > 0
        and started_at < ${window.to}
        and (ended_at is null or ended_at >= ${window.from})
    ),
    per_session as (
      select m.session_id,
        count(*) filter (where m.kind = ${EventKind.comment}) as comments,
        count(*) filter (where m.kind = ${EventKind.share}) as shares,
        count(*) filter (where m.kind = ${EventKind.gift}) as gifts,
        coalesce(sum(m.value) filter (where m.kind = ${EventKind.heart}), 0) as hearts
      from metric_events m
      where m.session_id in (select id from sessions)
        and m.at >= ${window.from} and m.at < ${window.to}
        and m.kind in (${EventKind.comment}, ${EventKind.share}, ${EventKind.gift}, ${EventKind.heart})
      group by m.session_id
    )
    select tag,
      sum(p.comments)::int8 as comments, sum(p.shares)::int8 as shares,
      sum(p.gifts)::int8 as gifts, sum(p.hearts)::int8 as hearts
    from per_session p
    join sessions s on s.id = p.session_id
    cross join lateral unnest(s.hashtags) as tag
    group by tag
    order by sum(p.comments + p.shares + p.gifts + p.hearts) desc, tag
    limit ${limit}`.execute(db);
  return rows;
}
