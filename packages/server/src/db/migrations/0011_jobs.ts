import { type Kysely, sql } from 'kysely';

/**
 * Durable jobs (`src/jobs/`): one row per pending job, claimed by any worker node with
 * `FOR UPDATE SKIP LOCKED`. Battle deadlines were the first of them, in `battle_timers`; their rows
 * move here as `battle.deadline` jobs keyed by the battle id, and back on the way down.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('run_at', 'timestamptz', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    // Failed runs so far (a run rolled back by a crash is not one: its transaction never ended).
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    // Bumped by every schedule, so a finished run never deletes the job its handler just rescheduled.
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    // Set when a job used up its attempts: kept for a person to look at, never claimed again.
    .addColumn('failed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('jobs_kind_key', ['kind', 'key'])
    .execute();
  await sql`create index jobs_due_idx on jobs (run_at) where failed_at is null`.execute(db);

  await sql`
    insert into jobs (kind, key, run_at)
    select 'battle.deadline', battle_id::text, due_at from battle_timers`.execute(db);
  await db.schema.dropTable('battle_timers').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('battle_timers')
    .addColumn('battle_id', 'uuid', (c) => c.primaryKey().references('battles.id'))
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('battle_timers_due_idx').on('battle_timers').column('due_at').execute();
  await sql`
    insert into battle_timers (battle_id, due_at)
    select key::uuid, run_at from jobs
    where kind = 'battle.deadline' and failed_at is null and key::uuid in (select id from battles)`.execute(
    db,
  );
  await db.schema.dropTable('jobs').execute();
}
