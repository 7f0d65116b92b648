import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type TestDatabaseHandle, testDatabases } from '../test/databases.ts';
import { eventually } from '../testing/eventually.ts';
import { createJobs, type Jobs } from './jobs.ts';

const log = pino({ level: 'silent' });
const T0 = Date.parse('2030-01-01T00:00:00Z');
const LEASE = 30_000;

describe.each(testDatabases())('leased jobs on $name', (kind) => {
  let database: TestDatabaseHandle;
  let now = T0;
  const open: Jobs[] = [];
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

  it('runs with no transaction held, and a transactional job runs while it works', async () => {
    const jobs = node();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const order: string[] = [];
    jobs.registerLeased(
      'deliver',
      async () => {
        order.push('deliver started');
        await gate;
        order.push('deliver done');
      },
      { leaseMs: LEASE },
    );
    jobs.register('deadline', async () => {
      order.push('deadline');
    });
    await jobs.schedule('deliver', 'd1', T0 - 1_000);
    await jobs.schedule('deadline', 'b1', T0);
    const round = jobs.runDue();
    // The deadline is not held back by the delivery in progress, due earlier though it was.
    await eventually('the deadline run', () => {
      expect([...order].sort()).toEqual(['deadline', 'deliver started']);
      return true;
    });
    release();
    expect(await round).toBe(2);
    expect(order.at(-1)).toBe('deliver done');
    expect(await jobs.find('deliver', 'd1')).toBeUndefined();
  });

  it('a run that never finishes (its node died) is claimed again once its lease is over, and only that run finishes it', async () => {
    const dead = node();
    const alive = node();
    const runs: string[] = [];
    let release!: () => void;
    const never = new Promise<void>((resolve) => {
      release = resolve;
    });
    dead.registerLeased(
      'deliver',
      async ({ job }) => {
        runs.push(`dead:${job.attempts}`);
        await never;
      },
      { leaseMs: LEASE },
    );
    alive.registerLeased(
      'deliver',
      async ({ job }) => {
        runs.push(`alive:${job.attempts}`);
      },
      { leaseMs: LEASE },
    );
    await dead.schedule('deliver', 'd1', T0);
    const stuck = dead.runDue();
    await eventually('the first claim', () => runs.length === 1);

    now = T0 + LEASE - 1;
    expect(await alive.runDue()).toBe(0);
    now = T0 + LEASE + 1;
    expect(await alive.runDue()).toBe(1);
    expect(runs).toEqual(['dead:0', 'alive:0']);
    expect(await alive.find('deliver', 'd1')).toBeUndefined();

    // The first run wakes up late: its finish finds a newer claim's revision and changes nothing.
    await alive.schedule('deliver', 'd1', T0 + 3_600_000);
    release();
    await stuck;
    expect(await alive.find('deliver', 'd1')).toMatchObject({ attempts: 0 });
  });

  it('a run in progress renews its lease, so no other node takes its job however long it runs', async () => {
    const slow = node();
    const other = node();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    slow.registerLeased('deliver', () => gate, { leaseMs: 300 });
    other.registerLeased('deliver', async () => {}, { leaseMs: 300 });
    await slow.schedule('deliver', 'd1', T0);
    const running = slow.runDue();
    await eventually(
      'the claim',
      async () => (await slow.find('deliver', 'd1'))?.runAt.getTime() === T0 + 300,
    );
    // Well past the first lease: the renewal (every 100 ms) has moved it on from the new "now".
    now = T0 + 10_000;
    await eventually(
      'a renewal',
      async () => (await slow.find('deliver', 'd1'))?.runAt.getTime() === T0 + 10_300,
    );
    expect(await other.runDue()).toBe(0);
    release();
    expect(await running).toBe(1);
    expect(await slow.find('deliver', 'd1')).toBeUndefined();
  });

  it('a failed run is retried after its backoff, then given up on', async () => {
    const jobs = node();
    let runs = 0;
    jobs.registerLeased(
      'deliver',
      async () => {
        runs++;
        throw new Error('receiver down');
      },
      { leaseMs: LEASE, maxAttempts: 2, backoffMs: () => 5_000 },
    );
    await jobs.schedule('deliver', 'd1', T0);
    expect(await jobs.runDue()).toBe(1);
    expect(await jobs.find('deliver', 'd1')).toMatchObject({ attempts: 1, lastError: 'receiver down' });
    now = T0 + 4_999;
    expect(await jobs.runDue()).toBe(0);
    now = T0 + 5_000;
    expect(await jobs.runDue()).toBe(1);
    expect(runs).toBe(2);
    const row = await jobs.find('deliver', 'd1');
    expect(row?.failedAt).not.toBeNull();
  });
});
