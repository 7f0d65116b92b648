import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type ChildHandle, spawnChild } from '../fanout/child.ts';
import { type SharedBackends, startOnAirRoom } from '../fanout/onair.ts';
import { type ProfileSummary, summariseProfile } from '../fanout/profile.ts';
import {
  onAirPublisher,
  PER_SOCKET_RATE,
  type Publisher,
  type PublishResult,
  socketIoPublisher,
} from '../fanout/publishers.ts';
import { spawnSwarms } from '../fanout/swarm-group.ts';
import { clockMs } from '../fanout/wire.ts';
import { round } from '../stats.ts';
import type { Scenario } from '../types.ts';

const PROFILER = fileURLToPath(new URL('../fanout/cpu-profiler.ts', import.meta.url));
const SOCKET_IO_SERVER = fileURLToPath(new URL('../fanout/socketio-server.ts', import.meta.url));
const SOCKET_IO_VERSION = (
  JSON.parse(readFileSync(fileURLToPath(import.meta.resolve('socket.io/package.json')), 'utf8')) as {
    version: string;
  }
).version;

/** The bound every step is held to (from the issue). */
const BOUND = { p99Ms: 150, lost: 0, duplicated: 0 } as const;
/** Signed-in accounts that post (each with several connections at high rates, see PER_SOCKET_RATE). */
const PUBLISHER_ACCOUNTS = 10;
/** A process counts as having used a whole core during a step above this. */
const SATURATED = 0.9;
const DRAIN_TIMEOUT_MS = 5_000;

/** Other work using more than this many cores during a step makes it suspect. */
const CONTENDED = 0.3;
const MAX_BUSY_RETRIES = 6;

/** Waits (at most 30 s) until processes other than `ours` use less than CONTENDED cores over a second. */
async function waitForCalm(ours: number[], log: (m: string) => void): Promise<string> {
  let other = 0;
  for (let waited = 0; waited < 30; waited++) {
    const m0 = machineCpuSeconds();
    const o0 = cpuSeconds(ours);
    const s0 = process.cpuUsage();
    await sleep(1000);
    const self = process.cpuUsage(s0);
    other = machineCpuSeconds() - m0 - (cpuSeconds(ours) - o0) - (self.user + self.system) / 1e6;
    if (other < CONTENDED) return `calm after ${waited + 1} s`;
    if (waited === 0)
      log(`  (other work is using ${round(other, 2)} cores; waiting up to 30 s for it to calm down)`);
  }
  return `still ${round(other, 2)} cores busy after 30 s`;
}

const monoUs = () => Number(process.hrtime.bigint() / 1000n);

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) the processes have used so far, from /proc (0 where unavailable). */
function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Not Linux, or the process is gone.
    }
  }
  return ticks / CLOCK_TICKS;
}

/** CPU seconds the whole machine has been busy (all cores, everyone's processes), from /proc/stat. */
function machineCpuSeconds(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return (user! + nice! + system! + irq! + softirq! + steal!) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

interface Config {
  clients: number;
  rates: number[];
  warmUpMs: number;
  measureMs: number;
  /** Viewer processes (the viewers are split evenly between them). */
  clientProcesses: number;
  /** Scheduling priority (nice) of the viewer processes. */
  clientNice: number;
  /** Attempts per rate: a step that breaks the bound is run once more before stepping stops. */
  attempts: number;
  log(message: string): void;
}

export interface StepRow {
  target: string;
  /** Target publish rate, comments/s. */
  rate: number;
  attempt: number;
  publisherConnections: number;
  /** Comments acknowledged per second in the measured window. */
  sentPerSec: number;
  clients: number;
  deliveriesPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  lost: number;
  duplicated: number;
  /** Viewers the server cut off (or that dropped) during the step. */
  closes: number;
  publishErrors: Record<string, number>;
  /** Send → ack at the publisher: how long the server takes to accept a comment. */
  ackP99Ms: number;
  /** CPU the server process(es) used while sending, in cores (1 = one core busy all the time). */
  serverCpu: number;
  /** CPU of the client process (all viewers), in cores. */
  clientCpu: number;
  /** CPU of this process (the publishers), in cores. */
  publisherCpu: number;
  /**
   * CPU everything else on the machine used meanwhile (other people's work), in cores: what the
   * server and the viewers could not have.
   */
  otherCpu: number;
  clientLoopDelayP99Ms: number;
  /** After the last comment was acked, until every viewer had it. */
  drainMs: number;
  /** Which of our processes used (nearly) a whole core. */
  busy: 'server' | 'clients' | 'server+clients' | null;
  ok: boolean;
  why: string[];
  notes: string[];
}

interface TargetSetup {
  label: string;
  mode: 'onair' | 'socketio';
  urls: string[];
  room: string;
  publisher: Publisher;
  pids: number[];
}

interface Runner {
  label: string;
  clients: number;
  clockOffsetMs: number;
  step(rate: number, warmUpMs: number, measureMs: number, attempt: number): Promise<StepRow>;
  /** CLOCK_MONOTONIC µs spans of this target's steps (to cut a server profile to them). */
  spans: { from: number; to: number }[];
  /** Server and viewer processes. */
  pids: number[];
  stop(): Promise<void>;
}

export interface TargetResult {
  clients: number;
  steps: StepRow[];
  best: StepRow | null;
  stoppedBecause: string;
}

const fmt = (n: number, width: number, digits = 0) =>
  (Number.isFinite(n) ? n.toFixed(digits) : '-').padStart(width);

const COLUMNS: [string, number][] = [
  ['target', 12],
  ['rate/s', 6],
  ['pubs', 4],
  ['sent/s', 6],
  ['deliveries/s', 12],
  ['p50ms', 7],
  ['p99ms', 7],
  ['maxms', 6],
  ['lost', 7],
  ['dup', 4],
  ['closes', 6],
  ['ack99', 6],
  ['srvCPU', 6],
  ['cliCPU', 6],
  ['other', 5],
];
const HEADER = `${COLUMNS.map(([name, w], i) => (i === 0 ? name.padEnd(w) : name.padStart(w))).join(' ')}  result`;

function formatRow(r: StepRow): string {
  const cells = [
    r.target.padEnd(12),
    fmt(r.rate, 6),
    fmt(r.publisherConnections, 4),
    fmt(r.sentPerSec, 6),
    fmt(r.deliveriesPerSec, 12),
    fmt(r.p50Ms, 7, 1),
    fmt(r.p99Ms, 7, 1),
    fmt(r.maxMs, 6),
    fmt(r.lost, 7),
    fmt(r.duplicated, 4),
    fmt(r.closes, 6),
    fmt(r.ackP99Ms, 6),
    fmt(r.serverCpu, 6, 2),
    fmt(r.clientCpu, 6, 2),
    fmt(r.otherCpu, 5, 2),
  ];
  const verdict = r.ok ? 'ok' : `over: ${r.why.join(', ')}`;
  return `${cells.join(' ')}  ${verdict}${r.busy ? ` [${r.busy} at a full core]` : ''}`;
}

/** Connects a fresh set of viewers (in processes of their own) to a target whose server(s) are up. */
async function openRunner(target: TargetSetup, config: Config, execArgv: string[] = []): Promise<Runner> {
  const swarm = spawnSwarms(config.clientProcesses, execArgv, config.clientNice);
  try {
    const c = await swarm.connect(target.mode, target.urls, target.room, config.clients);
    config.log(
      `${target.label}: ${c.connected} viewers (${swarm.processes} processes) connected and joined in ${c.ms} ms${c.failed > 0 ? `, ${c.failed} failed: ${JSON.stringify(c.errors)}` : ''}`,
    );
    if (c.connected === 0) throw new Error(`${target.label}: no viewer could connect`);
    const clockOffsetMs = await swarm.clockOffsetMs();

    let head = 0;
    const spans: { from: number; to: number }[] = [];
    const step = async (rate: number, warmUpMs: number, measureMs: number, attempt: number) => {
      await target.publisher.ensure(Math.ceil(rate / PER_SOCKET_RATE));
      const durationMs = warmUpMs + measureMs;
      const base = head + 1;
      const cap = Math.ceil(((rate * durationMs) / 1000) * 1.2) + 64;
      const start = clockMs() + 30;
      const window = { from: start + warmUpMs, to: start + durationMs };
      await swarm.startStep(base, cap, window);
      await sleep(Math.max(0, start - clockMs()));
      const span = { from: monoUs(), to: 0 };
      const cpu0 = cpuSeconds(target.pids);
      const machine0 = machineCpuSeconds();
      const self0 = process.cpuUsage();
      const wall0 = performance.now();
      const sent: PublishResult = await target.publisher.run(rate, durationMs, window);
      const wallS = (performance.now() - wall0) / 1000;
      const serverCpu = (cpuSeconds(target.pids) - cpu0) / wallS;
      const machineCpu = (machineCpuSeconds() - machine0) / wallS;
      const self = process.cpuUsage(self0);
      const selfCpu = (self.user + self.system) / 1e6 / wallS;
      span.to = monoUs();
      if (attempt > 0) spans.push(span);
      if (sent.acked > 0) head = Math.max(head, sent.seqMax);
      const contiguous = sent.acked === 0 || (sent.seqMin === base && sent.seqMax - base + 1 === sent.acked);
      const got = await swarm.endStep(head, DRAIN_TIMEOUT_MS);
      const measureS = measureMs / 1000;
      const errorCount = Object.values(sent.errors).reduce((a, b) => a + b, 0);
      const why: string[] = [];
      if (!(got.p99Ms < BOUND.p99Ms)) why.push(`p99 ≥ ${BOUND.p99Ms} ms`);
      if (got.lost > BOUND.lost) why.push('lost');
      if (got.duplicated > BOUND.duplicated) why.push('duplicated');
      if (got.closes > 0) why.push(`${got.closes} viewers closed ${JSON.stringify(got.closeCodes)}`);
      if (errorCount > 0) why.push(`publish errors ${JSON.stringify(sent.errors)}`);
      if (!contiguous) why.push(`acked seqs not contiguous (${sent.seqMin}…${sent.seqMax}, ${sent.acked})`);
      if (got.timedOut) why.push(`not drained ${DRAIN_TIMEOUT_MS / 1000} s after the last ack`);
      if (got.windowDeliveries === 0) why.push('nothing delivered');
      const clientCpu = got.cpu;
      const clientsBusy = clientCpu / swarm.processes >= SATURATED;
      const row: StepRow = {
        target: target.label,
        rate,
        attempt,
        publisherConnections: target.publisher.connections,
        sentPerSec: round(sent.windowAcked / measureS, 0),
        clients: got.participants,
        deliveriesPerSec: round(got.windowDeliveries / measureS, 0),
        p50Ms: round(got.p50Ms),
        p99Ms: round(got.p99Ms),
        maxMs: round(got.maxMs),
        lost: got.lost,
        duplicated: got.duplicated,
        closes: got.closes,
        publishErrors: sent.errors,
        ackP99Ms: round(sent.ackP99Ms),
        serverCpu: round(serverCpu, 2),
        clientCpu: round(clientCpu, 2),
        publisherCpu: round(selfCpu, 2),
        otherCpu: round(Math.max(0, machineCpu - serverCpu - clientCpu - selfCpu), 2),
        clientLoopDelayP99Ms: round(got.loopDelayP99Ms),
        drainMs: got.drainMs,
        busy:
          serverCpu >= SATURATED && clientsBusy
            ? 'server+clients'
            : serverCpu >= SATURATED
              ? 'server'
              : clientsBusy
                ? 'clients'
                : null,
        ok: why.length === 0,
        why,
        notes: [],
      };
      // Delivered out of seq order without being duplicated: not part of the bound, but worth seeing.
      if (got.outOfOrder > got.duplicated) row.notes.push(`${got.outOfOrder} delivered out of seq order`);
      if (got.negative > 0) row.notes.push(`${got.negative} receipts before their send time (clock skew)`);
      return row;
    };

    // A short, slow first round: every viewer must get it (so all are attached), and it warms up.
    const prime = await step(20, 0, 600, 0);
    if (!prime.ok)
      config.log(`${target.label}: warm-up round did not hold the bound: ${prime.why.join(', ')}`);
    return {
      label: target.label,
      clients: c.connected,
      clockOffsetMs,
      step,
      spans,
      pids: [...target.pids, ...swarm.pids],
      stop: () => swarm.stop(),
    };
  } catch (err) {
    await swarm.stop();
    throw err;
  }
}

/**
 * The same rate steps against each target, interleaved (rate 1 on A, rate 1 on B, rate 2 on A…), so
 * the load other work puts on this shared machine falls on all of them alike. A target stops stepping
 * once a rate breaks the bound twice in a row.
 */
async function stepTargets(runners: Runner[], config: Config): Promise<TargetResult[]> {
  config.log(
    `steps of ${config.warmUpMs} ms warm-up + ${config.measureMs} ms measured; rates ${config.rates.join(', ')} comments/s`,
  );
  config.log(HEADER);
  const state = runners.map(() => ({ steps: [] as StepRow[], stoppedBecause: '', done: false }));
  /** Runs a rate (twice if the first attempt breaks the bound); true if it held. */
  const ours = runners.flatMap((r) => r.pids);
  let busyRetries = 0;
  const attempt = async (runner: Runner, s: (typeof state)[number], rate: number) => {
    for (let n = 1; n <= config.attempts; n++) {
      const row = await runner.step(rate, config.warmUpMs, config.measureMs, n);
      s.steps.push(row);
      config.log(formatRow(row));
      if (row.ok) return true;
      // Other work took CPU this step needed: wait for the machine to calm down and run it again,
      // without counting the attempt (a bounded number of times per run).
      if (row.otherCpu > CONTENDED && busyRetries < MAX_BUSY_RETRIES) {
        busyRetries++;
        row.notes.push('run again: the machine was busy with other work');
        const calm = await waitForCalm(ours, config.log);
        config.log(`  (machine busy with other work: ${calm}; running this step again)`);
        n--;
        continue;
      }
      // Acks still owed: their seqs would mix into the next step, so this target is done.
      if ((row.publishErrors['no-ack'] ?? 0) > 0) {
        s.stoppedBecause = `the server stopped answering at ${rate} comments/s`;
        return false;
      }
    }
    return false;
  };
  for (const rate of config.rates) {
    for (const [i, runner] of runners.entries()) {
      const s = state[i]!;
      if (s.done || (await attempt(runner, s, rate))) continue;
      s.done = true;
      s.stoppedBecause ||= `bound broken at ${rate} comments/s`;
      // Not even the first rate held: halve it (a few times) to find where this target does hold.
      let lower = rate;
      for (let k = 0; k < 3 && !s.steps.some((r) => r.ok) && !s.stoppedBecause.includes('answering'); k++) {
        lower = Math.floor(lower / 2);
        if (lower < 5 || (await attempt(runner, s, lower))) break;
      }
    }
    if (state.every((s) => s.done)) break;
  }
  return runners.map((runner, i) => {
    const { steps, stoppedBecause } = state[i]!;
    const best = steps
      .filter((s) => s.ok)
      .reduce<StepRow | null>(
        (a, s) => (a === null || s.deliveriesPerSec > a.deliveriesPerSec ? s : a),
        null,
      );
    return {
      clients: runner.clients,
      steps,
      best,
      stoppedBecause: stoppedBecause || 'held the bound at every rate',
    };
  });
}

/** The headline of a target: its best step under the bound (0 deliveries/s if none held it). */
function headline(result: TargetResult) {
  const b = result.best;
  return {
    deliveriesPerSec: b?.deliveriesPerSec ?? 0,
    p50Ms: b?.p50Ms ?? null,
    p99Ms: b?.p99Ms ?? null,
    lost: b?.lost ?? null,
    duplicated: b?.duplicated ?? null,
    ratePerSec: b?.rate ?? null,
  };
}

type Cleanups = Array<() => Promise<unknown>>;

async function setUpOnAir(
  nodes: 1 | 2,
  shared: SharedBackends | undefined,
  env: Record<string, string>,
  config: Config,
  cleanups: Cleanups,
): Promise<TargetSetup> {
  const room = await startOnAirRoom({
    nodes,
    publishers: PUBLISHER_ACCOUNTS,
    env,
    log: config.log,
    ...(shared ? { shared } : {}),
  });
  cleanups.push(() => room.stop());
  const publisher = onAirPublisher(() => room.wsUrls[0]!, room.tokens, room.room);
  cleanups.push(() => publisher.close());
  return {
    label: nodes === 1 ? 'OnAir' : 'OnAir ×2',
    mode: 'onair',
    urls: room.wsUrls,
    room: room.room,
    publisher,
    pids: room.pids,
  };
}

async function setUpSocketIo(
  nodes: 1 | 2,
  redisUrl: string | undefined,
  config: Config,
  cleanups: Cleanups,
): Promise<TargetSetup> {
  const env: Record<string, string> = { REDIS_URL: redisUrl ?? '' };
  if (redisUrl) env.ADAPTER_KEY = `bench-fanout-${process.pid}-${Date.now()}`;
  const children: ChildHandle[] = [];
  const urls: string[] = [];
  for (let i = 0; i < nodes; i++) {
    const child = spawnChild(SOCKET_IO_SERVER, [], { env });
    children.push(child);
    cleanups.push(() => child.stop());
    urls.push(`http://127.0.0.1:${(await child.next('listening', 30_000)).port}`);
  }
  config.log(
    `socket.io ${SOCKET_IO_VERSION} ×${nodes} at ${urls.join(', ')}${redisUrl ? ' (@socket.io/redis-adapter)' : ''}`,
  );
  const publisher = socketIoPublisher(() => urls[0]!, 'bench-room');
  cleanups.push(() => publisher.close());
  return {
    label: nodes === 1 ? 'Socket.IO' : 'Socket.IO ×2',
    mode: 'socketio',
    urls,
    room: 'bench-room',
    publisher,
    pids: children.map((c) => c.child.pid!).filter(Boolean),
  };
}

/**
 * Starts the targets' servers and connects their viewers, all at once (setup time is not measured),
 * registering every cleanup even when one of them fails.
 */
async function openTargets(
  setups: Array<{ start: () => Promise<TargetSetup>; execArgv?: string[] }>,
  config: Config,
  cleanups: Cleanups,
): Promise<Runner[]> {
  const settled = await Promise.allSettled(
    setups.map(async ({ start, execArgv }) => {
      const runner = await openRunner(await start(), config, execArgv);
      cleanups.push(() => runner.stop());
      return runner;
    }),
  );
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<Runner>).value);
}

const list = (v: string | undefined) => {
  const rates = v
    ?.split(',')
    .map((x) => Number(x.trim()))
    .filter((x) => Number.isFinite(x) && x > 0);
  return rates?.length ? rates : undefined;
};

/**
 * Fan-out of one LIVE room's chat: N viewers (anonymous WebSocket connections in a client process of
 * their own), signed-in publishers posting ~150-character comments that carry their send time, the
 * publish rate stepped up until delivery latency p99 (send → receipt, per viewer per comment) reaches
 * 150 ms or a comment is lost or duplicated (checked per viewer against the room's seq). The same
 * steps run, interleaved, against a plain Socket.IO server (one `io.to(room).emit` per comment) as
 * the baseline; and across two nodes (Postgres + Redis) when DATABASE_URL and REDIS_URL are set.
 *
 * Knobs (environment): FANOUT_CLIENTS, FANOUT_RATES (comma list of comments/s), FANOUT_BATCH_MS
 * (the server's ROOM_BATCH_MS), FANOUT_MEASURE_MS, FANOUT_PROFILE=1 (CPU profile of the single OnAir
 * node during its steps, summarised into the JSON), FANOUT_SKIP_BASELINE=1.
 */
export const fanout: Scenario = {
  name: 'fanout',
  description: 'room chat fan-out to N viewers: delivered/s under p99 < 150 ms, vs Socket.IO',
  async run({ quick, log }) {
    const clients = Number(process.env.FANOUT_CLIENTS) || (quick ? 1000 : 2000);
    const config: Config = {
      clients,
      rates:
        list(process.env.FANOUT_RATES) ??
        (quick ? [100, 200, 400, 600, 800, 1000] : [50, 100, 150, 200, 300, 400, 500, 600, 800, 1000, 1200]),
      warmUpMs: quick ? 500 : 2000,
      measureMs: Number(process.env.FANOUT_MEASURE_MS) || (quick ? 2000 : 5000),
      attempts: 2,
      clientProcesses: Number(process.env.FANOUT_CLIENT_PROCS) || 2,
      // Below the server under test: on this machine the viewers share its cores, in production they would not.
      clientNice: Number.isInteger(Number(process.env.FANOUT_CLIENT_NICE))
        ? Number(process.env.FANOUT_CLIENT_NICE)
        : 10,
      log,
    };
    const withBaseline = process.env.FANOUT_SKIP_BASELINE !== '1';
    const goal = quick ? 400_000 : 600_000;
    const loadBefore = os.loadavg().map((l) => round(l, 2));
    log(
      `${clients} viewers, ${PUBLISHER_ACCOUNTS} publisher accounts (≤ ${PER_SOCKET_RATE} comments/s per connection); bound: p99 < ${BOUND.p99Ms} ms, 0 lost, 0 duplicated`,
    );
    log(
      `machine: ${os.cpus().length} cores, load average ${loadBefore.join(' / ')} (1/5/15 min) before the run`,
    );

    const m0 = machineCpuSeconds();
    await sleep(500);
    const backgroundCpu = round((machineCpuSeconds() - m0) * 2, 2);
    log(`background: the machine was ${backgroundCpu} cores busy just before the run (not ours)`);

    const serverEnv: Record<string, string> = {};
    if (process.env.FANOUT_BATCH_MS) serverEnv.ROOM_BATCH_MS = process.env.FANOUT_BATCH_MS;
    const profileEnv: Record<string, string> = {};
    let profileDir: string | undefined;
    if (process.env.FANOUT_PROFILE === '1') {
      profileDir = mkdtempSync(path.join(os.tmpdir(), 'fanout-prof-'));
      // Node 20 refuses --cpu-prof in NODE_OPTIONS: a preloaded module runs V8's profiler instead.
      profileEnv.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import tsx --import ${PROFILER}`.trim();
      profileEnv.CPU_PROFILE_DIR = profileDir;
    }

    // ---- one node each
    let single: TargetResult;
    let baselineResult: TargetResult | null = null;
    let onAirSpans: { from: number; to: number }[] = [];
    let clockOffsetMs = 0;
    {
      const cleanups: Cleanups = [];
      try {
        const runners = await openTargets(
          [
            {
              start: () => setUpOnAir(1, undefined, { ...serverEnv, ...profileEnv }, config, cleanups),
              execArgv: profileDir
                ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profileDir, 'clients')}`]
                : [],
            },
            ...(withBaseline ? [{ start: () => setUpSocketIo(1, undefined, config, cleanups) }] : []),
          ],
          config,
          cleanups,
        );
        const onAirRunner = runners[0]!;
        const results = await stepTargets(runners, config);
        single = results[0]!;
        baselineResult = results[1] ?? null;
        onAirSpans = onAirRunner.spans;
        clockOffsetMs = onAirRunner.clockOffsetMs;
      } finally {
        for (const c of cleanups.reverse()) await c().catch(() => undefined);
      }
    }
    let profile: ProfileSummary | null = null;
    let clientProfile: ProfileSummary | null = null;
    if (profileDir) {
      const show = (title: string, p: ProfileSummary, lines: number) => {
        log(
          `${title} (${p.file}), busy in ${p.busyPct}% of its samples; self time, share of the busy samples:`,
        );
        for (const h of p.top.slice(0, lines))
          log(`  ${String(h.selfPct).padStart(5)}%  ${h.function}  ${h.where}`);
        log(`  by source: ${p.bySource.map((s) => `${s.source} ${s.selfPct}%`).join(', ')}`);
        if (p.runs) {
          log(
            `  one ${p.runs.function} (wall time, ${p.runs.count} of them): p50 ${p.runs.p50Ms} ms, p90 ${p.runs.p90Ms} ms, p99 ${p.runs.p99Ms} ms, max ${p.runs.maxMs} ms`,
          );
        }
        if (p.inclusive.length > 0) {
          log(`  inclusive: ${p.inclusive.map((s) => `${s.function} ${s.pct}%`).join(', ')}`);
        }
      };
      profile = summariseProfile(
        profileDir,
        onAirSpans,
        ['flush', 'send', 'sendFrame', 'stringify', 'postComment', 'append', 'safeParse', 'insertComments'],
        'flush',
      );
      if (profile) show('OnAir server CPU profile during its steps', profile, 12);
      clientProfile = summariseProfile(path.join(profileDir, 'clients'), onAirSpans, ['scanBatch', 'record']);
      if (clientProfile) show('a viewer process during the OnAir steps', clientProfile, 8);
    }
    const onair = headline(single);
    const baseline = baselineResult ? headline(baselineResult) : null;
    log(
      `OnAir: ${onair.deliveriesPerSec} deliveries/s under the bound (p50 ${onair.p50Ms} ms, p99 ${onair.p99Ms} ms); ${single.stoppedBecause}`,
    );
    if (baseline && baselineResult) {
      log(
        `Socket.IO: ${baseline.deliveriesPerSec} deliveries/s under the bound (p50 ${baseline.p50Ms} ms, p99 ${baseline.p99Ms} ms); ${baselineResult.stoppedBecause}`,
      );
    }

    // ---- two nodes each
    const databaseUrl = process.env.DATABASE_URL;
    const redisUrl = process.env.REDIS_URL;
    let twoNodes: Record<string, unknown> | null = null;
    let twoNodesReason: string | undefined;
    if (databaseUrl && redisUrl) {
      const cleanups: Cleanups = [];
      try {
        const runners = await openTargets(
          [
            { start: () => setUpOnAir(2, { databaseUrl, redisUrl }, serverEnv, config, cleanups) },
            ...(withBaseline ? [{ start: () => setUpSocketIo(2, redisUrl, config, cleanups) }] : []),
          ],
          config,
          cleanups,
        );
        const [two, twoBaseline] = await stepTargets(runners, config);
        const twoHead = headline(two!);
        log(
          `OnAir ×2: ${twoHead.deliveriesPerSec} deliveries/s under the bound (p50 ${twoHead.p50Ms} ms, p99 ${twoHead.p99Ms} ms); ${two!.stoppedBecause}`,
        );
        if (twoBaseline) {
          const h = headline(twoBaseline);
          log(
            `Socket.IO ×2: ${h.deliveriesPerSec} deliveries/s under the bound (p50 ${h.p50Ms} ms, p99 ${h.p99Ms} ms); ${twoBaseline.stoppedBecause}`,
          );
        }
        twoNodes = {
          setup:
            'two server processes on this machine; viewers split evenly across them, publishers on the first',
          onair: {
            ...twoHead,
            clients: two!.clients,
            stoppedBecause: two!.stoppedBecause,
            steps: two!.steps,
          },
          baseline: twoBaseline
            ? {
                name: `socket.io ${SOCKET_IO_VERSION} + @socket.io/redis-adapter`,
                ...headline(twoBaseline),
                clients: twoBaseline.clients,
                stoppedBecause: twoBaseline.stoppedBecause,
                steps: twoBaseline.steps,
              }
            : null,
        };
      } finally {
        for (const c of cleanups.reverse()) await c().catch(() => undefined);
      }
    } else {
      twoNodesReason = 'DATABASE_URL and REDIS_URL are not both set, so the two-node run was skipped';
      log(`two nodes: ${twoNodesReason}`);
    }

    const loadAfter = os.loadavg().map((l) => round(l, 2));
    const ratio =
      baseline && baseline.deliveriesPerSec > 0 ? onair.deliveriesPerSec / baseline.deliveriesPerSec : null;
    log(
      `goal: ≥ ${goal} deliveries/s and ≥ 3× the baseline; measured ${onair.deliveriesPerSec}/s${ratio === null ? '' : `, ${round(ratio, 2)}× the baseline`}`,
    );
    return {
      clients: single.clients,
      deliveriesPerSec: onair.deliveriesPerSec,
      p50Ms: onair.p50Ms,
      p99Ms: onair.p99Ms,
      lost: onair.lost,
      duplicated: onair.duplicated,
      baseline: baselineResult
        ? {
            name: `socket.io ${SOCKET_IO_VERSION}`,
            deliveriesPerSec: baseline!.deliveriesPerSec,
            p99Ms: baseline!.p99Ms,
            p50Ms: baseline!.p50Ms,
            clients: baselineResult.clients,
            ratePerSec: baseline!.ratePerSec,
            stoppedBecause: baselineResult.stoppedBecause,
            steps: baselineResult.steps,
          }
        : null,
      ratePerSec: onair.ratePerSec,
      bound: BOUND,
      goal: {
        deliveriesPerSec: goal,
        met: onair.deliveriesPerSec >= goal,
        vsBaseline: ratio === null ? null : round(ratio, 2),
        atLeast3xBaseline: ratio === null ? null : ratio >= 3,
      },
      roomBatchMs: Number(serverEnv.ROOM_BATCH_MS ?? 50),
      warmUpMs: config.warmUpMs,
      measureMs: config.measureMs,
      publisherAccounts: PUBLISHER_ACCOUNTS,
      stoppedBecause: single.stoppedBecause,
      steps: single.steps,
      twoNodes,
      ...(twoNodesReason ? { twoNodesReason } : {}),
      profile: profile ? { server: profile, viewers: clientProfile } : null,
      clientProcesses: config.clientProcesses,
      machine: {
        cpus: os.cpus().length,
        loadAvgBefore: loadBefore,
        backgroundCpuBefore: backgroundCpu,
        loadAvgAfter: loadAfter,
        node: process.version,
        clockOffsetMs: round(clockOffsetMs, 2),
      },
    };
  },
};
