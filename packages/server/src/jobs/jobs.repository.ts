import { type RawBuilder, sql, type Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';

type Tx = Db | Transaction<Database>;

export interface JobRow {
  id: number;
  kind: string;
  key: string;
  runAt: Date;
  payload: unknown;
  attempts: number;
  revision: number;
}

/** "Now" for the jobs: an injected clock's time, or the database's own (one clock for every node). */
export type Now = RawBuilder<Date>;
export const dbNow: Now = sql<Date>`clock_timestamp()`;
export const fixedNow = (ms: number): Now => sql<Date>`${new Date(ms)}::timestamptz`;

/**
 * One pending job per (kind, key): a second schedule replaces its time and payload and starts its
 * attempts again. The new revision tells a run in progress that its job was rescheduled under it.
 */
export async function upsert(
  db: Tx,
  kind: string,
  key: string,
  runAt: Date,
  payload: unknown,
): Promise<void> {
  await sql`
    insert into jobs (kind, key, run_at, payload) values (${kind}, ${key}, ${runAt}, ${JSON.stringify(payload ?? {})}::jsonb)
    on conflict (kind, key) do update set run_at = excluded.run_at, payload = excluded.payload,
      attempts = 0, last_error = null, failed_at = null, revision = jobs.revision + 1`.execute(db);
}

/** Moves a pending job (not one that gave up); false when there is none. */
export async function move(db: Tx, kind: string, key: string, runAt: Date): Promise<boolean> {
  const r = await db
    .updateTable('jobs')
    .set({ runAt, revision: sql<number>`revision + 1` })
    .where('kind', '=', kind)
    .where('key', '=', key)
    .where('failedAt', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function remove(db: Tx, kind: string, key: string): Promise<boolean> {
  const r = await db.deleteFrom('jobs').where('kind', '=', kind).where('key', '=', key).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export function find(db: Tx, kind: string, key: string) {
  return db.selectFrom('jobs').selectAll().where('kind', '=', kind).where('key', '=', key).executeTakeFirst();
}

/**
 * Claims the most overdue job of these kinds that nobody holds. The row stays locked until the
 * claiming transaction ends: another node can take it only once this transaction has rolled back
 * (a failure, or its connection gone with a killed process).
 */
export async function claim(db: Tx, kinds: string[], now: Now): Promise<JobRow | undefined> {
  if (kinds.length === 0) return undefined;
  const { rows } = await sql<JobRow>`
    select id, kind, key, run_at, payload, attempts, revision from jobs
    where run_at <= ${now} and failed_at is null and kind in (${sql.join(kinds)})
    order by run_at limit 1 for update skip locked`.execute(db);
  return rows[0];
}

/**
 * A leased claim: the job's time moves a lease ahead (a node that dies leaves it to be claimed again
 * then) and its revision is bumped, so only this run's finish or failure applies to it.
 */
export async function lease(db: Tx, id: number, leaseMs: number, now: Now): Promise<number> {
  const { rows } = await sql<{ revision: number }>`
    update jobs set run_at = ${now} + make_interval(secs => ${leaseMs / 1000}), revision = revision + 1
    where id = ${id} returning revision`.execute(db);
  return rows[0]!.revision;
}

/** Extends a lease still held by this run (same revision); a lost lease is left alone. */
export async function renew(db: Tx, id: number, revision: number, leaseMs: number, now: Now): Promise<void> {
  await sql`update jobs set run_at = ${now} + make_interval(secs => ${leaseMs / 1000})
    where id = ${id} and revision = ${revision}`.execute(db);
}

/** The run committed: the job is gone, unless its handler scheduled it again meanwhile. */
export async function finish(db: Tx, id: number, revision: number): Promise<void> {
  await db.deleteFrom('jobs').where('id', '=', id).where('revision', '=', revision).execute();
}

/**
 * A run failed (its own transaction rolled back): count the attempt and put the job off, or give up
 * on it. Skipped if the job was rescheduled or removed in the meantime.
 */
export async function failed(
  db: Tx,
  job: Pick<JobRow, 'id' | 'revision'>,
  error: string,
  retryInMs: number | null,
  now: Now,
): Promise<void> {
  await sql`
    update jobs set attempts = attempts + 1, last_error = ${error.slice(0, 2000)},
      run_at = case when ${retryInMs}::int8 is null then run_at else ${now} + make_interval(secs => ${(retryInMs ?? 0) / 1000}) end,
      failed_at = case when ${retryInMs}::int8 is null then ${now} else null end
    where id = ${job.id} and revision = ${job.revision}`.execute(db);
}
