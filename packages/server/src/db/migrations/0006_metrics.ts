import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Append-only and narrow on purpose: one row per view start/end or engagement, written in batches.
  // No foreign keys and a single index, so ingest stays cheap; rows are read one session at a time.
  await db.schema
    .createTable('metric_events')
    .addColumn('session_id', 'uuid', (c) => c.notNull())
    .addColumn('viewer_id', 'uuid', (c) => c.notNull())
    .addColumn('kind', 'smallint', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('value', 'bigint', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('metric_events_session_idx').on('metric_events').column('session_id').execute();

  // One row per session, computed when it ends (or on demand while it is LIVE): the studio reads this.
  await db.schema
    .createTable('session_metrics')
    .addColumn('session_id', 'uuid', (c) => c.primaryKey().references('live_sessions.id').onDelete('cascade'))
    .addColumn('creator_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz')
    .addColumn('final', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('diamonds', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('metrics', 'jsonb', (c) => c.notNull())
    .addColumn('follow_sources', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('computed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('session_metrics_creator_idx')
    .on('session_metrics')
    .columns(['creator_id', 'started_at'])
    .execute();

  // Per session, per viewer: what the audience pages (regulars, fans, returning vs new) aggregate.
  await db.schema
    .createTable('session_viewers')
    .addColumn('session_id', 'uuid', (c) => c.notNull().references('live_sessions.id').onDelete('cascade'))
    .addColumn('creator_id', 'uuid', (c) => c.notNull())
    .addColumn('viewer_id', 'uuid', (c) => c.notNull())
    .addColumn('session_started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('first_at', 'timestamptz', (c) => c.notNull())
    .addColumn('watch_ms', 'bigint', (c) => c.notNull())
    .addColumn('comments', 'integer', (c) => c.notNull())
    .addColumn('hearts', 'integer', (c) => c.notNull())
    .addColumn('shares', 'integer', (c) => c.notNull())
    .addColumn('gifts', 'integer', (c) => c.notNull())
    .addColumn('coins', 'bigint', (c) => c.notNull())
    .addColumn('followed', 'boolean', (c) => c.notNull())
    .addPrimaryKeyConstraint('session_viewers_pk', ['session_id', 'viewer_id'])
    .execute();
  await db.schema
    .createIndex('session_viewers_creator_idx')
    .on('session_viewers')
    .columns(['creator_id', 'viewer_id'])
    .execute();
  await db.schema
    .createIndex('session_viewers_viewer_idx')
    .on('session_viewers')
    .column('viewer_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['session_viewers', 'session_metrics', 'metric_events']) {
    await db.schema.dropTable(t).execute();
  }
}
