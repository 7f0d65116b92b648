import { type Kysely, sql } from 'kysely';

/**
 * LIVE battles: the battle row (its state-machine state), its members per side, the gifts it has
 * counted so far (the live score), one durable deadline per open battle, the quick-match queue and
 * each creator's record.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('battles')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('invited', 'connecting', 'active', 'result', 'ended')`),
    )
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('invite', 'match', 'rematch')`))
    .addColumn('reason', 'text', (c) =>
      c.check(sql`reason in ('finished', 'forfeit', 'declined', 'cancelled', 'expired')`),
    )
    .addColumn('rematch_of', 'uuid', (c) => c.references('battles.id'))
    .addColumn('invite_ms', 'integer', (c) => c.notNull())
    .addColumn('connect_ms', 'integer', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('result_ms', 'integer', (c) => c.notNull())
    .addColumn('invited_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz')
    .addColumn('starts_at', 'timestamptz')
    .addColumn('started_at', 'timestamptz')
    .addColumn('ends_at', 'timestamptz')
    .addColumn('result_ends_at', 'timestamptz')
    .addColumn('ended_at', 'timestamptz')
    .addColumn('extensions', 'integer', (c) => c.notNull().defaultTo(0))
    // Live scores while active (from counted gifts), final scores from the ledger once decided.
    .addColumn('scores', 'jsonb', (c) => c.notNull().defaultTo(sql`'[0,0]'::jsonb`))
    .addColumn('final', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('boosts', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    // Latest gift counted: a gift older than this arrived out of order and triggers a full recount.
    .addColumn('last_gift_ms', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('winner', 'smallint')
    .addColumn('forfeit_by', 'uuid')
    .addColumn('mvps', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('battle_members')
    .addColumn('battle_id', 'uuid', (c) => c.notNull().references('battles.id'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('side', 'smallint', (c) => c.notNull())
    .addColumn('slot', 'smallint', (c) => c.notNull().defaultTo(0))
    .addColumn('session_id', 'uuid')
    // True until the battle ends; the partial unique index below keeps a creator in one battle at a time.
    .addColumn('open', 'boolean', (c) => c.notNull().defaultTo(true))
    .addPrimaryKeyConstraint('battle_members_pk', ['battle_id', 'user_id'])
    .execute();
  await sql`create unique index battle_members_one_open on battle_members (user_id) where open`.execute(db);
  await db.schema.createIndex('battle_members_user_idx').on('battle_members').column('user_id').execute();
  await db.schema
    .createIndex('battle_members_session_idx')
    .on('battle_members')
    .column('session_id')
    .where(sql.ref('open'), '=', true)
    .execute();

  // The gifts the live score has counted (copied from the ledger by transfer id), so a recount after
  // an out-of-order or booster gift never counts one twice.
  await db.schema
    .createTable('battle_gifts')
    .addColumn('battle_id', 'uuid', (c) => c.notNull())
    .addColumn('transfer_id', 'bigint', (c) => c.notNull())
    .addColumn('side', 'smallint', (c) => c.notNull())
    .addColumn('sender_id', 'uuid', (c) => c.notNull())
    .addColumn('gift_id', 'text', (c) => c.notNull())
    .addColumn('coins', 'bigint', (c) => c.notNull())
    .addColumn('at_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('battle_gifts_pk', ['battle_id', 'transfer_id'])
    .execute();

  // One durable deadline per open battle, claimed by the worker with FOR UPDATE SKIP LOCKED.
  await db.schema
    .createTable('battle_timers')
    .addColumn('battle_id', 'uuid', (c) => c.primaryKey().references('battles.id'))
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('battle_timers_due_idx').on('battle_timers').column('due_at').execute();

  await db.schema
    .createTable('battle_queue')
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('users.id'))
    .addColumn('session_id', 'uuid', (c) => c.notNull())
    .addColumn('friends_only', 'boolean', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('result_ms', 'integer', (c) => c.notNull())
    .addColumn('queued_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('battle_stats')
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('users.id'))
    .addColumn('battles', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('wins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('losses', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('draws', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('win_streak', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('best_streak', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'battle_stats',
    'battle_queue',
    'battle_timers',
    'battle_gifts',
    'battle_members',
    'battles',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
