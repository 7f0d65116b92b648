import { type CpuUse, cpuMeter, cpuPerUnit } from '../cpu.ts';
import { percentile, progress, round } from '../stats.ts';

export interface PhaseResult {
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
export type WsStep = PhaseResult & { offeredPerSec: number; framesReceived: number };

/** The latency goal for committed gifts, end to end. */
export const P99_GOAL_MS = 100;
export const meetsLatencyGoal = (r: PhaseResult) =>
  r.errors === 0 && r.committed > 0 && r.p99Ms < P99_GOAL_MS;

/** The server's running totals of gift batches and the gifts in them, read off /metrics. */
async function batchTotals(metrics: () => Promise<string>) {
  const text = await metrics();
  const value = (name: string) => Number(text.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1] ?? Number.NaN);
  return { gifts: value('onair_gift_batch_size_sum'), batches: value('onair_gift_batch_size_count') };
}

/** Runs a phase and adds the mean number of gifts the server committed per transaction during it. */
export async function withBatches<R extends PhaseResult>(
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
export async function closedLoop(opts: {
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

/** The result of a phase that was left out (BENCH_GIFT_PHASES). */
export const skipped = (concurrency: number): PhaseResult => ({
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
