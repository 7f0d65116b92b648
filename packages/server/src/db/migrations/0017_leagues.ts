import { type Kysely, sql } from 'kysely';

/**
 * Leagues (`modules/leagues/`): the periods, who competed in which tier and group of each, how each
 * period ended for them, and every creator's best tier. A tier is stored with its rank (0 = D5 …
 * 17 = A1) so "best tier" and "highest tier before" are a `max` in SQL.
 *
 * A membership row is settled once: `settled_at` is set in the same statement that writes its
 * points, rank and movement, and only where it was null, so a settlement job that is run again
 * after a crash moves nobody twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('league_periods')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull().unique())
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'settling', 'settled')`))
    .addColumn('settled_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('league_periods_order', sql`ends_at > starts_at`)
    .execute();

  await db.schema
    .createTable('league_creators')
    .addColumn('creator_id', 'uuid', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('best_tier', 'text', (c) => c.notNull())
    .addColumn('best_rank', 'smallint', (c) => c.notNull().check(sql`best_rank between 0 and 17`))
    .addColumn('best_at', 'timestamptz', (c) => c.notNull())
    .addColumn('joined_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('league_memberships')
    .addColumn('period_key', 'text', (c) => c.notNull().references('league_periods.key').onDelete('cascade'))
    .addColumn('creator_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('tier', 'text', (c) => c.notNull())
    .addColumn('tier_rank', 'smallint', (c) => c.notNull().check(sql`tier_rank between 0 and 17`))
    .addColumn('group_no', 'integer', (c) => c.notNull().check(sql`group_no >= 0`))
    .addColumn('joined_at', 'timestamptz', (c) => c.notNull())
    .addColumn('points', 'int8')
    .addColumn('rank', 'integer')
    .addColumn('movement', 'text', (c) => c.check(sql`movement in ('up', 'stay', 'down')`))
    .addColumn('next_tier', 'text')
    .addColumn('settled_at', 'timestamptz')
    .addColumn('announced_at', 'timestamptz')
    .addPrimaryKeyConstraint('league_memberships_pk', ['period_key', 'creator_id'])
    .execute();
  // A group's members (standings, settlement) and a creator's history (league page, weekly status).
  await db.schema
    .createIndex('league_memberships_group_idx')
    .on('league_memberships')
    .columns(['period_key', 'tier', 'group_no'])
    .execute();
  await db.schema
    .createIndex('league_memberships_creator_idx')
    .on('league_memberships')
    .columns(['creator_id', 'period_key'])
    .execute();
  // The leagues' read models sum a creator's gifts over a window (league points, top gifters);
  // the economy's own indexes only reach gifts by session.
  await sql`create index if not exists gift_events_creator_at_idx on gift_events (creator_id, created_at)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists gift_events_creator_at_idx`.execute(db);
  await db.schema.dropTable('league_memberships').execute();
  await db.schema.dropTable('league_creators').execute();
  await db.schema.dropTable('league_periods').execute();
}
