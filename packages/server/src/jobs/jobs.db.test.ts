import { sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrations } from '../db/migrations/index.ts';
import { type TestDatabaseHandle, testDatabases } from '../test/databases.ts';
import { createJobs, type Jobs } from './jobs.ts';

const log = pino({ level: 'silent' });
const T0 = Date.parse('2030-01-01T00:00:00Z');

describe.each(testDatabases())('durable jobs on $name', (kind) => {
  let database: TestDatabaseHandle;
  let now = T0;
  const open: Jobs[] = [];
  /** A jobs instance on the shared database with the test's clock: one per node. */
  const node = () => {
    const jobs = createJobs({ db: database.db, log, pollMs: 20, worker: true, clock: () => now });
    open.push(jobs);
    return jobs;
  };

  beforeAll(async () => {
    database = await kind.create();
  });
  beforeEach(async () => {
    for (const jobs of open.splice(0)) await jobs.stop();
    await database.db.deleteFrom('jobs').execute();
    now = T0;
  });
  afterAll(async () => {
    for (const jobs of open) await jobs.stop();
    await database?.drop();
  });

  it('runs a job once when due, with the payload of its last schedule (one job per kind and key)', async () => {
    const jobs = node();
    const ran: unknown[] = [];
    jobs.register('mail', async ({ job }) => {
      ran.push(job.payload);
    });
    await jobs.schedule('mail', 'k1', T0 + 1_000, { n: 1 });
    await jobs.schedule('mail', 'k1', T0 + 2_000, { n: 2 });
    expect(await database.db.selectFrom('jobs').select('key').execute()).toEqual([{ key: 'k1' }]);

    now = T0 + 1_999;
    expect(await jobs.runDue()).toBe(0);
    now = T0 + 2_000;
    expect(await jobs.runDue()).toBe(1);
    expect(ran).toEqual([{ n: 2 }]);
    expect(await jobs.find('mail', 'k1')).toBeUndefined();
    expect(await jobs.runDue()).toBe(0);
  });

  it('commits what the handler writes with the run, or nothing; after-commit steps only for a committed run', async () => {
    const jobs = node();
    const after: string[] = [];
    let fail = true;
    jobs.register('chain', async ({ job, trx, afterCommit }) => {
      await jobs.schedule('next', job.key, T0 + 60_000, {}, trx);
      afterCommit(() => after.push(job.key));
      if (fail) throw new Error('boom');
    });
    await jobs.schedule('chain', 'a', T0);
    expect(await jobs.runDue()).toBe(1);
    // The failed run wrote nothing and announced nothing; the job waits for its retry.
    expect(await jobs.find('next', 'a')).toBeUndefined();
    expect(after).toEqual([]);
    expect(await jobs.find('chain', 'a')).toMatchObject({ attempts: 1, lastError: 'boom' });

    fail = false;
    now = T0 + 1_000;
    expect(await jobs.runDue()).toBe(1);
    expect(await jobs.find('next', 'a')).toBeDefined();
    expect(await jobs.find('chain', 'a')).toBeUndefined();
    expect(after).toEqual(['a']);
  });

  it('retries a failing job with growing delays, counts its attempts and gives up after the last', async () => {
    const jobs = node();
    const runs: number[] = [];
    jobs.register(
      'flaky',
      async ({ job }) => {
        runs.push(job.attempts);
        throw new Error(`attempt ${job.attempts + 1}`);
      },
      { maxAttempts: 3, backoffMs: (n) => 1_000 * 2 ** (n - 1) },
    );
    await jobs.schedule('flaky', 'f', T0);
    expect(await jobs.runDue()).toBe(1);
    const first = await jobs.find('flaky', 'f');
    expect(first).toMatchObject({ attempts: 1, failedAt: null });
    expect(first!.runAt.getTime()).toBe(T0 + 1_000);

    now = T0 + 999;
    expect(await jobs.runDue()).toBe(0);
    now = T0 + 1_000;
    expect(await jobs.runDue()).toBe(1);
    expect((await jobs.find('flaky', 'f'))!.runAt.getTime()).toBe(T0 + 1_000 + 2_000);
    now = T0 + 3_000;
    expect(await jobs.runDue()).toBe(1);
    // Third failure: given up, kept for a person to read, never claimed again.
    const gaveUp = await jobs.find('flaky', 'f');
    expect(gaveUp).toMatchObject({ attempts: 3, lastError: 'attempt 3' });
    expect(gaveUp!.failedAt?.getTime()).toBe(T0 + 3_000);
    now = T0 + 3_600_000;
    expect(await jobs.runDue()).toBe(0);
    expect(runs).toEqual([0, 1, 2]);

    // Scheduling the key again starts over.
    await jobs.schedule('flaky', 'f', now);
    expect(await jobs.find('flaky', 'f')).toMatchObject({ attempts: 0, failedAt: null });
  });

  it('keeps a job its handler rescheduled, and moves or cancels pending jobs', async () => {
    const jobs = node();
    let runs = 0;
    jobs.register('deadline', async ({ job, trx }) => {
      runs++;
      // Not there yet (a settle delay, say): the same job again, later.
      if (runs === 1) await jobs.schedule(job.kind, job.key, T0 + 5_000, {}, trx);
    });
    await jobs.schedule('deadline', 'd', T0);
    expect(await jobs.runDue()).toBe(1);
    expect((await jobs.find('deadline', 'd'))!.runAt.getTime()).toBe(T0 + 5_000);
    now = T0 + 5_000;
    expect(await jobs.runDue()).toBe(1);
    expect(await jobs.find('deadline', 'd')).toBeUndefined();
    expect(runs).toBe(2);

    await jobs.schedule('deadline', 'm', T0 + 10_000);
    expect(await jobs.reschedule('deadline', 'm', T0 + 20_000)).toBe(true);
    now = T0 + 15_000;
    expect(await jobs.runDue()).toBe(0);
    expect(await jobs.cancel('deadline', 'm')).toBe(true);
    now = T0 + 25_000;
    expect(await jobs.runDue()).toBe(0);
    expect(await jobs.reschedule('deadline', 'm', T0)).toBe(false);
    expect(await jobs.cancel('deadline', 'm')).toBe(false);
    expect(runs).toBe(2);
  });

  it('claims only the kinds a node handles, and a job left by a stopped node runs on the next', async () => {
    const first = node();
    first.register('a', async () => {});
    await first.schedule('a', 'x', T0);
    await first.schedule('b', 'y', T0);
    await first.stop();

    const second = node();
    const ran: string[] = [];
    second.register('b', async ({ job }) => {
      ran.push(`${job.kind}:${job.key}`);
    });
    expect(await second.runDue()).toBe(1);
    expect(ran).toEqual(['b:y']);
    // Nobody here handles `a`: it waits, untouched, for a node that does.
    expect(await second.find('a', 'x')).toMatchObject({ attempts: 0 });
  });

  it('runs each job exactly once with two nodes claiming at the same time', async () => {
    const runs = new Map<string, number>();
    const nodes = [node(), node()];
    for (const jobs of nodes)
      jobs.register('work', async ({ job, trx }) => {
        runs.set(job.key, (runs.get(job.key) ?? 0) + 1);
        // Hold the claim a little, as real work does, so the other node has to skip it.
        await sql`select pg_sleep(0.002)`.execute(trx);
      });
    for (let i = 0; i < 40; i++) await nodes[0]!.schedule('work', `w${i}`, T0);
    const counts = await Promise.all(nodes.map((n) => n.runDue()));
    expect(counts[0]! + counts[1]!).toBe(40);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(runs.size).toBe(40);
  });

  it('runs jobs from its own loop on a worker node', async () => {
    const jobs = node();
    const ran: string[] = [];
    let resolve!: () => void;
    const done = new Promise<void>((r) => {
      resolve = r;
    });
    jobs.register('loop', async ({ job, afterCommit }) => {
      ran.push(job.key);
      afterCommit(resolve);
    });
    await jobs.schedule('loop', 'l', T0);
    jobs.start();
    await done;
    expect(ran).toEqual(['l']);
  });
});

describe.each(testDatabases())('migration 0011 on $name', (kind) => {
  it('moves battle deadlines into jobs and back', async () => {
    const database = await kind.create();
    try {
      const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db);
      const migrator = new Migrator({
        db: database.db,
        provider: { getMigrations: async () => migrations },
        migrationTableSchema: rows[0]!.schema,
      });
      const down = await migrator.migrateTo('0010_gift_live_check');
      expect(down.error).toBeUndefined();
      const { rows: battle } = await sql<{ id: string }>`
        insert into battles (status, mode, invite_ms, connect_ms, duration_ms, result_ms, invited_at)
        values ('invited', 'invite', 20000, 0, 60000, 0, now()) returning id`.execute(database.db);
      const id = battle[0]!.id;
      const due = new Date(T0);
      await sql`insert into battle_timers (battle_id, due_at) values (${id}, ${due})`.execute(database.db);

      expect((await migrator.migrateTo('0011_jobs')).error).toBeUndefined();
      const job = await database.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
      expect(job).toMatchObject({ kind: 'battle.deadline', key: id, attempts: 0 });
      expect(job.runAt.getTime()).toBe(T0);

      expect((await migrator.migrateTo('0010_gift_live_check')).error).toBeUndefined();
      const { rows: timers } = await sql<{ battleId: string; dueAt: Date }>`
        select battle_id, due_at from battle_timers`.execute(database.db);
      expect(timers).toEqual([{ battleId: id, dueAt: due }]);
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
    } finally {
      await database.drop();
    }
  });
});
