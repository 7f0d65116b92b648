/**
 * Search's read model (`GET /api/v1/search`) for rooms, hashtags and events; creators are in
 * creators.read-model.ts. Reads, never writes:
 * - accounts' `users` (the public columns of a card's creator),
 * - live's `rooms` and `live_sessions` (rooms LIVE now: title, topic, hashtags; hashtags used lately),
 * - events' `live_events` (upcoming events: title, description, hashtags; their hashtags).
 * Every group is ranked exact > prefix > whole word (full-text) > trigram similarity. The full-text
 * expressions match the indexes of migration 0014 character for character, or Postgres would not use them.
 */
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { publicUser } from '../accounts/public-user.ts';

/** A query already reduced to safe pieces (see `searchTerms` in search.service.ts). */
export interface SearchTerms {
  /** Lowercased, trimmed, a leading `@`/`#` removed: compared with `=` and trigram operators. */
  term: string;
  /** `term` with LIKE's `\ % _` escaped, plus a trailing `%`. */
  prefix: string;
  /** The query as a hashtag (`Hashtag` rule), or null when it cannot be one. */
  tag: string | null;
  /** The tag with LIKE escapes plus `%`, or null. */
  tagPrefix: string | null;
  /** `'word':* & 'word':*` built from letters and digits only, or null when there are none. */
  tsquery: string | null;
}

export interface Page {
  limit: number;
  offset: number;
}

const fts = (vector: Expression<unknown>, t: SearchTerms) =>
  t.tsquery === null ? sql<SqlBool>`false` : sql<SqlBool>`${vector} @@ to_tsquery('simple', ${t.tsquery})`;

const sessionVector = sql`to_tsvector('simple', s.title || ' ' || s.topic)`;
const eventVector = sql`to_tsvector('simple', e.title || ' ' || e.description)`;

const hasTag = (column: Expression<unknown>, tag: string | null) =>
  tag === null ? sql<SqlBool>`false` : sql<SqlBool>`${column} @> array[${tag}]::text[]`;
const hasTagPrefix = (column: Expression<unknown>, tagPrefix: string | null) =>
  tagPrefix === null
    ? sql<SqlBool>`false`
    : // Tags never hold spaces: one LIKE over the joined array, not a subquery per row.
      sql<SqlBool>`(' ' || array_to_string(${column}, ' ')) like ${`% ${tagPrefix}`} escape '\\'`;

/**
 * The session is its room's current one and the room is LIVE. A scalar subquery, a primary-key lookup
 * per candidate: written as EXISTS, Postgres turned it into a join with every room, and the typo tier
 * then ranked every LIVE title instead of reading the nearest few from its index. `<> 'offline'`
 * (state is `offline` or `live`; no current room gives null) because the planner guesses that 0.5% of
 * rows pass an `=` and 99.5% a `<>`: with `=` it expected to read 200 rows per hit and sorted them all.
 */
const roomIsLive = sql<SqlBool>`(select r.state from rooms r
  where r.creator_id = s.creator_id and r.current_session_id = s.id) <> 'offline'`;

/** pg_trgm's default thresholds, which the `%` and `<%` operators apply. */
const SIMILARITY = 0.3;
const WORD_SIMILARITY = 0.6;

/**
 * Rooms LIVE now, best first, in one statement (the shape of creators.read-model.ts, which says why):
 * 4 a hashtag, 3 a prefix of the title, topic or a hashtag (newest LIVE first in both), 2 whole words
 * (full-text index, newest first), 1 typos in the title (most similar first). Each later tier is a
 * materialized CTE that runs only while the better ones have not filled the page, and every tier's
 * match is one its index answers (migrations 0014 and 0019), so no tier tests every LIVE room. The
 * room check runs on the sorted matches (`offset 0` keeps Postgres from moving it below the sort)
 * and stops at `n`: every LIVE title matches `music live`, and checking all 10,000 rooms first took
 * longer than the rest of the query.
 */
export function searchRooms(db: Db, t: SearchTerms, page: Page) {
  const n = page.offset + page.limit;
  const tagged = hasTag(sql`s.hashtags`, t.tag);
  const tagPrefix =
    t.tagPrefix === null
      ? sql<SqlBool>`false`
      : sql<SqlBool>`search_hashtags_text(s.hashtags) like ${`% ${t.tagPrefix}`} escape '\\'`;
  const live = sql<SqlBool>`s.status = 'live' and ${roomIsLive}`;
  const fresh = sql<SqlBool>`not (s.id in (select id from a union all select id from b))`;
  // Typos: the `n` nearest of a GiST nearest-neighbour scan, kept if close enough (creators' `similar`).
  const nearest = (score: RawBuilder<number>, distance: RawBuilder<number>, min: number) => sql`
    (select id, live_at, ${score} as score from (
      select s.id, s.live_at, s.title from live_sessions s where ${live} and ${fresh} order by ${distance} limit ${n}
    ) k where ${score} >= ${min})`;
  const ranked = sql<{ id: string; tier: number; pos: number }>`(
    with a as materialized (
      select id, tier, row_number() over (order by tier desc, live_at desc, id) as pos from (
        select * from (
          select s.id, s.creator_id, s.live_at, case when ${tagged} then 4 else 3 end as tier from live_sessions s
          where s.status = 'live' and (${tagged} or ${tagPrefix} or lower(s.title) like ${t.prefix} escape '\\'
            or lower(replace(s.topic, '_', ' ')) like ${t.prefix} escape '\\')
          order by tier desc, s.live_at desc, s.id offset 0
        ) s where ${roomIsLive} limit ${n}
      ) top
    ),
    b as materialized (
      select id, 2 as tier, row_number() over (order by live_at desc, id) as pos from (
        select * from (
          select * from (
            select s.id, s.creator_id, s.live_at from live_sessions s
            where s.status = 'live' and ${fts(sessionVector, t)} offset 0
          ) matches order by live_at desc, id offset 0
        ) s where (select count(*) from a) < ${n} and not (id in (select id from a)) and ${roomIsLive}
        limit ${n}
      ) top
    ),
    c as materialized (
      select id, 1 as tier, row_number() over (order by max(score) desc, live_at desc, id) as pos from (
        ${nearest(sql`word_similarity(${t.term}, title)`, sql`${t.term} <<-> s.title`, WORD_SIMILARITY)}
        union all
        ${nearest(sql`similarity(title, ${t.term})`, sql`s.title <-> ${t.term}`, SIMILARITY)}
      ) k where (select count(*) from a) + (select count(*) from b) < ${n}
      group by id, live_at
    )
    select id, tier, pos from a union all select id, tier, pos from b union all select id, tier, pos from c
    order by tier desc, pos limit ${page.limit} offset ${page.offset}
  )`;
  return db
    .selectFrom(ranked.as('p'))
    .innerJoin('liveSessions as s', 's.id', 'p.id')
    .innerJoin('users as u', 'u.id', 's.creatorId')
    .select([
      's.id as sessionId',
      's.title',
      's.topic',
      's.hashtags',
      's.liveAt',
      's.startedAt',
      's.thumbnailAt',
      'p.tier',
    ])
    .select(publicUser('u'))
    .orderBy('p.tier', 'desc')
    .orderBy('p.pos')
    .execute();
}

/**
 * Hashtags of sessions since `since` and of events still ahead, with how often each was used. The
 * tag form of the query (spaces removed) is what is compared: "dance party" finds #danceparty.
 */
export async function searchHashtags(db: Db, t: SearchTerms, since: Date, page: Page) {
  if (t.tag === null || t.tagPrefix === null) return [];
  // Count the uses, then match the few distinct tags: materialized, or Postgres pushes the match down
  // and runs a trigram test on every use.
  const { rows } = await sql<{ tag: string; uses: number }>`
    with used as (
      select unnest(hashtags) as tag from live_sessions where started_at >= ${since} and hashtags <> '{}'
      union all
      select unnest(hashtags) from live_events where status in ('scheduled', 'live') and hashtags <> '{}'
    ),
    counted as materialized (select tag, count(*)::int8 as uses from used group by tag)
    select tag, uses from counted
    where tag like ${t.tagPrefix} escape '\\' or tag % ${t.tag}
    order by (tag = ${t.tag}) desc, (tag like ${t.tagPrefix} escape '\\') desc,
      similarity(tag, ${t.tag}) desc, uses desc, tag
    limit ${page.limit} offset ${page.offset}`.execute(db);
  return rows;
}

/** The columns an event card shows, with its creator. */
export function eventCards(db: Db) {
  return db
    .selectFrom('liveEvents as e')
    .innerJoin('users as u', 'u.id', 'e.creatorId')
    .select([
      'e.id as eventId',
      'e.title',
      'e.startsAt',
      'e.timeZone',
      'e.durationMin',
      'e.coverUrl',
      'e.hashtags',
      'e.rsvpCount',
    ])
    .select(publicUser('u'));
}
export type EventCardRow = Awaited<ReturnType<ReturnType<typeof eventCards>['execute']>>[number];

export function searchEvents(db: Db, t: SearchTerms, now: Date, page: Page) {
  const tier = sql<number>`case
    when ${hasTag(sql`e.hashtags`, t.tag)} or lower(e.title) = ${t.term} then 4
    when e.title ilike ${t.prefix} escape '\\' or ${hasTagPrefix(sql`e.hashtags`, t.tagPrefix)} then 3
    when ${fts(eventVector, t)} then 2
    else 1 end`;
  return eventCards(db)
    .select(tier.as('tier'))
    .where('e.status', '=', 'scheduled')
    .where('e.startsAt', '>', now)
    .where(
      sql<SqlBool>`(${hasTag(sql`e.hashtags`, t.tag)}
        or ${hasTagPrefix(sql`e.hashtags`, t.tagPrefix)}
        or e.title ilike ${t.prefix} escape '\\'
        or e.title % ${t.term}
        or ${t.term} <% e.title
        or ${fts(eventVector, t)})`,
    )
    .orderBy(tier, 'desc')
    .orderBy(sql`word_similarity(${t.term}, e.title)`, 'desc')
    .orderBy('e.startsAt')
    .orderBy('e.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}
