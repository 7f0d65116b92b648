/**
 * Creators for `GET /api/v1/search`. Reads, never writes: accounts' `users` (public columns),
 * social's `follows` (follower counts), live's `rooms` (LIVE now).
 *
 * Ranked in tiers, each one indexed query that runs only while the page has room:
 *   4 the handle itself, 3 a handle or display name that starts with the query (shortest name first),
 *   2 a word of handle, name or bio starting with a query word (full text; shortest handle first),
 *   1 trigram similarity, for typos: the query as a near-word of a handle or name (most similar
 *     first), or, when nothing at all was found, a handle or name similar as a whole.
 * The indexes each tier needs are in migrations 0014 and 0019; the expressions below must stay the
 * same text as those indexes, or Postgres (and PGlite) would not use them.
 */
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { publicUser } from '../accounts/public-user.ts';
import type { Page, SearchTerms } from './search.read-model.ts';

export const followerCount = sql<number>`(select count(*) from follows f where f.creator_id = u.id)`;

/**
 * Tiers 4 and 3. The prefix branches walk the `(length(x), x text_pattern_ops)` btrees one length at
 * a time, shortest first, and stop as soon as `n` rows are found: "c" matches every `creator_N`, and
 * the page is full after the 9-character ones. For a prefix match, shorter is what trigram similarity
 * would rank higher too (the query covers more of the name). Order: length of the matching name, that
 * name, the handle, in byte order (`using ~<~`, text_pattern_ops' order, so each length's rows come
 * out of the index sorted). A creator whose handle and name both match keeps the better place.
 */
const exactOrPrefix = (t: SearchTerms, n: number) => sql`
  select id, max(tier) as tier, min(pos) as pos from (
    select id, tier, row_number() over (order by tier desc, key, name using ~<~, handle using ~<~) as pos
    from (
      select id, handle, 4 as tier, 0 as key, handle as name from users where handle = ${t.term}
      union all
      (select h.id, h.handle, 3, l, h.handle
        from generate_series(length(${t.term}), (select coalesce(max(length(handle)), 0) from users)) l
        cross join lateral (select id, handle from users
          where length(handle) = l and handle like ${t.prefix} escape '\\'
          order by handle using ~<~ limit ${n}) h
        limit ${n})
      union all
      (select d.id, d.handle, 3, l, d.name
        from generate_series(length(${t.term}), (select coalesce(max(length(display_name)), 0) from users)) l
        cross join lateral (select id, handle, lower(display_name) as name from users
          where length(display_name) = l and lower(display_name) like ${t.prefix} escape '\\'
          order by lower(display_name) using ~<~, handle using ~<~ limit ${n}) d
        limit ${n})
    ) hits
  ) ranked group by id`;

/**
 * Tier 2: whole words (full text over handle, name and bio), shortest handle first. The matches are
 * collected through the GIN index before they are sorted: left to itself the planner walked the handle
 * index in order and built every row's tsvector to test it, half a second when few or none match.
 */
const words = (t: SearchTerms, n: number, exclude: RawBuilder<unknown>) =>
  t.tsquery === null
    ? sql`select null::uuid as id, 2 as tier, 0::int8 as pos where false`
    : sql`
  select id, 2 as tier, row_number() over (order by length(handle), handle using ~<~) as pos from (
    select id, handle from (
      select id, handle from users
      where to_tsvector('simple', handle || ' ' || display_name || ' ' || bio) @@ to_tsquery('simple', ${t.tsquery})
      offset 0
    ) matches where not (id in (${exclude}))
    order by length(handle), handle using ~<~ limit ${n}
  ) top`;

/** pg_trgm's default threshold for `%` (`<%` applies its own default, 0.6, in the index scan). */
const SIMILARITY = 0.3;

/**
 * Tier 1, typos, in two steps. First the query as a near-word of a handle or name (`<%`, word
 * similarity ≥ 0.6): a filter scan of the GiST index, which rules out nearly every row by its
 * signature (0.05 ms when nothing is close, 8 ms for `creatr_123` over 100,000 `creator_N`), ranked
 * by score. Then, only when no tier found anyone, whole-name similarity (`%`, ≥ 0.3) as the `n`
 * nearest of a nearest-neighbour scan (`<->`) kept if close enough: a fallback, weaker evidence
 * (every `creator_N` is 0.3 similar to `creatr_123`, which shows `creator_123` alone instead of six
 * look-alikes after it) and dearer (a nearest-neighbour scan reads the whole index when nothing is
 * near, 15–30 ms here). Written as a filter instead, `%` trusted an estimate of one match and rechecked the 6,000
 * look-alike handles the index offered. `lower(…)` is the indexes' expression (migration 0019 says
 * why); trigrams ignore case.
 */
const nearWords = (t: SearchTerms, n: number, exclude: RawBuilder<unknown>) => {
  const near = (column: RawBuilder<string>) => sql`
    (select id, handle, word_similarity(${t.term}, ${column}) as score from users
      where ${t.term} <% ${column} and not (id in (${exclude}))
      order by score desc, length(handle), handle using ~<~ limit ${n})`;
  return sql`
  select id, 1 as tier, row_number() over (order by max(score) desc, length(handle), handle using ~<~) as pos
  from (${near(sql`lower(handle)`)} union all ${near(sql`lower(display_name)`)}) w group by id, handle`;
};

const similarNames = (t: SearchTerms, n: number, exclude: RawBuilder<unknown>) => {
  const nearest = (score: RawBuilder<number>, distance: RawBuilder<number>) => sql`
    (select id, handle, ${score} as score from (
      select id, handle, display_name from users where not (id in (${exclude})) order by ${distance} limit ${n}
    ) k where ${score} >= ${SIMILARITY})`;
  return sql`
  select id, 1 as tier, row_number() over (order by max(score) desc, length(handle), handle using ~<~) as pos
  from (
    ${nearest(sql`similarity(handle, ${t.term})`, sql`lower(handle) <-> ${t.term}`)}
    union all
    ${nearest(sql`similarity(display_name, ${t.term})`, sql`lower(display_name) <-> ${t.term}`)}
  ) c group by id, handle`;
};

/**
 * The page's creators, best first, in one statement. Each tier is a materialized CTE that runs only
 * while the better tiers have not filled `offset + limit` rows (an uncorrelated condition, which
 * Postgres checks once before it starts the scan), and leaves out what they found: a tier runs only
 * when the ones before it returned all their rows, so that exclusion is complete. One statement
 * rather than one per tier: on a busy machine each extra round trip is another wait for a CPU.
 * The follower count is computed for the page's rows only.
 */
export function searchCreators(db: Db, t: SearchTerms, page: Page) {
  const n = page.offset + page.limit;
  const ranked = sql<{ id: string; tier: number; pos: number }>`(
    with a as materialized (${exactOrPrefix(t, n)}),
    b as materialized (
      select * from (${words(t, n, sql`select id from a`)}) w where (select count(*) from a) < ${n}
    ),
    c as materialized (
      select * from (${nearWords(t, n, sql`select id from a union all select id from b`)}) w
      where (select count(*) from a) + (select count(*) from b) < ${n}
    ),
    d as materialized (
      select id, tier, pos
      from (${similarNames(t, n, sql`select id from a union all select id from b union all select id from c`)}) s
      where not exists (select 1 from a) and not exists (select 1 from b) and not exists (select 1 from c)
    )
    select id, tier, pos from a union all select id, tier, pos from b
    union all select id, tier, pos from c union all select id, tier, pos from d
    order by tier desc, pos limit ${page.limit} offset ${page.offset}
  )`;
  return db
    .selectFrom(ranked.as('p'))
    .innerJoin('users as u', 'u.id', 'p.id')
    .leftJoin('rooms as r', 'r.creatorId', 'u.id')
    .select(publicUser('u'))
    .select([
      followerCount.as('followerCount'),
      sql<boolean>`coalesce(r.state = 'live', false)`.as('live'),
      'p.tier',
    ])
    .orderBy('p.tier', 'desc')
    .orderBy('p.pos')
    .execute();
}
