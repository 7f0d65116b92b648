import { type Kysely, sql } from 'kysely';

/**
 * Search at 100,000 creators (`modules/search/creators.read-model.ts`, issue #20).
 *
 * - Prefix matches walk `(length(x), x text_pattern_ops)` btrees one length at a time, shortest name
 *   first, and stop when the page is full. `text_pattern_ops` because LIKE 'abc%' can only use a
 *   btree in byte order, and a database's collation (C.UTF-8, en_US…) is not that.
 * - Typo matches take the top few of a GiST nearest-neighbour scan (`handle <-> q`). The GIN trigram
 *   indexes of 0014 on these two columns are dropped: GIN cannot order by similarity, so on look-alike
 *   handles it hands every one to the sort, and while it exists the planner may still prefer it.
 *   `siglen=256`: the default 12-byte signatures of inner pages match nearly any query over
 *   `creator_N`-like names, which made each nearest-neighbour scan read most of the index.
 *   On `lower(…)` (the same text: handles are lower case, and trigrams ignore case anyway) because
 *   a trigram GiST index also answers `=`, and the planner took a GiST on `handle` for sign-in's
 *   `handle = $1`, 5 ms instead of the unique btree's 0.05 ms.
 * - Rooms' typo tier: the same nearest-neighbour scan over LIVE sessions' titles only (partial index:
 *   ended sessions, most of the table, are never searched). With the GIN index of 0014 the planner
 *   preferred the status index and tested both trigram operators on every LIVE title.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index users_handle_by_length on users (length(handle), handle text_pattern_ops)`.execute(
    db,
  );
  await sql`create index users_display_name_by_length on users
    (length(display_name), lower(display_name) text_pattern_ops)`.execute(db);
  await sql`create index users_handle_trgm_gist on users
    using gist (lower(handle) gist_trgm_ops(siglen = 256))`.execute(db);
  await sql`create index users_display_name_trgm_gist on users
    using gist (lower(display_name) gist_trgm_ops(siglen = 256))`.execute(db);
  await sql`create index live_sessions_live_title_trgm_gist on live_sessions
    using gist (title gist_trgm_ops(siglen = 256)) where status = 'live'`.execute(db);
  // Tier 3 of rooms as index scans too (one BitmapOr), not a test of every LIVE room: a topic prefix,
  // and a hashtag prefix over the tags as one string (` fyp live`, matched with `% tag%`). The
  // wrapper exists because array_to_string is only STABLE, which an index expression may not be.
  await sql`create index live_sessions_live_topic on live_sessions
    (lower(replace(topic, '_', ' ')) text_pattern_ops) where status = 'live'`.execute(db);
  // The title's start too: a trigram index cannot tell "starts with fyp" from "has the word fyp".
  await sql`create index live_sessions_live_title_prefix on live_sessions
    (lower(title) text_pattern_ops) where status = 'live'`.execute(db);
  await sql`create function search_hashtags_text(tags text[]) returns text language sql immutable parallel safe
    as $$ select ' ' || array_to_string(tags, ' ') $$`.execute(db);
  await sql`create index live_sessions_live_hashtags_text on live_sessions
    using gin (search_hashtags_text(hashtags) gin_trgm_ops) where status = 'live'`.execute(db);
  await sql`drop index if exists users_handle_trgm`.execute(db);
  await sql`drop index if exists users_display_name_trgm`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create index if not exists users_handle_trgm on users using gin (handle gin_trgm_ops)`.execute(
    db,
  );
  await sql`create index if not exists users_display_name_trgm on users using gin (display_name gin_trgm_ops)`.execute(
    db,
  );
  for (const index of [
    'live_sessions_live_hashtags_text',
    'live_sessions_live_title_prefix',
    'live_sessions_live_topic',
    'live_sessions_live_title_trgm_gist',
    'users_display_name_trgm_gist',
    'users_handle_trgm_gist',
    'users_display_name_by_length',
    'users_handle_by_length',
  ])
    await sql`drop index if exists ${sql.ref(index)}`.execute(db);
  await sql`drop function if exists search_hashtags_text(text[])`.execute(db);
}
