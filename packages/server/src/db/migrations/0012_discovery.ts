import { type Kysely, sql } from 'kysely';

/**
 * The For You ranking (`modules/discovery/`): a recompute job writes one row per room LIVE now, so
 * every node serves the same order, and a per-minute sample of each room's score for the studio's
 * "Why am I ranked here" chart.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('live_rankings')
    .addColumn('session_id', 'uuid', (c) => c.primaryKey())
    .addColumn('creator_id', 'uuid', (c) => c.notNull())
    // 48 bits of a hash of the session id: what a feed cursor remembers of each room it has shown.
    .addColumn('short_id', 'bigint', (c) => c.notNull())
    .addColumn('score', 'float8', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('explorer', 'boolean', (c) => c.notNull())
    .addColumn('followers', 'integer', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('hashtags', sql`text[]`, (c) => c.notNull())
    .addColumn('live_at', 'timestamptz', (c) => c.notNull())
    // Raw signal values, then their percentiles among the rooms LIVE at `computed_at`.
    .addColumn('engagement', 'float8', (c) => c.notNull())
    .addColumn('watch_ms', 'float8', (c) => c.notNull())
    .addColumn('new_followers', 'float8', (c) => c.notNull())
    .addColumn('consistency', 'float8', (c) => c.notNull())
    .addColumn('retention', 'float8', (c) => c.notNull())
    .addColumn('p_engagement', 'float8', (c) => c.notNull())
    .addColumn('p_watch', 'float8', (c) => c.notNull())
    .addColumn('p_new_followers', 'float8', (c) => c.notNull())
    .addColumn('p_consistency', 'float8', (c) => c.notNull())
    .addColumn('p_retention', 'float8', (c) => c.notNull())
    .addColumn('freshness', 'float8', (c) => c.notNull())
    .addColumn('viewers', 'integer', (c) => c.notNull())
    // When followers and retention were last counted (they are recounted about once a minute).
    .addColumn('slow_at', 'timestamptz', (c) => c.notNull())
    .addColumn('generation', 'bigint', (c) => c.notNull())
    .addColumn('computed_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index live_rankings_score_idx on live_rankings (score desc, session_id)`.execute(db);
  await db.schema.createIndex('live_rankings_creator_idx').on('live_rankings').column('creator_id').execute();

  await db.schema
    .createTable('ranking_history')
    .addColumn('session_id', 'uuid', (c) => c.notNull())
    .addColumn('minute', 'timestamptz', (c) => c.notNull())
    .addColumn('score', 'float8', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('rooms', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('ranking_history_pk', ['session_id', 'minute'])
    .execute();

  // One row: the last recompute, for cursors (generation) and the admin console (how long it took).
  await db.schema
    .createTable('ranking_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('generation', 'bigint', (c) => c.notNull())
    .addColumn('computed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('rooms', 'integer', (c) => c.notNull())
    .addColumn('took_ms', 'integer', (c) => c.notNull())
    .execute();
  await sql`insert into ranking_state (id, generation, computed_at, rooms, took_ms) values (1, 0, now(), 0, 0)`.execute(
    db,
  );
  // The recompute reads a window of each LIVE session's events.
  await sql`create index metric_events_session_at_idx on metric_events (session_id, at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index metric_events_session_at_idx`.execute(db);
  for (const t of ['ranking_state', 'ranking_history', 'live_rankings'])
    await db.schema.dropTable(t).execute();
}
