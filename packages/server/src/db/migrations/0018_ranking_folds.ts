import { type Kysely, sql } from 'kysely';

/**
 * The ranking's running totals (`modules/discovery/viewer-folds.ts`): per LIVE session and viewer,
 * what their events added up to until a watermark half a minute behind the last round, so a round
 * reads one row per viewer plus the last seconds of events instead of every event of every LIVE.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ranking_viewers')
    .addColumn('session_id', 'uuid', (c) => c.notNull())
    .addColumn('viewer_id', 'uuid', (c) => c.notNull())
    // Sum of view-end times minus sum of view-start times (epoch ms): watch time without pairing them.
    .addColumn('net_ms', 'float8', (c) => c.notNull())
    .addColumn('starts', 'integer', (c) => c.notNull())
    .addColumn('ends', 'integer', (c) => c.notNull())
    // Epoch ms, as the round computes with them (no conversion per viewer per round).
    .addColumn('first_start_ms', 'float8')
    .addColumn('last_end_ms', 'float8')
    .addColumn('followed', 'boolean', (c) => c.notNull())
    // Engagement inside the sliding window only: added when it happens, taken off when it slides out.
    .addColumn('comments', 'integer', (c) => c.notNull())
    .addColumn('shares', 'integer', (c) => c.notNull())
    .addColumn('hearts', 'float8', (c) => c.notNull())
    .addPrimaryKeyConstraint('ranking_viewers_pk', ['session_id', 'viewer_id'])
    .execute();
  // The sessions whose viewers are folded, and when each was last rebuilt from all its events.
  await db.schema
    .createTable('ranking_folds')
    .addColumn('session_id', 'uuid', (c) => c.primaryKey())
    .addColumn('rebuilt_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // The watermarks every folded session shares: events up to `folded_to` are in the totals, and
  // window engagement from `expired_to` on, for a window of `window_ms`; `seen_to` is the newest
  // event the last round saw written (the next fold stops there).
  await db.schema
    .alterTable('ranking_state')
    .addColumn('folded_to', 'timestamptz')
    .addColumn('expired_to', 'timestamptz')
    .addColumn('window_ms', 'integer')
    .addColumn('seen_to', 'timestamptz')
    .execute();
  // Each round reads the events of the last seconds, whichever rooms they belong to. With this index
  // that is a range of the newest rows, and the planner knows how many there are (it reads the
  // index's actual end instead of statistics that stop at the last ANALYZE, which would have it
  // expect no recent events at all). Appended in time order, it costs the recorder's batched inserts
  // little: they land on its right-most pages.
  await sql`create index metric_events_at_idx on metric_events (at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index metric_events_at_idx`.execute(db);
  await db.schema
    .alterTable('ranking_state')
    .dropColumn('folded_to')
    .dropColumn('expired_to')
    .dropColumn('window_ms')
    .dropColumn('seen_to')
    .execute();
  await db.schema.dropTable('ranking_folds').execute();
  await db.schema.dropTable('ranking_viewers').execute();
}
