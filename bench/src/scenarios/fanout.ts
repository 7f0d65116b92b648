import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type ProfileSummary, summariseProfile } from '../fanout/profile.ts';
import { PER_SOCKET_RATE } from '../fanout/publishers.ts';
import {
  BOUND,
  type Config,
  headline,
  machineCpuSeconds,
  PUBLISHER_ACCOUNTS,
  stepTargets,
  type TargetResult,
} from '../fanout/steps.ts';
import {
  type Cleanups,
  openTargets,
  SOCKET_IO_VERSION,
  setUpOnAir,
  setUpSocketIo,
} from '../fanout/targets.ts';
import { round } from '../stats.ts';
import type { Scenario } from '../types.ts';

const PROFILER = fileURLToPath(new URL('../fanout/cpu-profiler.ts', import.meta.url));

const list = (v: string | undefined) => {
  const rates = v
    ?.split(',')
    .map((x) => Number(x.trim()))
    .filter((x) => Number.isFinite(x) && x > 0);
  return rates?.length ? rates : undefined;
};

function readConfig(quick: boolean, log: (m: string) => void): Config {
  return {
    clients: Number(process.env.FANOUT_CLIENTS) || (quick ? 1000 : 2000),
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
}

/** How busy the machine is before we start (other people's work), so the figures can be read fairly. */
async function measureBackground(config: Config) {
  const loadBefore = os.loadavg().map((l) => round(l, 2));
  config.log(
    `${config.clients} viewers, ${PUBLISHER_ACCOUNTS} publisher accounts (≤ ${PER_SOCKET_RATE} comments/s per connection); bound: p99 < ${BOUND.p99Ms} ms, 0 lost, 0 duplicated`,
  );
  config.log(
    `machine: ${os.cpus().length} cores, load average ${loadBefore.join(' / ')} (1/5/15 min) before the run`,
  );
  const m0 = machineCpuSeconds();
  await sleep(500);
  const backgroundCpu = round((machineCpuSeconds() - m0) * 2, 2);
  config.log(`background: the machine was ${backgroundCpu} cores busy just before the run (not ours)`);
  return { loadBefore, backgroundCpu };
}

/** FANOUT_PROFILE=1: the single OnAir node and its viewers write CPU profiles into a directory. */
function profilingSetup(): { profileDir: string | undefined; profileEnv: Record<string, string> } {
  if (process.env.FANOUT_PROFILE !== '1') return { profileDir: undefined, profileEnv: {} };
  const profileDir = mkdtempSync(path.join(os.tmpdir(), 'fanout-prof-'));
  return {
    profileDir,
    profileEnv: {
      // Node 20 refuses --cpu-prof in NODE_OPTIONS: a preloaded module runs V8's profiler instead.
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import tsx --import ${PROFILER}`.trim(),
      CPU_PROFILE_DIR: profileDir,
    },
  };
}

/** Phase 1: one OnAir node and (unless skipped) one Socket.IO server, stepped up together. */
async function runOneNode(
  config: Config,
  serverEnv: Record<string, string>,
  profiling: ReturnType<typeof profilingSetup>,
  withBaseline: boolean,
) {
  const { profileDir, profileEnv } = profiling;
  const cleanups: Cleanups = [];
  try {
    const runners = await openTargets(
      [
        {
          start: () => setUpOnAir(1, undefined, { ...serverEnv, ...profileEnv }, config, cleanups),
          execArgv: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profileDir, 'clients')}`] : [],
        },
        ...(withBaseline ? [{ start: () => setUpSocketIo(1, undefined, config, cleanups) }] : []),
      ],
      config,
      cleanups,
    );
    const onAirRunner = runners[0]!;
    const results = await stepTargets(runners, config);
    return {
      single: results[0]!,
      baselineResult: results[1] ?? null,
      onAirSpans: onAirRunner.spans,
      clockOffsetMs: onAirRunner.clockOffsetMs,
    };
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  }
}

/** The CPU profiles of phase 1, cut to the OnAir steps, summarised and logged. */
function summariseProfiles(
  profileDir: string,
  onAirSpans: { from: number; to: number }[],
  log: (m: string) => void,
) {
  const show = (title: string, p: ProfileSummary, lines: number) => {
    log(`${title} (${p.file}), busy in ${p.busyPct}% of its samples; self time, share of the busy samples:`);
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
  const profile = summariseProfile(
    profileDir,
    onAirSpans,
    ['flush', 'send', 'sendFrame', 'stringify', 'postComment', 'append', 'safeParse', 'insertComments'],
    'flush',
  );
  if (profile) show('OnAir server CPU profile during its steps', profile, 12);
  const clientProfile = summariseProfile(path.join(profileDir, 'clients'), onAirSpans, [
    'scanBatch',
    'record',
  ]);
  if (clientProfile) show('a viewer process during the OnAir steps', clientProfile, 8);
  return { profile, clientProfile };
}

/** Phase 2: two nodes of each over Postgres and Redis; skipped (with the reason) without both. */
async function runTwoNodes(
  config: Config,
  serverEnv: Record<string, string>,
  withBaseline: boolean,
): Promise<{ twoNodes: Record<string, unknown> | null; twoNodesReason?: string }> {
  const { log } = config;
  const databaseUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  if (!databaseUrl || !redisUrl) {
    const twoNodesReason = 'DATABASE_URL and REDIS_URL are not both set, so the two-node run was skipped';
    log(`two nodes: ${twoNodesReason}`);
    return { twoNodes: null, twoNodesReason };
  }
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
    return {
      twoNodes: {
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
      },
    };
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  }
}

/** The record written to bench/results/fanout.json. */
function report(r: {
  config: Config;
  goal: number;
  serverEnv: Record<string, string>;
  single: TargetResult;
  baselineResult: TargetResult | null;
  two: Awaited<ReturnType<typeof runTwoNodes>>;
  profiles: ReturnType<typeof summariseProfiles> | null;
  background: Awaited<ReturnType<typeof measureBackground>>;
  clockOffsetMs: number;
}) {
  const { config, goal, single, baselineResult } = r;
  const onair = headline(single);
  const baseline = baselineResult ? headline(baselineResult) : null;
  const loadAfter = os.loadavg().map((l) => round(l, 2));
  const ratio =
    baseline && baseline.deliveriesPerSec > 0 ? onair.deliveriesPerSec / baseline.deliveriesPerSec : null;
  config.log(
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
    roomBatchMs: Number(r.serverEnv.ROOM_BATCH_MS ?? 50),
    warmUpMs: config.warmUpMs,
    measureMs: config.measureMs,
    publisherAccounts: PUBLISHER_ACCOUNTS,
    stoppedBecause: single.stoppedBecause,
    steps: single.steps,
    twoNodes: r.two.twoNodes,
    ...(r.two.twoNodesReason ? { twoNodesReason: r.two.twoNodesReason } : {}),
    profile: r.profiles?.profile ? { server: r.profiles.profile, viewers: r.profiles.clientProfile } : null,
    clientProcesses: config.clientProcesses,
    machine: {
      cpus: os.cpus().length,
      loadAvgBefore: r.background.loadBefore,
      backgroundCpuBefore: r.background.backgroundCpu,
      loadAvgAfter: loadAfter,
      node: process.version,
      clockOffsetMs: round(r.clockOffsetMs, 2),
    },
  };
}

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
    const config = readConfig(quick, log);
    const withBaseline = process.env.FANOUT_SKIP_BASELINE !== '1';
    const goal = quick ? 400_000 : 600_000;
    const background = await measureBackground(config);
    const serverEnv: Record<string, string> = {};
    if (process.env.FANOUT_BATCH_MS) serverEnv.ROOM_BATCH_MS = process.env.FANOUT_BATCH_MS;
    const profiling = profilingSetup();

    const { single, baselineResult, onAirSpans, clockOffsetMs } = await runOneNode(
      config,
      serverEnv,
      profiling,
      withBaseline,
    );
    const profiles = profiling.profileDir ? summariseProfiles(profiling.profileDir, onAirSpans, log) : null;
    const onair = headline(single);
    log(
      `OnAir: ${onair.deliveriesPerSec} deliveries/s under the bound (p50 ${onair.p50Ms} ms, p99 ${onair.p99Ms} ms); ${single.stoppedBecause}`,
    );
    if (baselineResult) {
      const baseline = headline(baselineResult);
      log(
        `Socket.IO: ${baseline.deliveriesPerSec} deliveries/s under the bound (p50 ${baseline.p50Ms} ms, p99 ${baseline.p99Ms} ms); ${baselineResult.stoppedBecause}`,
      );
    }
    const two = await runTwoNodes(config, serverEnv, withBaseline);
    return report({
      config,
      goal,
      serverEnv,
      single,
      baselineResult,
      two,
      profiles,
      background,
      clockOffsetMs,
    });
  },
};
