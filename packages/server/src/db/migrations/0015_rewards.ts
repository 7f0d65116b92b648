import { type Kysely, sql } from 'kysely';

/**
 * LIVE Rewards (`modules/rewards/`): the `rewards_pool` system account bonuses are paid from, one
 * `reward_payouts` row per creator, mission kind and period (a LIVE session, or an ISO week), and the
 * weekly settlement's work list.
 *
 * The pool is created after users' accounts exist, so it does not have one of the lowest ids: every
 * ledger writer locks in ascending id order anyway, and no gift locks the pool, so nothing waits on it
 * out of order.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`insert into ledger_accounts (system_code, asset, kind) values ('rewards_pool', 'DIAMOND', 'system')
    on conflict (system_code) do nothing`.execute(db);

  await db.schema
    .createTable('reward_payouts')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('creator_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('live', 'weekly')`))
    // The session id of a per-LIVE payout, the ISO week (`2026-W49`) of a weekly one.
    .addColumn('period_key', 'text', (c) => c.notNull())
    .addColumn('session_id', 'uuid')
    .addColumn('period_start', 'timestamptz', (c) => c.notNull())
    .addColumn('period_end', 'timestamptz', (c) => c.notNull())
    .addColumn('base_diamonds', 'bigint', (c) => c.notNull().check(sql`base_diamonds >= 0`))
    .addColumn('bps', 'integer', (c) => c.notNull().check(sql`bps >= 0 and bps <= 10000`))
    .addColumn('bonus_diamonds', 'bigint', (c) => c.notNull().check(sql`bonus_diamonds >= 0`))
    .addColumn('items', 'jsonb', (c) => c.notNull())
    .addColumn('explanation', 'text', (c) => c.notNull())
    // The ledger transfer that paid it; none when the bonus came to 0 diamonds.
    .addColumn('transfer_id', 'bigint', (c) => c.unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('reward_payouts_once', ['creator_id', 'kind', 'period_key'])
    .addCheckConstraint('reward_payouts_paid', sql`(bonus_diamonds = 0) = (transfer_id is null)`)
    .execute();
  await db.schema
    .createIndex('reward_payouts_creator_idx')
    .on('reward_payouts')
    .columns(['creator_id', 'created_at'])
    .execute();

  // A week's creators and their diamonds, listed once when the week is settled, then paid in batches
  // by creator id: a restarted settlement reads the same list and skips who was paid.
  await db.schema
    .createTable('reward_week_totals')
    .addColumn('period_key', 'text', (c) => c.notNull())
    .addColumn('creator_id', 'uuid', (c) => c.notNull())
    .addColumn('diamonds', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('reward_week_totals_pk', ['period_key', 'creator_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('reward_week_totals').execute();
  await db.schema.dropTable('reward_payouts').execute();
  await sql`delete from ledger_accounts where system_code = 'rewards_pool'`.execute(db);
}
