import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('comments')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('session_id', 'uuid', (c) => c.notNull().references('live_sessions.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('reply_to', 'uuid')
    .addColumn('mentions', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('deleted_at', 'timestamptz')
    .addColumn('deleted_by', 'uuid')
    .execute();
  await db.schema
    .createIndex('comments_session_seq_idx')
    .on('comments')
    .columns(['session_id', 'seq'])
    .execute();

  await db.schema
    .alterTable('live_sessions')
    .addColumn('pinned_comment_id', 'uuid')
    .addColumn('peak_viewers', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('rooms')
    .addColumn('slow_mode_s', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('banned_words', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .execute();

  await db.schema
    .createTable('room_moderators')
    .addColumn('creator_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('room_moderators_pk', ['creator_id', 'user_id'])
    .execute();

  // A mute has an end; a ban (until null) lasts until lifted.
  await db.schema
    .createTable('room_sanctions')
    .addColumn('creator_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('mute', 'ban')`))
    .addColumn('until', 'timestamptz')
    .addColumn('by_user_id', 'uuid', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('room_sanctions_pk', ['creator_id', 'user_id', 'kind'])
    .execute();

  await db.schema
    .createTable('user_blocks')
    .addColumn('blocker_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('blocked_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('user_blocks_pk', ['blocker_id', 'blocked_id'])
    .addCheckConstraint('user_blocks_not_self', sql`blocker_id <> blocked_id`)
    .execute();

  await db.schema
    .createTable('comment_reports')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('comment_id', 'uuid', (c) => c.notNull().references('comments.id').onDelete('cascade'))
    .addColumn('reporter_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('resolved_at', 'timestamptz')
    .addUniqueConstraint('comment_reports_once', ['comment_id', 'reporter_id'])
    .execute();

  await db.schema
    .createTable('share_links')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('sharer_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('creator_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('session_id', 'uuid', (c) => c.references('live_sessions.id').onDelete('set null'))
    .addColumn('visits', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('follows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('share_links_one_per_session', ['sharer_id', 'creator_id', 'session_id'])
    .execute();
  await db.schema.alterTable('follows').addColumn('via_share', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('follows').dropColumn('via_share').execute();
  for (const t of [
    'share_links',
    'comment_reports',
    'user_blocks',
    'room_sanctions',
    'room_moderators',
    'comments',
  ]) {
    await db.schema.dropTable(t).execute();
  }
  await db.schema.alterTable('rooms').dropColumn('slow_mode_s').dropColumn('banned_words').execute();
  await db.schema
    .alterTable('live_sessions')
    .dropColumn('pinned_comment_id')
    .dropColumn('peak_viewers')
    .execute();
}
