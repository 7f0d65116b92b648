import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { round } from '../stats.ts';
import { PER_SOCKET_RATE, type Publisher, type PublishResult } from './publishers.ts';
import { spawnSwarms } from './swarm-group.ts';
import { clockMs } from './wire.ts';

/** The bound every step is held to (from the issue). */
export const BOUND = { p99Ms: 150, lost: 0, duplicated: 0 } as const;
/** Signed-in accounts that post (each with several connections at high rates, see PER_SOCKET_RATE). */
export const PUBLISHER_ACCOUNTS = 10;
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
export function machineCpuSeconds(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return (user! + nice! + system! + irq! + softirq! + steal!) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

export interface Config {
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

export interface TargetSetup {
  label: string;
  mode: 'onair' | 'socketio';
  urls: string[];
  room: string;
  publisher: Publisher;
  pids: number[];
}

export interface Runner {
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
export async function openRunner(
  target: TargetSetup,
  config: Config,
  execArgv: string[] = [],
): Promise<Runner> {
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
export async function stepTargets(runners: Runner[], config: Config): Promise<TargetResult[]> {
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
export function headline(result: TargetResult) {
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
