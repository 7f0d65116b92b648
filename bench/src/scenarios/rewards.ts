import { cpus, loadavg } from 'node:os';
import { DEFAULT_REWARD_TABLE, periodAt } from '@onair/core';
import { sql } from 'kysely';
import pino from 'pino';
import { createDatabase, type Db } from '../../../packages/server/src/db/database.ts';
import { migrateToLatest } from '../../../packages/server/src/db/migrate.ts';
import { createDomainEvents } from '../../../packages/server/src/events/domain-events.ts';
import { createJobs } from '../../../packages/server/src/jobs/jobs.ts';
import { checkLedger } from '../../../packages/server/src/modules/economy/check-ledger.ts';
import { createLedger } from '../../../packages/server/src/modules/economy/ledger.ts';
import { WEEKLY_BATCH } from '../../../packages/server/src/modules/rewards/rewards.config.ts';
import { type SeedCreator, seedCreators } from '../../../packages/server/src/modules/rewards/rewards.seed.ts';
import { createRewardsService } from '../../../packages/server/src/modules/rewards/rewards.service.ts';
import { readModelInputs } from '../../../packages/server/src/modules/rewards/weekly-inputs.ts';
import { scratchDatabase } from '../scratch-db.ts';
import { round } from '../stats.ts';
import type { Scenario } from '../types.ts';

const MIN = 60_000;
const DAY = 86_400_000;
const FANS = 200;

/**
 * LIVE Rewards at scale: one ended week with 100,000 creators (10,000 with --quick), each with one to
 * five LIVEs and two gifts in it, a tenth with a fan club of up to 60 members; then the weekly
 * settlement (the job's steps, batch after batch) is timed, the ledger checked, and the week settled
 * a second time to count anyone paid twice.
 */
export const rewards: Scenario = {
  name: 'rewards',
  description: 'LIVE Rewards: settle one week for every creator with diamonds, then check and settle again',
  async run({ quick, log }) {
    const creators = quick ? 10_000 : 100_000;
    const database = process.env.DATABASE_URL ? 'postgres' : 'pglite';
    const { url, drop } = await scratchDatabase('rewards');
    log(`database: ${database}; ${cpus().length} CPUs; ${creators.toLocaleString()} creators`);
    const handle = createDatabase({ url, poolSize: 4 });
    try {
      const db = handle.db;
      await migrateToLatest(db);
      const week = periodAt(Date.now() - 7 * DAY, { kind: 'weekly' }, 'UTC');
      const seedStart = performance.now();
      const spec: SeedCreator[] = Array.from({ length: creators }, (_, i) => {
        const lives = Array.from({ length: 1 + (i % 5) }, (_, d) => {
          const startedAt = week.start + d * DAY + 10 * 3_600_000 + (i % 600) * 1_000;
          return { startedAt, endedAt: startedAt + (8 + ((i * 7) % 40)) * MIN };
        });
        const gifts = [
          { diamonds: 1 + ((i * 13) % 500), at: lives[0]!.startedAt + 2 * MIN, live: 0 },
          { diamonds: 1 + ((i * 31) % 2_000), at: lives.at(-1)!.startedAt + 3 * MIN, live: lives.length - 1 },
        ];
        return { lives, gifts };
      });
      const ids = (await seedCreators(db, 'rw', spec)).map((c) => c.id);
      const clubs = await seedFanClubs(db, ids, week);
      log(
        `seeded in ${round((performance.now() - seedStart) / 1000, 1)} s (${clubs.toLocaleString()} fan memberships)`,
      );

      const logger = pino({ level: 'silent' });
      const service = createRewardsService({
        db,
        ledger: createLedger(db),
        jobs: createJobs({ db, log: logger, pollMs: 1_000, worker: false }),
        events: createDomainEvents({ log: logger }),
        config: {
          zone: 'UTC',
          table: DEFAULT_REWARD_TABLE,
          weeklyBatch: WEEKLY_BATCH,
          weeklyGraceMs: MIN,
          sweepMs: 5 * MIN,
        },
        inputs: readModelInputs,
        now: Date.now,
        log: logger,
      });
      const loadBefore = loadavg().map((l) => round(l, 2));
      const t0 = performance.now();
      const first = await service.runWeek(week);
      const settleMs = Math.round(performance.now() - t0);
      log(
        `settled ${first.payouts.toLocaleString()} creators in ${settleMs} ms (${first.bonusDiamonds} bonus diamonds)`,
      );
      const c0 = performance.now();
      const report = await checkLedger(db);
      const checkMs = Math.round(performance.now() - c0);
      log(
        `check-ledger: ${report.ok ? 'OK' : `BROKEN ${JSON.stringify(report.problems.slice(0, 3))}`} in ${checkMs} ms`,
      );

      const transfers = async () =>
        (
          await sql<{
            n: number;
          }>`select count(*)::int8 as n from ledger_transfers where kind = 'reward'`.execute(db)
        ).rows[0]!.n;
      const paidTransfers = await transfers();
      const a0 = performance.now();
      const again = await service.runWeek(week);
      const againMs = Math.round(performance.now() - a0);
      const paidTwice = again.payouts - first.payouts + ((await transfers()) - paidTransfers);
      const invariantOk = report.ok && (await checkLedger(db)).ok;
      log(`second settlement: ${paidTwice} paid twice, ${againMs} ms`);
      const bands = await sql<{ bps: number; n: number }>`
        select bps, count(*)::int8 as n from reward_payouts where kind = 'weekly' group by bps order by bps`.execute(
        db,
      );
      return {
        database,
        creators,
        settleMs,
        invariantOk,
        paidTwice,
        details: {
          week: week.key,
          payouts: first.payouts,
          bonusDiamonds: first.bonusDiamonds,
          creatorsPerSecond: Math.round((first.payouts * 1000) / Math.max(1, settleMs)),
          batch: WEEKLY_BATCH,
          fanMemberships: clubs,
          checkLedgerMs: checkMs,
          secondSettleMs: againMs,
          ratesPaid: Object.fromEntries(bands.rows.map((r) => [`${r.bps / 100}%`, r.n])),
          cpus: cpus().length,
          loadBefore,
          loadAfter: loadavg().map((l) => round(l, 2)),
        },
      };
    } finally {
      await handle.close();
      await drop();
    }
  },
};

/**
 * One creator in ten has a fan club of up to 60 members drawn from a pool of fans, all having earned
 * a point a day before the week's end: active, so the fan-club mission pays.
 */
async function seedFanClubs(
  db: Db,
  creatorIds: string[],
  week: { start: number; end: number },
): Promise<number> {
  const fans = Array.from({ length: FANS }, (_, i) => `rw_club_fan_${i}`);
  await sql`insert into users (handle, display_name, role, password_hash)
    select h, h, 'viewer', '!' from unnest(${fans}::text[]) as v(h)`.execute(db);
  const withClubs = creatorIds.filter((_, i) => i % 10 === 0);
  await sql`insert into fan_clubs (creator_id, badge_name) select c, 'Fam' from unnest(${withClubs}::uuid[]) as v(c)`.execute(
    db,
  );
  const { rows } = await sql<{ n: number }>`
    with f as (select array_agg(id order by handle) as ids from users where handle like 'rw\\_club\\_fan\\_%')
    , ins as (
      insert into fan_memberships (creator_id, fan_id, joined_at, points, level, last_point_at)
      select v.c, f.ids[1 + ((v.n * 7 + k) % ${FANS})], ${new Date(week.start - DAY)}, 10, 1, ${new Date(week.end - DAY)}
      from unnest(${withClubs}::uuid[]) with ordinality as v(c, n), f, generate_series(1, (v.n % 61)::int) as k
      returning 1
    ) select count(*)::int8 as n from ins`.execute(db);
  return rows[0]!.n;
}
