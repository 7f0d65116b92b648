import type { Battle } from '@onair/protocol';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../db/migrate.ts';
import { buyCoins, goLive } from '../modules/economy/testing.ts';
import { signup, TEST_SECRET, testApp } from '../test/app.ts';
import { crashTargets } from '../test/crash-targets.ts';
import { eventually } from '../test/eventually.ts';
import { spawnServer } from '../testing/spawn-server.ts';

const BATTLE = { BATTLE_CONNECT_S: '0', BATTLE_RESULT_S: '0', BATTLE_SETTLE_MS: '100', BATTLE_TICK_MS: '50' };

const all = await crashTargets('jobs-crash', 2);

/**
 * A battle's deadline is a durable job. A real `onair serve` running it is killed with SIGKILL; the
 * next node finishes the battle once: one result, one record per creator, no job left. On Postgres
 * the kill lands while the node is inside the final count (it holds the job and waits for the
 * battle row, which the test holds); on PGlite, whose files one process owns, it lands mid-battle.
 */
describe.each(all)('a node killed while it runs a battle deadline, on $name', (target) => {
  afterAll(() => target.cleanup());

  it('lets another node run the job, exactly once in effect', { timeout: 180_000 }, async () => {
    // Seed in process, with no worker: two LIVE creators in an accepted battle, a fan with coins.
    const seeded = target.open();
    await migrateToLatest(seeded.db);
    const seedApp = await testApp(
      { ...seeded, drop: () => seeded.close() },
      { ...BATTLE, ROLES: 'api,gateway' },
    );
    const a = await signup(seedApp, 'jobs_crash_a');
    const b = await signup(seedApp, 'jobs_crash_b');
    const fan = await signup(seedApp, 'jobs_crash_fan');
    await buyCoins(seedApp, fan);
    await goLive(seedApp, a);
    await goLive(seedApp, b);
    // Long enough on Postgres for the test to take the battle row before the deadline, on a slow machine.
    const durationS = target.name === 'postgres' ? 30 : 5;
    const invited = await seedApp.inject({
      method: 'POST',
      url: '/api/v1/battles/invites',
      headers: a.auth,
      payload: { handle: b.user.handle, durationS, resultS: 0 },
    });
    const id = invited.json().id as string;
    const accepted = await seedApp.inject({
      method: 'POST',
      url: `/api/v1/battles/${id}/accept`,
      headers: b.auth,
    });
    expect(accepted.json().status).toBe('connecting');
    await seedApp.close();
    await seeded.close();

    const env = {
      ...target.env,
      ...BATTLE,
      SECRET_KEY: TEST_SECRET,
      ROLES: 'api,gateway,worker',
      LOG_LEVEL: 'error',
    };
    const battleOn = async (url: string): Promise<Battle> =>
      (await (await fetch(`${url}/api/v1/battles/${id}`)).json()) as Battle;

    const first = await spawnServer(env, { keepDataDir: true });
    // Node A runs the countdown's end (on PGlite, with a short battle, maybe the end too).
    const active = await eventually(
      'node A to start the battle',
      async () => {
        const battle = await battleOn(first.url);
        return battle.status !== 'connecting' && battle;
      },
      { timeoutMs: 60_000 },
    );
    if (target.url) expect(active.status).toBe('active');
    const gift = await fetch(`${first.url}/api/v1/rooms/${a.user.handle}/gifts`, {
      method: 'POST',
      headers: { ...fan.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ giftId: 'doughnut', idempotencyKey: `jobs-crash-${id}` }),
    });
    // A gift to a battle node A already ended is an ordinary gift (PGlite's short battle): not counted.
    expect(gift.status).toBe(201);
    const counted = active.status === 'active' && Date.now() < Date.parse(active.endsAt!) - 2_000;

    let holder: pg.Client | null = null;
    if (target.url) {
      // Hold the battle row: node A's final count claims the job, then waits here for the row.
      holder = new pg.Client({ connectionString: target.url });
      await holder.connect();
      await holder.query('begin');
      await holder.query('select id from battles where id = $1 for update', [id]);
      const probe = new pg.Client({ connectionString: target.url });
      await probe.connect();
      try {
        await eventually(
          'node A to claim the final count',
          async () => {
            const due = await probe.query(
              `select 1 from jobs where kind = 'battle.deadline' and key = $1 and run_at <= now()`,
              [id],
            );
            const free = await probe.query(
              `select 1 from jobs where kind = 'battle.deadline' and key = $1 for update skip locked`,
              [id],
            );
            return due.rowCount === 1 && free.rowCount === 0;
          },
          { timeoutMs: 60_000 },
        );
      } finally {
        await probe.end();
      }
    }

    const signal = await first.kill();
    expect(signal).toBe('SIGKILL');
    if (holder) {
      // Node A's transaction dies with its connection once the row is free; it never commits.
      await holder.query('commit');
      await holder.end();
    }

    const second = await spawnServer(env, { keepDataDir: true });
    try {
      const ended = await eventually(
        'node B to end the battle',
        async () => {
          const battle = await battleOn(second.url);
          return battle.status === 'ended' && battle;
        },
        { timeoutMs: 60_000 },
      );
      expect(ended.reason).toBe('finished');
      expect(ended.endedAt).toBe(active.endsAt);
      // A battle this short is all speed round: the doughnut's 30 coins count double.
      if (counted) expect(ended.sides.map((s) => s.score)).toEqual([60, 0]);
      const history = (await (await fetch(`${second.url}/api/v1/users/${b.user.handle}/battles`)).json()) as {
        record: { battles: number; losses: number };
      };
      expect(history.record).toMatchObject({ battles: 1 });
    } finally {
      await second.stop();
    }

    const after = target.open();
    try {
      // One record per creator: the battle was decided once.
      const stats = await after.db.selectFrom('battleStats').selectAll().execute();
      expect(stats.map((s) => [s.userId, s.battles]).sort()).toEqual(
        [
          [a.user.id, 1],
          [b.user.id, 1],
        ].sort(),
      );
      if (counted)
        expect(stats.find((s) => s.userId === a.user.id)).toMatchObject({ wins: 1, losses: 0, winStreak: 1 });
      // No battle job left behind (the ranking's own job reschedules itself for ever).
      expect(
        await after.db.selectFrom('jobs').selectAll().where('kind', '=', 'battle.deadline').execute(),
      ).toEqual([]);
    } finally {
      await after.close();
    }
  });
});
