import { type Kysely, sql } from 'kysely';

/**
 * Search (`modules/search/`): pg_trgm for typo-tolerant and prefix matching, plus full-text
 * expression indexes for whole-word matches in longer text (bios, titles).
 *
 * The extension is per database and lives in `public`, so schema-scoped connections (tests put each
 * file in its own schema, with `search_path=<schema>, public`) all find it and dropping one schema
 * never drops it. Several schemas may migrate at once: a `create extension` that loses the race
 * fails with a duplicate, which a savepoint contains so the migration's transaction carries on.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`savepoint onair_pg_trgm`.execute(db);
  try {
    await sql`create extension if not exists pg_trgm with schema public`.execute(db);
    await sql`release savepoint onair_pg_trgm`.execute(db);
  } catch (err) {
    const code = (err as { code?: string }).code;
    // unique_violation (pg_extension's name index) or duplicate_object: another session created it.
    if (code !== '23505' && code !== '42710') throw err;
    await sql`rollback to savepoint onair_pg_trgm`.execute(db);
  }

  // Trigram indexes answer `%`, `<%` and LIKE/ILIKE prefix patterns.
  await sql`create index users_handle_trgm on users using gin (handle gin_trgm_ops)`.execute(db);
  await sql`create index users_display_name_trgm on users using gin (display_name gin_trgm_ops)`.execute(db);
  await sql`create index live_sessions_title_trgm on live_sessions using gin (title gin_trgm_ops)`.execute(
    db,
  );
  await sql`create index live_events_title_trgm on live_events using gin (title gin_trgm_ops)`.execute(db);

  // Whole-word matches; the expressions must stay identical to the read model's (search.read-model.ts).
  await sql`create index users_search_fts on users using gin
    (to_tsvector('simple', handle || ' ' || display_name || ' ' || bio))`.execute(db);
  await sql`create index live_sessions_search_fts on live_sessions using gin
    (to_tsvector('simple', title || ' ' || topic))`.execute(db);
  await sql`create index live_events_search_fts on live_events using gin
    (to_tsvector('simple', title || ' ' || description))`.execute(db);

  // Hashtag lookups (`tag = any(hashtags)` is written as `hashtags @> array[tag]` to use these).
  await sql`create index live_sessions_hashtags on live_sessions using gin (hashtags)`.execute(db);
  await sql`create index live_events_hashtags on live_events using gin (hashtags)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of [
    'live_events_hashtags',
    'live_sessions_hashtags',
    'live_events_search_fts',
    'live_sessions_search_fts',
    'users_search_fts',
    'live_events_title_trgm',
    'live_sessions_title_trgm',
    'users_display_name_trgm',
    'users_handle_trgm',
  ])
    await sql`drop index if exists ${sql.ref(index)}`.execute(db);
  // The extension stays: other schemas of the same database may be using it.
}
