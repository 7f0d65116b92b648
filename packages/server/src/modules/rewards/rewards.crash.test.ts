import {
  bonusDiamonds,
  DEFAULT_REWARD_TABLE,
  periodAt,
  weekLiveProgress,
  weeklyBonusRate,
} from '@onair/core';
import pg from 'pg';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../db/migrate.ts';
import { createJobs } from '../../jobs/jobs.ts';
import { signup, TEST_SECRET, testApp } from '../../test/app.ts';
import { crashTargets } from '../../test/crash-targets.ts';
import { eventually } from '../../test/eventually.ts';
import { spawnServer } from '../../testing/spawn-server.ts';
import { checkLedger } from '../economy/check-ledger.ts';
import { type SeedCreator, seedCreators } from './rewards.seed.ts';
import { REWARD_JOBS } from './rewards.service.ts';

const MIN = 60_000;
const DAY = 86_400_000;
const all = await crashTargets('rewards-crash', 2);

/**
 * The weekly settlement is a durable job that pays a batch per transaction. A real `onair serve`
 * running it is killed with SIGKILL part-way; the next node resumes, and every creator ends up paid
 * exactly once, with a ledger the checker accepts. On Postgres the kill lands while the node is
 * inside a batch (it has paid earlier batches and waits for a creator's account, which the test
 * holds); on PGlite, whose files one process owns, it lands once some creators are paid.
 */
describe.each(all)('a node killed during a weekly rewards settlement, on $name', (target) => {
  afterAll(() => target.cleanup());

  it('resumes on the next node and pays every creator once', { timeout: 240_000 }, async () => {
    const creators = target.name === 'postgres' ? 600 : 300;
    const batch = target.name === 'postgres' ? 50 : 10;
    const week = periodAt(Date.now() - 7 * DAY, { kind: 'weekly' }, 'UTC');
    const spec: SeedCreator[] = Array.from({ length: creators }, (_, i) => {
      const lives = Array.from({ length: 1 + (i % 5) }, (_, d) => {
        const startedAt = week.start + d * DAY + 3_600_000;
        return { startedAt, endedAt: startedAt + (5 + ((i * 7) % 30)) * MIN };
      });
      return { lives, gifts: [{ diamonds: 100 + i, at: lives[0]!.startedAt + MIN, live: 0 }] };
    });
    // What core's rules pay each creator: the total the resumed settlement must reach, exactly.
    const expected = spec.reduce((sum, c) => {
      const rate = weeklyBonusRate(
        { ...weekLiveProgress(c.lives, week, 'UTC', DEFAULT_REWARD_TABLE), activeFans: 0, league: null },
        DEFAULT_REWARD_TABLE,
      );
      return sum + bonusDiamonds(c.gifts[0]!.diamonds, rate).diamonds;
    }, 0);

    // Seed in process: the admin first (the first account), then the creators and the week's job.
    const seeded = target.open();
    await migrateToLatest(seeded.db);
    const seedApp = await testApp({ ...seeded, drop: () => seeded.close() }, { ROLES: 'api,gateway' });
    const admin = await signup(seedApp, 'rewards_crash_admin');
    await seedApp.close();
    const ids = (await seedCreators(seeded.db, 'rc', spec)).map((c) => c.id).sort();
    const jobs = createJobs({ db: seeded.db, log: pino({ level: 'silent' }), pollMs: 1_000, worker: false });
    await jobs.schedule(REWARD_JOBS.weekly, week.key, Date.now() - 1_000, {
      start: week.start,
      end: week.end,
      cursor: null,
    });
    await seeded.close();

    const env = {
      ...target.env,
      SECRET_KEY: TEST_SECRET,
      ROLES: 'api,gateway,worker',
      LOG_LEVEL: 'error',
      JOBS_POLL_MS: '50',
      REWARDS_WEEKLY_BATCH: String(batch),
    };
    const rewarded = async (url: string): Promise<number> => {
      const res = await fetch(`${url}/api/v1/admin/ledger/check`, { headers: admin.auth });
      return ((await res.json()) as { totals: { diamonds: { rewarded: number } } }).totals.diamonds.rewarded;
    };

    let holder: pg.Client | null = null;
    if (target.url) {
      // Hold a creator's account in the middle of the list: the batch holding it waits here.
      holder = new pg.Client({ connectionString: target.url });
      await holder.connect();
      await holder.query('begin');
      await holder.query(
        `select a.id from ledger_accounts a where a.owner_id = $1 and a.asset = 'DIAMOND' for update`,
        [ids[Math.floor(creators / 2)]],
      );
    }
    const first = await spawnServer(env, { keepDataDir: true });
    let paidBefore = 0;
    if (holder) {
      const probe = new pg.Client({ connectionString: target.url });
      await probe.connect();
      try {
        await eventually(
          'node A to pay some batches and wait inside the next',
          async () => {
            const paid = await probe.query(
              `select count(*)::int as n from reward_payouts where kind = 'weekly'`,
            );
            const waiting = await probe.query(
              `select 1 from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`,
            );
            paidBefore = paid.rows[0].n;
            return paidBefore > 0 && (waiting.rowCount ?? 0) > 0;
          },
          { timeoutMs: 90_000 },
        );
      } finally {
        await probe.end();
      }
      expect(paidBefore).toBeLessThan(creators);
    } else {
      await eventually('node A to pay some creators', async () => (await rewarded(first.url)) > 0, {
        timeoutMs: 90_000,
        everyMs: 20,
      });
    }

    const signal = await first.kill();
    expect(signal).toBe('SIGKILL');
    if (holder) {
      await holder.query('commit');
      await holder.end();
    }

    const second = await spawnServer(env, { keepDataDir: true });
    try {
      await eventually('node B to finish the week', async () => (await rewarded(second.url)) === expected, {
        timeoutMs: 120_000,
      });
    } finally {
      await second.stop();
    }

    const after = target.open();
    try {
      const rows = await after.db
        .selectFrom('rewardPayouts')
        .select(['creatorId', 'bonusDiamonds', 'transferId'])
        .where('kind', '=', 'weekly')
        .where('periodKey', '=', week.key)
        .execute();
      expect(rows).toHaveLength(creators);
      expect(new Set(rows.map((r) => r.creatorId)).size).toBe(creators);
      expect(rows.reduce((s, r) => s + r.bonusDiamonds, 0)).toBe(expected);
      const transfers = await after.db
        .selectFrom('ledgerTransfers')
        .select((e) => e.fn.countAll<number>().as('n'))
        .where('kind', '=', 'reward')
        .executeTakeFirstOrThrow();
      expect(Number(transfers.n)).toBe(rows.filter((r) => r.transferId !== null).length);
      // The week's job is done; the next week's waits for its end.
      expect(await after.db.selectFrom('jobs').selectAll().where('key', '=', week.key).execute()).toEqual([]);
      const report = await checkLedger(after.db);
      expect(report.problems).toEqual([]);
    } finally {
      await after.close();
    }
  });
});
