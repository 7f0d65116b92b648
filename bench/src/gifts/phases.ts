import { setTimeout as sleep } from 'node:timers/promises';
import { type SpawnedServer, spawnServer } from '@onair/server/testing';
import { WebSocket } from 'ws';
import { startBenchServer } from '../bench-server.ts';
import { cpuText } from '../cpu.ts';
import { giftSocket, poster } from './clients.ts';
import {
  closedLoop,
  meetsLatencyGoal,
  P99_GOAL_MS,
  type PhaseResult,
  skipped,
  type WsStep,
  withBatches,
} from './closed-loop.ts';
import { chooser, type Fixture, type RunningServer, seed } from './fixture.ts';

/** What the gifts scenario was asked to run, from its flags and environment. */
export interface GiftSettings {
  wallets: number;
  creators: number;
  serviceConcurrency: number;
  httpConcurrency: number;
  wsConcurrency: number;
  wsRates: number[];
  /** Which phases run (all by default); leaving some out is for working on one of them. */
  phases: Set<string>;
  durationMs: number;
  warmUpMs: number;
  /** Counts local Postgres processes' CPU too. */
  postgresCpu: boolean;
}

/** What every phase shares: the settings, the server environment, the log and the acknowledged keys. */
export interface GiftRun {
  settings: GiftSettings;
  env(extra?: Record<string, string>): Record<string, string>;
  log(message: string): void;
  /** Idempotency keys of every gift the server acknowledged, checked against the ledger at the end. */
  acked: Set<string>;
}

export type EndToEnd = WsStep & { steps: Partial<WsStep>[] };

const inProcessMetrics = (server: RunningServer) => async () => (await server.app.inject('/metrics')).body;

/** Gifts through the economy service itself, in-process: the service and baseline phases. */
const sendDirect =
  (run: GiftRun, server: RunningServer, pick: ReturnType<typeof chooser>, prefix: string) =>
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
    run.acked.add(`gift:${g.wallet.id}:${key}`);
    return 'ok';
  };

/** 1. Seed, then the economy service directly, with group commit as configured by default. */
export async function seedAndMeasureService(
  run: GiftRun,
): Promise<{ fixture: Fixture; service: PhaseResult }> {
  const { settings: s, log } = run;
  const server = await startBenchServer(run.env());
  try {
    const fixture = await seed(server, s.wallets, s.creators);
    log(`seeded ${s.wallets} wallets, ${s.creators} creators + 1 hot, all LIVE`);
    const metrics = inProcessMetrics(server);
    let service = skipped(s.serviceConcurrency);
    if (s.phases.has('service'))
      service = await withBatches(metrics, () =>
        closedLoop({
          postgresCpu: s.postgresCpu,
          label: 'service (group commit)',
          concurrency: s.serviceConcurrency,
          warmUpMs: s.warmUpMs,
          durationMs: s.durationMs,
          send: sendDirect(run, server, chooser(fixture, 1), 'svc'),
        }),
      );
    log(
      `service: ${service.giftsPerSec} gifts/s, p50 ${service.p50Ms} ms, p99 ${service.p99Ms} ms, ${service.meanBatch ?? '?'} gifts per batch; CPU per gift ${cpuText(service.cpu)}`,
    );
    return { fixture, service };
  } finally {
    await server.close();
  }
}

/** 2. Baseline: the same service with group commit off (one transaction per gift). */
export async function measureBaseline(run: GiftRun, fixture: Fixture): Promise<PhaseResult> {
  const { settings: s, log } = run;
  if (!s.phases.has('baseline')) return skipped(s.serviceConcurrency);
  const server = await startBenchServer(run.env({ GIFT_BATCH_MAX: '1' }));
  try {
    const baseline = await closedLoop({
      postgresCpu: s.postgresCpu,
      label: 'baseline (1 tx/gift)',
      concurrency: s.serviceConcurrency,
      warmUpMs: s.warmUpMs,
      durationMs: Math.round(s.durationMs * 0.75),
      send: sendDirect(run, server, chooser(fixture, 2), 'base'),
    });
    log(`baseline: ${baseline.giftsPerSec} gifts/s, p50 ${baseline.p50Ms} ms, p99 ${baseline.p99Ms} ms`);
    return baseline;
  } finally {
    await server.close();
  }
}

/** Watchers of the hot room and two others, counting the gift frames they receive. */
async function watchRooms(child: SpawnedServer, fixture: Fixture) {
  const sockets: WebSocket[] = [];
  const counter = { frames: 0 };
  const watched = [fixture.hot, ...fixture.creators.slice(0, 2)];
  for (const c of watched) {
    const socket = new WebSocket(`${child.url.replace(/^http/, 'ws')}/api/v1/ws`);
    socket.on('message', (data) => {
      if (data.toString().startsWith('{"type":"gift"')) counter.frames++;
    });
    await new Promise((r, j) => socket.once('open', r).once('error', j));
    socket.send(JSON.stringify({ type: 'watch', sessionId: fixture.sessions.get(c.id) }));
    sockets.push(socket);
  }
  await sleep(200);
  return { sockets, counter };
}

/**
 * 3a. Gifts as `gift` frames over each gifter's socket, one offered rate per step; stops at the
 * first step past the latency goal (a higher offer would only measure a longer queue).
 */
async function measureWebSocketSteps(
  run: GiftRun,
  child: SpawnedServer,
  fixture: Fixture,
  metrics: () => Promise<string>,
  watchers: Awaited<ReturnType<typeof watchRooms>>,
): Promise<EndToEnd> {
  const { settings: s, log } = run;
  let endToEnd: EndToEnd = { ...skipped(s.wsConcurrency), framesReceived: 0, offeredPerSec: 0, steps: [] };
  const senders = await Promise.all(
    fixture.wallets
      .slice(0, s.phases.has('ws') ? s.wsConcurrency : 0)
      .map((w) => giftSocket(child.url, w.token!)),
  );
  const pickWs = chooser(fixture, 3);
  const steps: WsStep[] = [];
  for (const [step, rate] of (s.phases.has('ws') ? s.wsRates : []).entries()) {
    const offeredPerSec = s.wsConcurrency * rate;
    const framesBefore = watchers.counter.frames;
    const result = await withBatches(metrics, () =>
      closedLoop({
        postgresCpu: s.postgresCpu,
        label: `end to end (WebSocket, ${offeredPerSec}/s offered)`,
        concurrency: s.wsConcurrency,
        warmUpMs: s.warmUpMs,
        durationMs: s.durationMs,
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
            run.acked.add(`gift:${wallet.id}:${key}`);
            return 'ok';
          }
          if (answer.code === 'gift.insufficient_coins') return 'refused';
          throw new Error(`${answer.code}: ${answer.message}`);
        },
      }),
    );
    const frames = watchers.counter.frames - framesBefore;
    steps.push({ ...result, offeredPerSec, framesReceived: frames });
    log(
      `end to end (WebSocket, ${s.wsConcurrency} gifters offering ${offeredPerSec}/s): ${result.giftsPerSec} gifts/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${result.meanBatch ?? '?'} gifts per batch; ${frames} gift frames received by ${watchers.sockets.length} watchers`,
    );
    if (!meetsLatencyGoal(result)) break;
  }
  for (const sender of senders) sender.socket.close();
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
  return endToEnd;
}

/** 3b. The same over HTTP, a closed loop of keep-alive connections. */
async function measureHttp(
  run: GiftRun,
  child: SpawnedServer,
  fixture: Fixture,
  metrics: () => Promise<string>,
): Promise<PhaseResult> {
  const { settings: s } = run;
  const post = poster(child.url, s.httpConcurrency);
  const pick = chooser(fixture, 4);
  if (!s.phases.has('http')) return skipped(s.httpConcurrency);
  return withBatches(metrics, () =>
    closedLoop({
      postgresCpu: s.postgresCpu,
      label: 'end to end (HTTP)',
      concurrency: s.httpConcurrency,
      warmUpMs: s.warmUpMs,
      durationMs: Math.round(s.durationMs / 2),
      async send(w, n) {
        const g = pick();
        const key = `bench-e2e-${w}-${n}`;
        const res = await post(`/api/v1/rooms/${g.creator.handle}/gifts`, g.wallet.token!, {
          giftId: g.giftId,
          quantity: g.quantity,
          idempotencyKey: key,
        });
        if (res.status === 201) {
          run.acked.add(`gift:${g.wallet.id}:${key}`);
          return 'ok';
        }
        if (res.status === 402) return 'refused';
        throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
      },
    }),
  );
}

/** 3. End to end: a real `onair serve`, gifts in over WebSocket then HTTP, gift frames out to watchers. */
export async function measureEndToEnd(
  run: GiftRun,
  fixture: Fixture,
): Promise<{ endToEnd: EndToEnd; endToEndHttp: PhaseResult }> {
  const child = await spawnServer(run.env(), { keepDataDir: true });
  try {
    const watchers = await watchRooms(child, fixture);
    const metrics = async () => (await fetch(`${child.url}/metrics`)).text();
    const endToEnd = await measureWebSocketSteps(run, child, fixture, metrics, watchers);
    const endToEndHttp = await measureHttp(run, child, fixture, metrics);
    await sleep(300);
    for (const socket of watchers.sockets) socket.close();
    run.log(
      `end to end (HTTP): ${endToEndHttp.giftsPerSec} gifts/s, p50 ${endToEndHttp.p50Ms} ms, p99 ${endToEndHttp.p99Ms} ms, ${endToEndHttp.meanBatch ?? '?'} gifts per batch`,
    );
    return { endToEnd, endToEndHttp };
  } finally {
    await child.stop();
  }
}

/** 4. Every acknowledged gift must be in the ledger exactly once; then the invariant checker. */
export async function verifyLedger(run: GiftRun, fixture: Fixture) {
  const server = await startBenchServer(run.env());
  try {
    const rows = await server.database.db
      .selectFrom('ledgerTransfers')
      .select(['idempotencyKey'])
      .where('kind', '=', 'gift')
      .execute();
    const inLedger = new Set(rows.map((r) => r.idempotencyKey));
    const lost = [...run.acked].filter((k) => !inLedger.has(k)).length;
    const report = await server.app.services.economy.checkLedger({ id: fixture.admin.id, role: 'admin' });
    if (!report.ok) run.log(`ledger problems: ${JSON.stringify(report.problems.slice(0, 5))}`);
    run.log(
      `${run.acked.size} gifts acknowledged, ${rows.length} gift transfers in the ledger, ${lost} lost`,
    );
    return {
      lost,
      giftTransfers: rows.length,
      invariantOk: report.ok,
      ledgerTransfers: report.counts.transfers,
    };
  } finally {
    await server.close();
  }
}
