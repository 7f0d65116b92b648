import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { startServer } from '@onair/server';
import { spawnServer } from '@onair/server/testing';
import { WebSocket } from 'ws';
import { benchServerEnv, startBenchServer } from '../bench-server.ts';
import { type CpuUse, cpuMeter, cpuPerUnit, cpuText, postgresIsLocal } from '../cpu.ts';
import { goLiveThroughHooks } from '../go-live.ts';
import { pool, rng } from '../load.ts';
import { scratchDatabase } from '../scratch-db.ts';
import { percentile, progress, round } from '../stats.ts';
import type { Scenario } from '../types.ts';

type RunningServer = Awaited<ReturnType<typeof startServer>>;

const inProcessMetrics = (server: RunningServer) => async () => (await server.app.inject('/metrics')).body;

/** What senders pick: mostly cheap gifts (as on TikTok), now and then a big one. Weights sum to 100. */
const GIFT_MIX: [giftId: string, weight: number][] = [
  ['rose', 45],
  ['finger_heart', 25],
  ['doughnut', 15],
  ['hand_hearts', 10],
  ['corgi', 4],
  ['galaxy', 1],
];
const PICK = GIFT_MIX.flatMap(([id, w]) => Array<string>(w).fill(id));

interface Person {
  id: string;
  handle: string;
  displayName: string;
  role: 'viewer' | 'creator' | 'admin';
  token?: string;
}

interface Fixture {
  wallets: Person[];
  creators: Person[];
  hot: Person;
  admin: Person;
  sessions: Map<string, string>;
}

interface PhaseResult {
  giftsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  committed: number;
  refused: number;
  errors: number;
  concurrency: number;
  durationMs: number;
  /** CPU per committed gift over the measured window (µs), where it can be read. */
  cpu: ReturnType<typeof cpuPerUnit> | null;
  /** Gifts per transaction over the whole phase, from the server's /metrics. */
  meanBatch?: number | null;
}

/** One offered rate of the WebSocket phase. */
type WsStep = PhaseResult & { offeredPerSec: number; framesReceived: number };

/** The issue's latency goal for committed gifts, end to end. */
const P99_GOAL_MS = 100;
const meetsLatencyGoal = (r: PhaseResult) => r.errors === 0 && r.committed > 0 && r.p99Ms < P99_GOAL_MS;

/** The server's running totals of gift batches and the gifts in them, read off /metrics. */
async function batchTotals(metrics: () => Promise<string>) {
  const text = await metrics();
  const value = (name: string) => Number(text.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1] ?? Number.NaN);
  return { gifts: value('onair_gift_batch_size_sum'), batches: value('onair_gift_batch_size_count') };
}

/** Runs a phase and adds the mean number of gifts the server committed per transaction during it. */
async function withBatches<R extends PhaseResult>(
  metrics: () => Promise<string>,
  phase: () => Promise<R>,
): Promise<R> {
  const before = await batchTotals(metrics);
  const result = await phase();
  const after = await batchTotals(metrics);
  const batches = after.batches - before.batches;
  return { ...result, meanBatch: batches > 0 ? round((after.gifts - before.gifts) / batches, 1) : null };
}

/** Runs `concurrency` closed-loop senders for a warm-up, then measures for `durationMs`. */
async function closedLoop(opts: {
  label: string;
  concurrency: number;
  warmUpMs: number;
  durationMs: number;
  /** Counts local Postgres processes' CPU too. */
  postgresCpu: boolean;
  /** Waits before a send, outside its latency: a client keeping to a rate limit. */
  pace?: (worker: number) => Promise<void>;
  send: (worker: number, n: number) => Promise<'ok' | 'refused'>;
}): Promise<PhaseResult> {
  const latencies: number[] = [];
  let committed = 0;
  let refused = 0;
  let errors = 0;
  let firstError: unknown;
  const start = performance.now();
  const measureFrom = start + opts.warmUpMs;
  const deadline = measureFrom + opts.durationMs;
  // CPU is read from the end of the warm-up until the last sender is done (at most one request past
  // the deadline).
  let stopCpu: (() => CpuUse) | undefined;
  const cpuStart = setTimeout(() => {
    stopCpu = cpuMeter(opts.postgresCpu);
  }, opts.warmUpMs);
  const workers = Array.from({ length: opts.concurrency }, async (_, w) => {
    for (let n = 0; performance.now() < deadline; n++) {
      if (opts.pace) await opts.pace(w);
      const t0 = performance.now();
      try {
        const outcome = await opts.send(w, n);
        const t1 = performance.now();
        // Throughput counts what completes inside the window, whenever it was sent.
        if (t1 < measureFrom || t1 > deadline) continue;
        if (outcome === 'ok') {
          committed++;
          latencies.push(t1 - t0);
        } else refused++;
      } catch (err) {
        // A sender that failed stops: retrying at once would spin (a closed socket fails instantly).
        errors++;
        firstError ??= err;
        return;
      }
    }
  });
  const ticker = setInterval(() => {
    const now = performance.now();
    if (now >= measureFrom) progress(opts.label, Math.round(now - measureFrom), opts.durationMs);
  }, 250);
  await Promise.all(workers);
  clearInterval(ticker);
  clearTimeout(cpuStart);
  const cpuUse = stopCpu?.();
  progress(opts.label, opts.durationMs, opts.durationMs);
  if (errors > 0) console.warn(`  ${opts.label}: ${errors} errors, first: ${String(firstError)}`);
  return {
    giftsPerSec: round(committed / (opts.durationMs / 1000), 0),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    committed,
    refused,
    errors,
    concurrency: opts.concurrency,
    durationMs: opts.durationMs,
    cpu: cpuUse ? cpuPerUnit(cpuUse, committed) : null,
  };
}

/**
 * Accounts, coins and LIVE rooms, made through the services themselves. Only the user rows are
 * inserted in bulk (signing 2,000 people up through scrypt would take minutes and measure nothing
 * of the economy); their password hash is a value no password matches.
 */
export async function seed(server: RunningServer, wallets: number, creators: number): Promise<Fixture> {
  const { db } = server.database;
  const { accounts, economy, live } = server.app.services;
  const people: Omit<Person, 'id'>[] = [
    { handle: 'bench_admin', displayName: 'Bench admin', role: 'admin' },
    { handle: 'bench_hot', displayName: 'Hot creator', role: 'creator' },
    ...Array.from({ length: creators }, (_, i) => ({
      handle: `bench_c${i}`,
      displayName: `Creator ${i}`,
      role: 'creator' as const,
    })),
    ...Array.from({ length: wallets }, (_, i) => ({
      handle: `bench_w${i}`,
      displayName: `Gifter ${i}`,
      role: 'viewer' as const,
    })),
  ];
  for (let i = 0; i < people.length; i += 500) {
    await db
      .insertInto('users')
      .values(
        people.slice(i, i + 500).map((p) => ({ ...p, avatarUrl: null, passwordHash: '!bench-no-login' })),
      )
      .execute();
  }
  const rows = await db
    .selectFrom('users')
    .select(['id', 'handle'])
    .where('handle', 'like', 'bench_%')
    .execute();
  const ids = new Map(rows.map((r) => [r.handle, r.id]));
  const all: Person[] = people.map((p) => ({ ...p, id: ids.get(p.handle)! }));
  const admin = all[0]!;
  const hot = all[1]!;
  const fixture: Fixture = {
    admin,
    hot,
    creators: all.slice(2, 2 + creators),
    wallets: all.slice(2 + creators),
    sessions: new Map(),
  };

  // Coins through the real purchase path (sandbox provider): two of the biggest package each.
  await pool(
    fixture.wallets,
    8,
    async (w) => {
      const actor = { id: w.id, role: w.role };
      for (const n of [1, 2]) {
        const { purchase } = await economy.coins.buy(actor, {
          packageId: 'coins_17500',
          idempotencyKey: `bench-seed-${n}`,
        });
        await economy.coins.confirm(actor, purchase.id, {});
      }
      w.token = (await accounts.createApiToken(actor, 'bench')).token;
    },
    'wallets',
  );
  admin.token = (await accounts.createApiToken({ id: admin.id, role: 'admin' }, 'bench')).token;

  // LIVE rooms through the live domain's ingest hooks, as an RTMP publish would drive them.
  for (const c of [hot, ...fixture.creators]) {
    fixture.sessions.set(c.id, await goLiveThroughHooks(live, c));
  }
  return fixture;
}

/** One gift choice: a third of all gifts go to the hot creator, the rest spread over the others. */
export function chooser(f: Fixture, seed: number) {
  const random = rng(seed);
  return () => {
    const wallet = f.wallets[Math.floor(random() * f.wallets.length)]!;
    const creator = random() < 1 / 3 ? f.hot : f.creators[Math.floor(random() * f.creators.length)]!;
    const giftId = PICK[Math.floor(random() * PICK.length)]!;
    const quantity = random() < 0.9 ? 1 : 1 + Math.floor(random() * 5);
    return { wallet, creator, giftId, quantity };
  };
}

/** Minimal keep-alive JSON POST (lighter than fetch, so the load generator steals less CPU). */
function poster(baseUrl: string, maxSockets: number) {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets });
  return (pathname: string, token: string, body: object) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const payload = JSON.stringify(body);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: pathname,
          method: 'POST',
          agent,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d) => {
            text += d;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
}

/** One signed-in socket per wallet; gifts go out as `gift` frames and come back as `receipt`s by nonce. */
async function giftSocket(baseUrl: string, token: string) {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/v1/ws`, {
    headers: { authorization: `Bearer ${token}` },
  });
  type Frame = { type: string; code?: string; message?: string };
  // Sends awaiting their answer, by nonce.
  const waiting = new Map<string, { resolve: (frame: Frame) => void; reject: (error: Error) => void }>();
  let nonce = 0;
  let lastSentAt = 0;
  socket.on('close', (code, reason) => {
    const error = new Error(`socket closed by the server: ${code} ${reason.toString()}`);
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  });
  socket.on('message', (data) => {
    const text = data.toString();
    if (!text.startsWith('{"type":"receipt"') && !text.startsWith('{"type":"error"')) return;
    const frame = JSON.parse(text) as Frame & { nonce?: string };
    if (!frame.nonce) return;
    waiting.get(frame.nonce)?.resolve(frame);
    waiting.delete(frame.nonce);
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return {
    socket,
    /** Keeps this gifter to one gift per `intervalMs`, under the gateway's flood limit. */
    async pace(intervalMs: number) {
      const wait = lastSentAt + intervalMs - performance.now();
      if (wait > 0) await sleep(wait);
      lastSentAt = performance.now();
    },
    send(body: object) {
      const n = `n${++nonce}`;
      return new Promise<Frame>((resolve, reject) => {
        if (socket.readyState !== socket.OPEN) {
          reject(new Error('socket closed'));
          return;
        }
        waiting.set(n, { resolve, reject });
        socket.send(JSON.stringify({ type: 'gift', nonce: n, ...body }));
      });
    },
  };
}

/**
 * Gifts: many gifters sending to a few creators, one of them hot. Three measurements in one run:
 * the economy service called directly (group commit), end to end on a real `onair serve` child (gifts
 * sent over each gifter's WebSocket, then over HTTP, with the room's gift frames arriving at watchers),
 * and the baseline of one transaction per gift.
 * Then every acknowledged gift is looked up in the ledger and the invariant checker runs.
 */
export const gifts: Scenario = {
  name: 'gifts',
  description: 'gift throughput and latency: group commit vs one transaction per gift, service and HTTP/WS',
  async run({ quick, log }) {
    const wallets = Number(process.env.BENCH_GIFT_WALLETS ?? (quick ? 500 : 2000));
    const creators = Number(process.env.BENCH_GIFT_CREATORS ?? 20);
    const serviceConcurrency = Number(process.env.BENCH_GIFT_CONCURRENCY ?? 512);
    // Past the server's capacity more connections only add waiting: 128 commit as many gifts a second
    // as 256 did, at half the latency.
    const httpConcurrency = Number(process.env.BENCH_GIFT_HTTP_CONCURRENCY ?? 128);
    // One socket per gifter, each with one gift in flight and at most `rate` a second, as real
    // clients: the gateway closes a socket that keeps above 30 frames/s. The phase offers gifters ×
    // rate, in steps: the result is the highest step whose p99 met the goal (throughput at the
    // latency goal), and every step is recorded. Near capacity a closed loop's p99 only measures how
    // long its own queue is.
    const wsConcurrency = Math.min(wallets, Number(process.env.BENCH_GIFT_WS_CONCURRENCY ?? 512));
    const wsRates = (process.env.BENCH_GIFT_WS_RATES ?? '10,15,20,25').split(',').map(Number);
    if (wsRates.some((r) => !(r > 0 && r <= 28)))
      throw new Error('BENCH_GIFT_WS_RATES: gifts per second per socket, each above 0 and at most 28');
    // Which phases run (all by default); leaving some out is for working on one of them.
    const phases = new Set((process.env.BENCH_GIFT_PHASES ?? 'service,baseline,ws,http').split(','));
    const durationMs = Number(process.env.BENCH_GIFT_DURATION_MS ?? (quick ? 4000 : 15_000));
    const warmUpMs = quick ? 1000 : 2000;
    const database = process.env.DATABASE_URL ? 'postgres' : 'pglite';
    const postgresCpu = postgresIsLocal();
    // Other work on the machine competes for the same cores: recorded, so figures can be read fairly.
    const loadBefore = loadavg().map((l) => round(l, 2));

    const dataDir = await mkdtemp(path.join(tmpdir(), 'onair-bench-gifts-'));
    const { url: databaseUrl, drop: dropDatabase } = await scratchDatabase('gifts');
    log(
      `database: ${database}${databaseUrl ? '' : ` in ${dataDir}`}; ${cpus().length} CPUs (shared with the database and the load generator)`,
    );

    const env = (extra: Record<string, string> = {}) =>
      benchServerEnv(dataDir, databaseUrl, {
        // Group commit settings can be tried from the bench's own environment.
        ...Object.fromEntries(
          ['GIFT_BATCH_MS', 'GIFT_BATCH_MAX'].flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])),
        ),
        ...extra,
      });
    const inProcess = (extra: Record<string, string> = {}) => startBenchServer(env(extra));

    const acked = new Set<string>();
    /** Gifts through the economy service itself, in-process: the service and baseline phases. */
    const sendDirect =
      (server: RunningServer, pick: ReturnType<typeof chooser>, prefix: string) =>
      async (w: number, n: number): Promise<'ok' | 'refused'> => {
        const g = pick();
        const key = `bench-${prefix}-${w}-${n}`;
        try {
          await server.app.services.economy.gifts.send({ ...g.wallet, role: 'viewer' }, g.creator.handle, {
            giftId: g.giftId,
            quantity: g.quantity,
            idempotencyKey: key,
          });
        } catch (err) {
          if ((err as { code?: string }).code === 'gift.insufficient_coins') return 'refused';
          throw err;
        }
        acked.add(`gift:${g.wallet.id}:${key}`);
        return 'ok';
      };
    const skipped = (concurrency: number): PhaseResult => ({
      giftsPerSec: 0,
      p50Ms: 0,
      p99Ms: 0,
      committed: 0,
      refused: 0,
      errors: 0,
      concurrency,
      durationMs: 0,
      cpu: null,
      meanBatch: null,
    });
    let fixture: Fixture;
    let service = skipped(serviceConcurrency);
    let baseline = skipped(serviceConcurrency);
    let endToEnd: WsStep & { steps: Partial<WsStep>[] } = {
      ...skipped(wsConcurrency),
      framesReceived: 0,
      offeredPerSec: 0,
      steps: [],
    };
    let endToEndHttp = skipped(httpConcurrency);
    try {
      // 1. Seed, then the economy service directly, with group commit as configured by default.
      let server = await inProcess();
      try {
        fixture = await seed(server, wallets, creators);
        log(`seeded ${wallets} wallets, ${creators} creators + 1 hot, all LIVE`);
        const metrics = inProcessMetrics(server);
        if (phases.has('service'))
          service = await withBatches(metrics, () =>
            closedLoop({
              postgresCpu,
              label: 'service (group commit)',
              concurrency: serviceConcurrency,
              warmUpMs,
              durationMs,
              send: sendDirect(server, chooser(fixture, 1), 'svc'),
            }),
          );
        log(
          `service: ${service.giftsPerSec} gifts/s, p50 ${service.p50Ms} ms, p99 ${service.p99Ms} ms, ${service.meanBatch ?? '?'} gifts per batch; CPU per gift ${cpuText(service.cpu)}`,
        );
      } finally {
        await server.close();
      }

      // 2. Baseline: the same service with group commit off (one transaction per gift).
      if (phases.has('baseline')) {
        server = await inProcess({ GIFT_BATCH_MAX: '1' });
        try {
          baseline = await closedLoop({
            postgresCpu,
            label: 'baseline (1 tx/gift)',
            concurrency: serviceConcurrency,
            warmUpMs,
            durationMs: Math.round(durationMs * 0.75),
            send: sendDirect(server, chooser(fixture, 2), 'base'),
          });
          log(
            `baseline: ${baseline.giftsPerSec} gifts/s, p50 ${baseline.p50Ms} ms, p99 ${baseline.p99Ms} ms`,
          );
        } finally {
          await server.close();
        }
      }

      // 3. End to end: a real `onair serve`, HTTP in, gift frames out over WebSocket.
      const child = await spawnServer(env(), { keepDataDir: true });
      try {
        const sockets: WebSocket[] = [];
        let framesReceived = 0;
        const watched = [fixture.hot, ...fixture.creators.slice(0, 2)];
        for (const c of watched) {
          const socket = new WebSocket(`${child.url.replace(/^http/, 'ws')}/api/v1/ws`);
          socket.on('message', (data) => {
            if (data.toString().startsWith('{"type":"gift"')) framesReceived++;
          });
          await new Promise((r, j) => socket.once('open', r).once('error', j));
          socket.send(JSON.stringify({ type: 'watch', sessionId: fixture.sessions.get(c.id) }));
          sockets.push(socket);
        }
        await sleep(200);
        const senders = await Promise.all(
          fixture.wallets
            .slice(0, phases.has('ws') ? wsConcurrency : 0)
            .map((w) => giftSocket(child.url, w.token!)),
        );
        const pickWs = chooser(fixture, 3);
        const metrics = async () => (await fetch(`${child.url}/metrics`)).text();
        const steps: WsStep[] = [];
        for (const [step, rate] of (phases.has('ws') ? wsRates : []).entries()) {
          const offeredPerSec = wsConcurrency * rate;
          const framesBefore = framesReceived;
          const result = await withBatches(metrics, () =>
            closedLoop({
              postgresCpu,
              label: `end to end (WebSocket, ${offeredPerSec}/s offered)`,
              concurrency: wsConcurrency,
              warmUpMs,
              durationMs,
              pace: (w) => senders[w]!.pace(1000 / rate),
              async send(w, n) {
                const g = pickWs();
                const wallet = fixture.wallets[w]!;
                const key = `bench-ws${step}-${w}-${n}`;
                const answer = await senders[w]!.send({
                  to: g.creator.handle,
                  giftId: g.giftId,
                  quantity: g.quantity,
                  idempotencyKey: key,
                });
                if (answer.type === 'receipt') {
                  acked.add(`gift:${wallet.id}:${key}`);
                  return 'ok';
                }
                if (answer.code === 'gift.insufficient_coins') return 'refused';
                throw new Error(`${answer.code}: ${answer.message}`);
              },
            }),
          );
          steps.push({ ...result, offeredPerSec, framesReceived: framesReceived - framesBefore });
          log(
            `end to end (WebSocket, ${wsConcurrency} gifters offering ${offeredPerSec}/s): ${result.giftsPerSec} gifts/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${result.meanBatch ?? '?'} gifts per batch; ${framesReceived - framesBefore} gift frames received by ${sockets.length} watchers`,
          );
          // A higher offer past the goal would only measure a longer queue.
          if (!meetsLatencyGoal(result)) break;
        }
        for (const s of senders) s.socket.close();
        if (steps.length > 0) {
          endToEnd = {
            ...(steps.filter(meetsLatencyGoal).at(-1) ?? steps[0]!),
            steps: steps.map(({ offeredPerSec, giftsPerSec, p50Ms, p99Ms, meanBatch, errors, cpu }) => ({
              offeredPerSec,
              giftsPerSec,
              p50Ms,
              p99Ms,
              meanBatch,
              errors,
              cpu,
            })),
          };
          log(
            steps.some(meetsLatencyGoal)
              ? `end to end (WebSocket): ${endToEnd.giftsPerSec} gifts/s at p99 ${endToEnd.p99Ms} ms (${endToEnd.offeredPerSec}/s offered), the highest step with p99 under ${P99_GOAL_MS} ms`
              : `end to end (WebSocket): no step kept p99 under ${P99_GOAL_MS} ms; the lowest: ${endToEnd.giftsPerSec} gifts/s at p99 ${endToEnd.p99Ms} ms (${endToEnd.offeredPerSec}/s offered)`,
          );
        }

        const post = poster(child.url, httpConcurrency);
        const pick = chooser(fixture, 4);
        if (phases.has('http'))
          endToEndHttp = await withBatches(metrics, () =>
            closedLoop({
              postgresCpu,
              label: 'end to end (HTTP)',
              concurrency: httpConcurrency,
              warmUpMs,
              durationMs: Math.round(durationMs / 2),
              async send(w, n) {
                const g = pick();
                const key = `bench-e2e-${w}-${n}`;
                const res = await post(`/api/v1/rooms/${g.creator.handle}/gifts`, g.wallet.token!, {
                  giftId: g.giftId,
                  quantity: g.quantity,
                  idempotencyKey: key,
                });
                if (res.status === 201) {
                  acked.add(`gift:${g.wallet.id}:${key}`);
                  return 'ok';
                }
                if (res.status === 402) return 'refused';
                throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
              },
            }),
          );
        await sleep(300);
        for (const s of sockets) s.close();
        log(
          `end to end (HTTP): ${endToEndHttp.giftsPerSec} gifts/s, p50 ${endToEndHttp.p50Ms} ms, p99 ${endToEndHttp.p99Ms} ms, ${endToEndHttp.meanBatch ?? '?'} gifts per batch`,
        );
      } finally {
        await child.stop();
      }

      // 4. Every acknowledged gift must be in the ledger exactly once; then the invariant checker.
      server = await inProcess();
      try {
        const rows = await server.database.db
          .selectFrom('ledgerTransfers')
          .select(['idempotencyKey'])
          .where('kind', '=', 'gift')
          .execute();
        const inLedger = new Set(rows.map((r) => r.idempotencyKey));
        const lost = [...acked].filter((k) => !inLedger.has(k)).length;
        const report = await server.app.services.economy.checkLedger({ id: fixture.admin.id, role: 'admin' });
        if (!report.ok) log(`ledger problems: ${JSON.stringify(report.problems.slice(0, 5))}`);
        log(`${acked.size} gifts acknowledged, ${rows.length} gift transfers in the ledger, ${lost} lost`);
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
          lost,
          invariantOk: report.ok,
          speedupVsBaseline: round(service.giftsPerSec / Math.max(1, baseline.giftsPerSec), 1),
          acknowledged: acked.size,
          giftTransfers: rows.length,
          ledgerTransfers: report.counts.transfers,
          details: { service, baseline, endToEnd, endToEndHttp },
          wallets,
          creators: creators + 1,
          hotShare: '1/3',
          cpus: cpus().length,
          loadAverage: { before: loadBefore, after: loadavg().map((l) => round(l, 2)) },
        };
      } finally {
        await server.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
      await dropDatabase();
    }
  },
};
