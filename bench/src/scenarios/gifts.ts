import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { benchServerEnv } from '../bench-server.ts';
import { postgresIsLocal } from '../cpu.ts';
import type { PhaseResult } from '../gifts/closed-loop.ts';
import {
  type EndToEnd,
  type GiftRun,
  type GiftSettings,
  measureBaseline,
  measureEndToEnd,
  seedAndMeasureService,
  verifyLedger,
} from '../gifts/phases.ts';
import { scratchDatabase } from '../scratch-db.ts';
import { round } from '../stats.ts';
import type { Scenario } from '../types.ts';

export { chooser, seed } from '../gifts/fixture.ts';

function readSettings(quick: boolean): GiftSettings {
  const wallets = Number(process.env.BENCH_GIFT_WALLETS ?? (quick ? 500 : 2000));
  // One socket per gifter, each with one gift in flight and at most `rate` a second, as real
  // clients: the gateway closes a socket that keeps above 30 frames/s. The phase offers gifters ×
  // rate, in steps: the result is the highest step whose p99 met the goal (throughput at the
  // latency goal), and every step is recorded. Near capacity a closed loop's p99 only measures how
  // long its own queue is.
  const wsRates = (process.env.BENCH_GIFT_WS_RATES ?? '10,15,20,25').split(',').map(Number);
  if (wsRates.some((r) => !(r > 0 && r <= 28)))
    throw new Error('BENCH_GIFT_WS_RATES: gifts per second per socket, each above 0 and at most 28');
  return {
    wallets,
    creators: Number(process.env.BENCH_GIFT_CREATORS ?? 20),
    serviceConcurrency: Number(process.env.BENCH_GIFT_CONCURRENCY ?? 512),
    // Past the server's capacity more connections only add waiting: 128 commit as many gifts a
    // second as 256 did, at half the latency.
    httpConcurrency: Number(process.env.BENCH_GIFT_HTTP_CONCURRENCY ?? 128),
    wsConcurrency: Math.min(wallets, Number(process.env.BENCH_GIFT_WS_CONCURRENCY ?? 512)),
    wsRates,
    phases: new Set((process.env.BENCH_GIFT_PHASES ?? 'service,baseline,ws,http').split(',')),
    durationMs: Number(process.env.BENCH_GIFT_DURATION_MS ?? (quick ? 4000 : 15_000)),
    warmUpMs: quick ? 1000 : 2000,
    postgresCpu: postgresIsLocal(),
  };
}

/** The record written to bench/results/gifts.json. */
function report(
  run: GiftRun,
  database: string,
  phases: { service: PhaseResult; baseline: PhaseResult; endToEnd: EndToEnd; endToEndHttp: PhaseResult },
  ledger: Awaited<ReturnType<typeof verifyLedger>>,
  loadBefore: number[],
) {
  const { service, baseline, endToEnd, endToEndHttp } = phases;
  return {
    database,
    service: { giftsPerSec: service.giftsPerSec, p99Ms: service.p99Ms, p50Ms: service.p50Ms },
    endToEnd: {
      giftsPerSec: endToEnd.giftsPerSec,
      p99Ms: endToEnd.p99Ms,
      p50Ms: endToEnd.p50Ms,
      via: 'websocket',
      offeredPerSec: endToEnd.offeredPerSec,
    },
    endToEndHttp: {
      giftsPerSec: endToEndHttp.giftsPerSec,
      p99Ms: endToEndHttp.p99Ms,
      p50Ms: endToEndHttp.p50Ms,
    },
    baseline: { giftsPerSec: baseline.giftsPerSec, p99Ms: baseline.p99Ms, p50Ms: baseline.p50Ms },
    lost: ledger.lost,
    invariantOk: ledger.invariantOk,
    speedupVsBaseline: round(service.giftsPerSec / Math.max(1, baseline.giftsPerSec), 1),
    acknowledged: run.acked.size,
    giftTransfers: ledger.giftTransfers,
    ledgerTransfers: ledger.ledgerTransfers,
    details: { service, baseline, endToEnd, endToEndHttp },
    wallets: run.settings.wallets,
    creators: run.settings.creators + 1,
    hotShare: '1/3',
    cpus: cpus().length,
    loadAverage: { before: loadBefore, after: loadavg().map((l) => round(l, 2)) },
  };
}

/**
 * Gifts: many gifters sending to a few creators, one of them hot. Three measurements in one run:
 * the economy service called directly (group commit), end to end on a real `onair serve` child (gifts
 * sent over each gifter's WebSocket, then over HTTP, with the room's gift frames arriving at watchers),
 * and the baseline of one transaction per gift.
 * Then every acknowledged gift is looked up in the ledger and the invariant checker runs.
 * Each phase is a function of `../gifts/phases.ts`.
 */
export const gifts: Scenario = {
  name: 'gifts',
  description: 'gift throughput and latency: group commit vs one transaction per gift, service and HTTP/WS',
  async run({ quick, log }) {
    const settings = readSettings(quick);
    const database = process.env.DATABASE_URL ? 'postgres' : 'pglite';
    // Other work on the machine competes for the same cores: recorded, so figures can be read fairly.
    const loadBefore = loadavg().map((l) => round(l, 2));

    const dataDir = await mkdtemp(path.join(tmpdir(), 'onair-bench-gifts-'));
    const { url: databaseUrl, drop: dropDatabase } = await scratchDatabase('gifts');
    log(
      `database: ${database}${databaseUrl ? '' : ` in ${dataDir}`}; ${cpus().length} CPUs (shared with the database and the load generator)`,
    );
    const run: GiftRun = {
      settings,
      log,
      acked: new Set(),
      env: (extra = {}) =>
        benchServerEnv(dataDir, databaseUrl, {
          // Group commit settings can be tried from the bench's own environment.
          ...Object.fromEntries(
            ['GIFT_BATCH_MS', 'GIFT_BATCH_MAX'].flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])),
          ),
          ...extra,
        }),
    };
    try {
      const { fixture, service } = await seedAndMeasureService(run);
      const baseline = await measureBaseline(run, fixture);
      const { endToEnd, endToEndHttp } = await measureEndToEnd(run, fixture);
      const ledger = await verifyLedger(run, fixture);
      return report(run, database, { service, baseline, endToEnd, endToEndHttp }, ledger, loadBefore);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
      await dropDatabase();
    }
  },
};
