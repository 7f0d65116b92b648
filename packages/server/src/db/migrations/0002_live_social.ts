import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rooms')
    .addColumn('creator_id', 'uuid', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('topic', 'text', (c) => c.notNull().defaultTo('just_chatting'))
    .addColumn('hashtags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('stream_key', 'text', (c) => c.notNull().unique())
    .addColumn('state', 'text', (c) =>
      c.notNull().defaultTo('offline').check(sql`state in ('offline', 'live')`),
    )
    .addColumn('current_session_id', 'uuid')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('live_sessions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('creator_id', 'uuid', (c) => c.notNull().references('rooms.creator_id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('connecting', 'live', 'ended')`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('hashtags', sql`text[]`, (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('rtmp', 'browser')`))
    .addColumn('ingest_node', 'text', (c) => c.notNull())
    .addColumn('client_ip', 'text')
    .addColumn('video_codec', 'text')
    .addColumn('audio_codec', 'text')
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('fps', 'real')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('live_at', 'timestamptz')
    .addColumn('ended_at', 'timestamptz')
    .addColumn('end_reason', 'text')
    .addColumn('thumbnail_at', 'timestamptz')
    .addColumn('summary', 'jsonb')
    .execute();
  // One broadcast at a time per room: a second publisher with the same key cannot even get a row.
  await sql`create unique index live_sessions_one_open_per_room on live_sessions (creator_id) where status <> 'ended'`.execute(
    db,
  );
  await db.schema
    .createIndex('live_sessions_creator_started_idx')
    .on('live_sessions')
    .columns(['creator_id', 'started_at'])
    .execute();
  await db.schema
    .createIndex('live_sessions_status_idx')
    .on('live_sessions')
    .columns(['status', 'live_at'])
    .execute();

  await db.schema
    .createTable('follows')
    .addColumn('follower_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('creator_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('notify', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('follows_pk', ['follower_id', 'creator_id'])
    .addCheckConstraint('follows_not_self', sql`follower_id <> creator_id`)
    .execute();
  await db.schema
    .createIndex('follows_creator_idx')
    .on('follows')
    .columns(['creator_id', 'notify'])
    .execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'uuid', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('session_id', 'uuid', (c) => c.references('live_sessions.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('read_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('notifications_user_idx')
    .on('notifications')
    .columns(['user_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('notifications').execute();
  await db.schema.dropTable('follows').execute();
  await db.schema.dropTable('live_sessions').execute();
  await db.schema.dropTable('rooms').execute();
}
