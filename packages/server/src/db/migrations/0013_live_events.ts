import { type Kysely, sql } from 'kysely';

/**
 * Scheduled LIVE events (`modules/events/`): a creator announces a LIVE at a local time in an IANA
 * zone, viewers ask to be reminded. `starts_at` is the resolved instant; `time_zone` is kept so the
 * event can be shown and edited in the zone it was planned in.
 *
 * Notifications gain `event_id`, so a reminder (or "is LIVE now", or "cancelled") is stored at most
 * once per user, kind and event even when the job that sends it runs twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('live_events')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('creator_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('duration_min', 'integer', (c) => c.notNull().check(sql`duration_min between 1 and 1440`))
    .addColumn('cover_url', 'text')
    .addColumn('hashtags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('scheduled', 'live', 'kept', 'missed', 'cancelled')`),
    )
    .addColumn('session_id', 'uuid', (c) => c.references('live_sessions.id').onDelete('set null'))
    .addColumn('rsvp_count', 'integer', (c) => c.notNull().defaultTo(0).check(sql`rsvp_count >= 0`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('live_events_creator_starts_idx')
    .on('live_events')
    .columns(['creator_id', 'starts_at'])
    .execute();
  await db.schema
    .createIndex('live_events_status_starts_idx')
    .on('live_events')
    .columns(['status', 'starts_at'])
    .execute();

  await db.schema
    .createTable('event_rsvps')
    .addColumn('event_id', 'uuid', (c) => c.notNull().references('live_events.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('event_rsvps_pk', ['event_id', 'user_id'])
    .execute();
  // "My reminders": the events one user asked about.
  await db.schema.createIndex('event_rsvps_user_idx').on('event_rsvps').column('user_id').execute();

  await db.schema
    .alterTable('notifications')
    .addColumn('event_id', 'uuid', (c) => c.references('live_events.id').onDelete('cascade'))
    .execute();
  await sql`create unique index notifications_event_once on notifications (user_id, kind, event_id) where event_id is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from notifications where event_id is not null`.execute(db);
  await sql`drop index if exists notifications_event_once`.execute(db);
  await db.schema.alterTable('notifications').dropColumn('event_id').execute();
  await db.schema.dropTable('event_rsvps').execute();
  await db.schema.dropTable('live_events').execute();
}
