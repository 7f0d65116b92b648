import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  function: string;
  where: string;
  selfPct: number;
}

export interface ProfileSummary {
  file: string;
  /** Samples inside the analysed span (the benchmark steps), and the share of them that was busy. */
  samples: number;
  busyPct: number;
  /** By function, self time, share of the busy samples. */
  top: HotSpot[];
  /** By source (package or file), self time, share of the busy samples. */
  bySource: { source: string; selfPct: number }[];
  /** Inclusive time of a few functions worth watching, share of the busy samples. */
  inclusive: { function: string; pct: number }[];
  /**
   * How long each uninterrupted stretch with `runs` on the stack lasted (wall time, so including any
   * time the process was descheduled in the middle), e.g. one room flush: count and percentiles, ms.
   */
  runs: {
    function: string;
    count: number;
    p50Ms: number;
    p90Ms: number;
    p99Ms: number;
    maxMs: number;
  } | null;
}

const IDLE = new Set(['(idle)', '(program)']);

const sourceOf = (url: string) => {
  if (!url) return '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return url;
  const src = url.indexOf('/packages/');
  return src >= 0 ? url.slice(src + 1) : path.basename(url);
};

/**
 * Reads the newest .cpuprofile in `dir` (written when the profiled server exits) and summarises the
 * samples taken inside `spans` — microseconds of CLOCK_MONOTONIC, the clock both V8's profiler and
 * `process.hrtime` read, so spans measured in this process select the same moments in the server's
 * profile.
 */
export function summariseProfile(
  dir: string,
  spans: { from: number; to: number }[] | null,
  watch: string[],
  runs?: string,
): ProfileSummary | null {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  } catch {
    return null;
  }
  // A process may leave several (tsx's loader thread has its own): take the busiest in the spans.
  let chosen: ReturnType<typeof tally> | null = null;
  for (const f of files) {
    const t = tally(path.join(dir, f), spans, runs);
    if (!chosen || t.busy > chosen.busy) chosen = t;
  }
  if (!chosen) return null;
  const { file, byId, parent, self, total, busy, runLengths } = chosen;
  if (busy === 0)
    return { file, samples: total, busyPct: 0, top: [], bySource: [], inclusive: [], runs: null };
  const pct = (n: number) => Math.round((n / busy) * 1000) / 10;

  const fns = new Map<string, { function: string; where: string; n: number }>();
  const sources = new Map<string, number>();
  const inclusive = new Map<string, number>(watch.map((w) => [w, 0]));
  for (const [id, n] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const name = functionName || '(anonymous)';
    const where = url ? `${sourceOf(url)}:${lineNumber + 1}` : '';
    const key = `${name}@${where}`;
    const entry = fns.get(key) ?? { function: name, where, n: 0 };
    entry.n += n;
    fns.set(key, entry);
    const source = name === '(garbage collector)' ? '(gc)' : sourceOf(url);
    sources.set(source, (sources.get(source) ?? 0) + n);
    // Inclusive: count the sample once for each watched function on its stack.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const fn = byId.get(cur)!.callFrame.functionName;
      if (inclusive.has(fn) && !seen.has(fn)) {
        seen.add(fn);
        inclusive.set(fn, inclusive.get(fn)! + n);
      }
    }
  }
  return {
    file,
    samples: total,
    busyPct: Math.round((busy / total) * 1000) / 10,
    top: [...fns.values()]
      .sort((x, y) => y.n - x.n)
      .slice(0, 15)
      .map((f) => ({ function: f.function, where: f.where, selfPct: pct(f.n) })),
    bySource: [...sources]
      .sort((x, y) => y[1] - x[1])
      .slice(0, 10)
      .map(([source, n]) => ({ source, selfPct: pct(n) })),
    inclusive: [...inclusive].map(([fn, n]) => ({ function: fn, pct: pct(n) })).filter((x) => x.pct > 0),
    runs:
      runs && runLengths.length > 0
        ? {
            function: runs,
            count: runLengths.length,
            p50Ms: nearestRank(runLengths, 50),
            p90Ms: nearestRank(runLengths, 90),
            p99Ms: nearestRank(runLengths, 99),
            maxMs: nearestRank(runLengths, 100),
          }
        : null,
  };
}

const nearestRank = (sorted: number[], p: number) =>
  Math.round(
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]! * 10,
  ) / 10;

function tally(file: string, spans: { from: number; to: number }[] | null, runs: string | undefined) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const onStack = new Map<number, boolean>();
  const inRun = (id: number): boolean => {
    let hit = onStack.get(id);
    if (hit === undefined) {
      hit = false;
      for (let cur: number | undefined = id; cur !== undefined && !hit; cur = parent.get(cur)) {
        hit = byId.get(cur)!.callFrame.functionName === runs;
      }
      onStack.set(id, hit);
    }
    return hit;
  };
  const self = new Map<number, number>();
  const runLengths: number[] = [];
  let run = 0;
  let t = profile.startTime;
  let total = 0;
  let busy = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    const id = profile.samples[i]!;
    if (spans && !spans.some((s) => t >= s.from && t <= s.to)) {
      run = 0;
      continue;
    }
    if (runs !== undefined) {
      if (inRun(id)) run += dt;
      else if (run > 0) {
        runLengths.push(run / 1000);
        run = 0;
      }
    }
    total++;
    if (IDLE.has(byId.get(id)?.callFrame.functionName ?? '')) continue;
    busy++;
    self.set(id, (self.get(id) ?? 0) + 1);
  }
  runLengths.sort((a, b) => a - b);
  return { file, byId, parent, self, total, busy, runLengths };
}
