/**
 * Search's read model (`GET /api/v1/search`). Reads, never writes:
 * - accounts' `users` (handle, display name, bio; the public columns),
 * - social's `follows` (follower counts),
 * - live's `rooms` and `live_sessions` (rooms LIVE now: title, topic, hashtags; hashtags used lately),
 * - events' `live_events` (upcoming events: title, description, hashtags; their hashtags).
 * Every group is one query ranked by the database: exact > prefix > whole word (full-text) > trigram
 * similarity, so a misspelt handle still finds its creator. The full-text expressions match the
 * indexes of migration 0014 character for character, or Postgres would not use them.
 */
import { type Expression, type SqlBool, sql } from 'kysely';
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

const userVector = sql`to_tsvector('simple', u.handle || ' ' || u.display_name || ' ' || u.bio)`;
const sessionVector = sql`to_tsvector('simple', s.title || ' ' || s.topic)`;
const eventVector = sql`to_tsvector('simple', e.title || ' ' || e.description)`;

const hasTag = (column: Expression<unknown>, tag: string | null) =>
  tag === null ? sql<SqlBool>`false` : sql<SqlBool>`${column} @> array[${tag}]::text[]`;
const hasTagPrefix = (column: Expression<unknown>, tagPrefix: string | null) =>
  tagPrefix === null
    ? sql<SqlBool>`false`
    : sql<SqlBool>`exists (select 1 from unnest(${column}) h where h like ${tagPrefix} escape '\\')`;

export const followerCount = sql<number>`(select count(*) from follows f where f.creator_id = u.id)`;

export function searchCreators(db: Db, t: SearchTerms, page: Page) {
  const tier = sql<number>`case
    when u.handle = ${t.term} then 4
    when u.handle like ${t.prefix} escape '\\' or u.display_name ilike ${t.prefix} escape '\\' then 3
    when ${fts(userVector, t)} then 2
    else 1 end`;
  return (
    db
      .selectFrom('users as u')
      .leftJoin('rooms as r', 'r.creatorId', 'u.id')
      .select(publicUser('u'))
      .select([
        followerCount.as('followerCount'),
        sql<boolean>`coalesce(r.state = 'live', false)`.as('live'),
        tier.as('tier'),
      ])
      .where(
        sql<SqlBool>`(u.handle = ${t.term}
        or u.handle like ${t.prefix} escape '\\'
        or u.display_name ilike ${t.prefix} escape '\\'
        or u.handle % ${t.term}
        or ${t.term} <% u.handle
        or ${t.term} <% u.display_name
        or u.display_name % ${t.term}
        or ${fts(userVector, t)})`,
      )
      .orderBy(tier, 'desc')
      .orderBy(
        sql`greatest(similarity(u.handle, ${t.term}), word_similarity(${t.term}, u.display_name))`,
        'desc',
      )
      // Not by follower count: a short prefix matches most accounts, and counting each one's
      // followers to sort them cost seconds at 100,000 accounts. The count is computed for the page only.
      .orderBy(sql`length(u.handle)`)
      .orderBy('u.handle')
      .limit(page.limit)
      .offset(page.offset)
      .execute()
  );
}

/** Rooms LIVE now, in the row shape of the LIVE feed's cards (live.presenter's `presentCard`). */
export function searchRooms(db: Db, t: SearchTerms, page: Page) {
  const tier = sql<number>`case
    when ${hasTag(sql`s.hashtags`, t.tag)} then 4
    when s.title ilike ${t.prefix} escape '\\' or replace(s.topic, '_', ' ') ilike ${t.prefix} escape '\\'
      or ${hasTagPrefix(sql`s.hashtags`, t.tagPrefix)} then 3
    when ${fts(sessionVector, t)} then 2
    else 1 end`;
  return db
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
    .select(tier.as('tier'))
    .where('r.state', '=', 'live')
    .where('s.status', '=', 'live')
    .where(
      sql<SqlBool>`(${hasTag(sql`s.hashtags`, t.tag)}
        or ${hasTagPrefix(sql`s.hashtags`, t.tagPrefix)}
        or s.title ilike ${t.prefix} escape '\\'
        or replace(s.topic, '_', ' ') ilike ${t.prefix} escape '\\'
        or s.title % ${t.term}
        or ${t.term} <% s.title
        or ${fts(sessionVector, t)})`,
    )
    .orderBy(tier, 'desc')
    .orderBy(sql`word_similarity(${t.term}, s.title)`, 'desc')
    .orderBy('s.liveAt', 'desc')
    .orderBy('s.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

/**
 * Hashtags of sessions since `since` and of events still ahead, with how often each was used. The
 * tag form of the query (spaces removed) is what is compared: "dance party" finds #danceparty.
 */
export async function searchHashtags(db: Db, t: SearchTerms, since: Date, page: Page) {
  if (t.tag === null || t.tagPrefix === null) return [];
  const { rows } = await sql<{ tag: string; uses: number }>`
    with used as (
      select unnest(hashtags) as tag from live_sessions where started_at >= ${since}
      union all
      select unnest(hashtags) from live_events where status in ('scheduled', 'live')
    )
    select tag, count(*)::int8 as uses
    from used
    where tag like ${t.tagPrefix} escape '\\' or tag % ${t.tag}
    group by tag
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
