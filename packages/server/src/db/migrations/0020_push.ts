import { type Kysely, sql } from 'kysely';

/**
 * Web Push (`modules/push/`): each signed-in browser's push subscription with the kinds it wants,
 * each user's quiet hours, and the outbox: one message per thing to tell (unique by its key, so a
 * fan-out that runs twice stores it once) and one delivery per device, sent in numbered batches by
 * leased jobs and kept for a day as the log the rate cap and "last sent" read.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('push_subscriptions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // A browser's subscription is its endpoint: signing in as someone else on it moves the device.
    .addColumn('endpoint', 'text', (c) => c.notNull().unique())
    .addColumn('p256dh', 'text', (c) => c.notNull())
    .addColumn('auth', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('live', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('reminders', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('battles', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('money', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_sent_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('push_subscriptions_user_idx')
    .on('push_subscriptions')
    .column('user_id')
    .execute();

  await db.schema
    .createTable('push_preferences')
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    // Minutes after local midnight; start > end spans midnight (22:00 → 07:00).
    .addColumn('quiet_start', 'smallint', (c) => c.check(sql`quiet_start between 0 and 1439`))
    .addColumn('quiet_end', 'smallint', (c) => c.check(sql`quiet_end between 0 and 1439`))
    .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('UTC'))
    .execute();

  await db.schema
    .createTable('push_messages')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('ttl_seconds', 'integer', (c) => c.notNull())
    .addColumn('urgency', 'text', (c) => c.notNull().defaultTo('normal'))
    .addColumn('batches', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('push_messages_created_idx').on('push_messages').column('created_at').execute();

  await db.schema
    .createTable('push_deliveries')
    .addColumn('message_id', 'bigint', (c) => c.notNull().references('push_messages.id').onDelete('cascade'))
    .addColumn('subscription_id', 'uuid', (c) =>
      c.notNull().references('push_subscriptions.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'uuid', (c) => c.notNull())
    .addColumn('batch', 'integer', (c) => c.notNull())
    // LIVE alerts and reminders count toward the hourly cap; invites and payouts do not.
    .addColumn('capped', 'boolean', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'smallint', (c) => c.notNull().defaultTo(0))
    .addColumn('status_code', 'smallint')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz')
    .addPrimaryKeyConstraint('push_deliveries_pk', ['message_id', 'subscription_id'])
    .addCheckConstraint('push_deliveries_state', sql`state in ('pending', 'sent', 'gone', 'failed')`)
    .execute();
  await sql`create index push_deliveries_batch_idx on push_deliveries (message_id, batch) where state = 'pending'`.execute(
    db,
  );
  await sql`create index push_deliveries_cap_idx on push_deliveries (user_id, created_at) where capped`.execute(
    db,
  );
  await db.schema
    .createIndex('push_deliveries_subscription_idx')
    .on('push_deliveries')
    .column('subscription_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('push_deliveries').execute();
  await db.schema.dropTable('push_messages').execute();
  await db.schema.dropTable('push_preferences').execute();
  await db.schema.dropTable('push_subscriptions').execute();
}
