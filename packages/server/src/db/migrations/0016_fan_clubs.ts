import { type Kysely, sql } from 'kysely';

/**
 * Fan clubs (`modules/fanclub/`): a creator's club and its badge, memberships with their points and
 * level, the per-day per-mission tally the daily caps are enforced on, and one row per granted
 * mission event (keyed by its source, so a comment, a gift or a LIVE's watch mark counts once).
 * The club gift is seeded in the catalog: sending it joins the receiving creator's club.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('fan_clubs')
    .addColumn('creator_id', 'uuid', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('badge_name', 'text', (c) => c.notNull())
    .addColumn('fans_only', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('fan_memberships')
    .addColumn('creator_id', 'uuid', (c) =>
      c.notNull().references('fan_clubs.creator_id').onDelete('cascade'),
    )
    .addColumn('fan_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('joined_at', 'timestamptz', (c) => c.notNull())
    .addColumn('points', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`points >= 0`))
    .addColumn('level', 'integer', (c) => c.notNull().defaultTo(1).check(sql`level >= 1`))
    // Joining counts as earning, so this is never null: the activity rule measures from it.
    .addColumn('last_point_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('fan_memberships_pk', ['creator_id', 'fan_id'])
    .addCheckConstraint('fan_memberships_not_self', sql`creator_id <> fan_id`)
    .execute();
  // "Clubs I am in" (a fan's badges).
  await db.schema.createIndex('fan_memberships_fan_idx').on('fan_memberships').column('fan_id').execute();

  await db.schema
    .createTable('fan_daily_points')
    .addColumn('creator_id', 'uuid', (c) => c.notNull())
    .addColumn('fan_id', 'uuid', (c) => c.notNull())
    // Local day number in the configured zone (core `localDayNumber`).
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('mission', 'text', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull().check(sql`points >= 0`))
    .addPrimaryKeyConstraint('fan_daily_points_pk', ['creator_id', 'fan_id', 'day', 'mission'])
    .addForeignKeyConstraint(
      'fan_daily_points_member',
      ['creator_id', 'fan_id'],
      'fan_memberships',
      ['creator_id', 'fan_id'],
      (f) => f.onDelete('cascade'),
    )
    .execute();

  await db.schema
    .createTable('fan_point_events')
    .addColumn('creator_id', 'uuid', (c) => c.notNull())
    .addColumn('fan_id', 'uuid', (c) => c.notNull())
    // What earned it: `comment:<id>`, `gift:<id>`, `share:<session>:<seq>`, `watch15:<session>`.
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('mission', 'text', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull().check(sql`points >= 0`))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('fan_point_events_pk', ['creator_id', 'fan_id', 'source'])
    .addForeignKeyConstraint(
      'fan_point_events_member',
      ['creator_id', 'fan_id'],
      'fan_memberships',
      ['creator_id', 'fan_id'],
      (f) => f.onDelete('cascade'),
    )
    .execute();
  // Activity as of a past instant: "did this member earn between a LIVE and then?"
  await db.schema
    .createIndex('fan_point_events_at_idx')
    .on('fan_point_events')
    .columns(['creator_id', 'fan_id', 'at'])
    .where(sql.ref('points'), '>', 0)
    .execute();

  await sql`insert into gift_catalog (id, name, coins, icon, animation, tier, sort)
    values ('heart_me', 'Heart Me', 1, '💗', 'float', 'small', -10)
    on conflict (id) do nothing`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('fan_point_events').execute();
  await db.schema.dropTable('fan_daily_points').execute();
  await db.schema.dropTable('fan_memberships').execute();
  await db.schema.dropTable('fan_clubs').execute();
  await sql`update gift_catalog set active = false where id = 'heart_me'`.execute(db);
}
