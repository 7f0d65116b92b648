import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '@onair/server';
import { type BatchGift, sendGifts } from '@onair/server/testing';
import { benchServerEnv, startBenchServer } from '../bench-server.ts';
import { cpuMeter, cpuPerUnit, cpuText, postgresIsLocal } from '../cpu.ts';
import { scratchDatabase } from '../scratch-db.ts';
import { progress, round } from '../stats.ts';
import type { Scenario } from '../types.ts';
import { chooser, seed } from './gifts.ts';

/**
 * The gift batch function alone (`onair_send_gifts`): batches are built before the clock starts and
 * sent back to back over one, then two connections, with nothing else in the process. This is the
 * ceiling the service can reach: every batch locks the system accounts and the hot creator, so the
 * locked part runs one batch at a time, and a second connection shows how little overlaps.
 */
export const giftFunction: Scenario = {
  name: 'gift-function',
  description: 'the gift batch function alone, fed prebuilt batches: the ledger’s serial ceiling',
  async run({ quick, log }) {
    const wallets = Number(process.env.BENCH_GIFT_WALLETS ?? (quick ? 500 : 2000));
    const creators = Number(process.env.BENCH_GIFT_CREATORS ?? 20);
    const batchSize = Number(process.env.BENCH_GIFT_BATCH ?? 256);
    const durationMs = quick ? 3000 : 10_000;
    const database = process.env.DATABASE_URL ? 'postgres' : 'pglite';
    const postgresCpu = postgresIsLocal();
    // PGlite is one connection: a second would only queue behind the first.
    const connectionCounts = database === 'postgres' ? [1, 2] : [1];

    const dataDir = await mkdtemp(path.join(tmpdir(), 'onair-bench-giftfn-'));
    const { url: databaseUrl, drop } = await scratchDatabase('giftfn');
    const env = benchServerEnv(dataDir, databaseUrl);
    const server = await startBenchServer(env);
    try {
      const fixture = await seed(server, wallets, creators);
      log(
        `database: ${database}; seeded ${wallets} wallets, ${creators} creators + 1 hot; ${cpus().length} CPUs`,
      );
      const { db } = server.database;
      const { ledger } = server.app.services.economy;
      const [sink, issuance] = await Promise.all([
        ledger.systemAccount('coin_sink'),
        ledger.systemAccount('diamond_issuance'),
      ]);
      const coinAccounts = await ledger.accountIds(
        fixture.wallets.map((w) => w.id),
        'COIN',
        false,
      );
      const diamondAccounts = await ledger.accountIds(
        [fixture.hot, ...fixture.creators].map((c) => c.id),
        'DIAMOND',
        true,
      );
      const platformShareBps = loadConfig(env).PLATFORM_SHARE_BPS;
      const price = new Map((await server.app.services.economy.gifts.catalog()).map((g) => [g.id, g.coins]));
      const pick = chooser(fixture, 7);
      let n = 0;
      const batch = (): BatchGift[] =>
        Array.from({ length: batchSize }, () => {
          const g = pick();
          n++;
          return {
            key: `gift:${g.wallet.id}:bench-fn-${n}`,
            requestHash: 'bench-function-request-hash-0001',
            senderAccount: coinAccounts.get(g.wallet.id)!,
            creatorAccount: diamondAccounts.get(g.creator.id)!,
            coins: price.get(g.giftId)! * g.quantity,
            sessionId: fixture.sessions.get(g.creator.id)!,
            giftId: g.giftId,
            quantity: g.quantity,
            streakId: `bench-fn-${n}`,
            streakCount: 1,
          };
        });

      const runs = [];
      for (const connections of connectionCounts) {
        // Enough batches for the fastest plausible run, built before the clock starts.
        const batches = Array.from({ length: Math.ceil((40_000 * durationMs) / 1000 / batchSize) }, batch);
        await sendGifts(db, { sink, issuance, platformShareBps, gifts: batch() });
        let next = 0;
        let committed = 0;
        let sent = 0;
        const stop = cpuMeter(postgresCpu);
        const start = performance.now();
        const deadline = start + durationMs;
        const ticker = setInterval(
          () => progress(`${connections} connection(s)`, Math.round(performance.now() - start), durationMs),
          250,
        );
        await Promise.all(
          Array.from({ length: connections }, async () => {
            while (performance.now() < deadline && next < batches.length) {
              const gifts = batches[next++]!;
              const { outcomes } = await sendGifts(db, { sink, issuance, platformShareBps, gifts });
              sent++;
              committed += outcomes.filter((o) => o.transferId !== null).length;
            }
          }),
        );
        clearInterval(ticker);
        const ms = performance.now() - start;
        const cpu = cpuPerUnit(stop(), committed);
        progress(`${connections} connection(s)`, durationMs, durationMs);
        const run = {
          connections,
          giftsPerSec: round(committed / (ms / 1000), 0),
          msPerBatch: round((ms * connections) / Math.max(1, sent), 2),
          batches: sent,
          cpu,
        };
        log(
          `${connections} connection(s): ${run.giftsPerSec} gifts/s, ${run.msPerBatch} ms per ${batchSize}-gift batch; CPU per gift ${cpuText(cpu)}`,
        );
        runs.push(run);
      }
      const report = await server.app.services.economy.checkLedger({ id: fixture.admin.id, role: 'admin' });
      if (!report.ok) log(`ledger problems: ${JSON.stringify(report.problems.slice(0, 5))}`);
      const best = Math.max(...runs.map((r) => r.giftsPerSec));
      return {
        database,
        batchSize,
        giftsPerSec: best,
        oneConnection: runs[0]!.giftsPerSec,
        invariantOk: report.ok,
        runs,
        wallets,
        creators: creators + 1,
      };
    } finally {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
      await drop();
    }
  },
};
