import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { type ChildHandle, spawnChild } from './child.ts';
import { LatencyHistogram } from './histogram.ts';
import { clockMs } from './wire.ts';

const SWARM = fileURLToPath(new URL('./swarm.ts', import.meta.url));

export interface StepStats {
  participants: number;
  deliveries: number;
  /** Deliveries of comments sent inside the measured window. */
  windowDeliveries: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Receipts stamped before their send time (the processes' clocks disagree). */
  negative: number;
  lost: number;
  clientsMissing: number;
  duplicated: number;
  outOfOrder: number;
  closes: number;
  closeCodes: Record<string, number>;
  drainMs: number;
  timedOut: boolean;
  /** CPU of all viewer processes together, in cores. */
  cpu: number;
  /** Worst event-loop delay p99 among the viewer processes. */
  loopDelayP99Ms: number;
  /** Batches that needed a full JSON.parse (an event that is not a stamped comment). */
  slowPath: number;
}

export interface SwarmGroup {
  readonly processes: number;
  readonly pids: number[];
  connect(
    mode: 'onair' | 'socketio',
    urls: string[],
    room: string,
    n: number,
  ): Promise<{ connected: number; failed: number; errors: Record<string, number>; ms: number }>;
  /** Estimated clock offset of the viewer processes against this one (ms, worst). */
  clockOffsetMs(): Promise<number>;
  startStep(base: number, cap: number, window: { from: number; to: number }): Promise<void>;
  endStep(last: number, timeoutMs: number): Promise<StepStats>;
  stop(): Promise<void>;
}

/**
 * The viewers, spread over `processes` swarm processes (each an event loop of its own, so that one
 * busy client process does not queue every receipt behind the others), with their step statistics
 * merged: counts summed, latency histograms added up before taking percentiles.
 */
export function spawnSwarms(processes: number, execArgv: string[] = [], nice = 0): SwarmGroup {
  const children: ChildHandle[] = Array.from({ length: processes }, () =>
    // Every frame becomes a short-lived string: a larger young generation means fewer scavenges.
    spawnChild(SWARM, [], { execArgv: ['--max-semi-space-size=32', ...execArgv] }),
  );
  // Lower priority (a positive nice) lets the server under test run first when both want the CPU.
  if (nice !== 0) for (const c of children) if (c.child.pid) os.setPriority(c.child.pid, nice);
  const all = <T>(f: (c: ChildHandle, i: number) => Promise<T>) => Promise.all(children.map(f));
  return {
    processes,
    pids: children.map((c) => c.child.pid!).filter(Boolean),
    async connect(mode, urls, room, n) {
      const replies = await all((c, i) =>
        c.request(
          {
            cmd: 'connect',
            mode,
            // Rotate the node list, so every process spreads its share over all nodes from a different start.
            urls: urls.map((_, k) => urls[(k + i) % urls.length]!),
            room,
            n: Math.floor(n / processes) + (i < n % processes ? 1 : 0),
          },
          'connected',
          180_000,
        ),
      );
      const errors: Record<string, number> = {};
      for (const r of replies) {
        for (const [k, v] of Object.entries(r.errors as Record<string, number>))
          errors[k] = (errors[k] ?? 0) + v;
      }
      return {
        connected: replies.reduce((a, r) => a + Number(r.connected), 0),
        failed: replies.reduce((a, r) => a + Number(r.failed), 0),
        errors,
        ms: Math.max(...replies.map((r) => Number(r.ms))),
      };
    },
    async clockOffsetMs() {
      // The sample with the shortest round trip bounds the offset best (it should be ~0: one clock).
      const offsets = await all(async (c) => {
        let best = { rtt: Number.POSITIVE_INFINITY, offset: 0 };
        for (let k = 0; k < 5; k++) {
          const t1 = clockMs();
          const reply = await c.request({ cmd: 'clock' }, 'clock');
          const t2 = clockMs();
          if (t2 - t1 < best.rtt) best = { rtt: t2 - t1, offset: Number(reply.t) - (t1 + t2) / 2 };
        }
        return best.offset;
      });
      return offsets.reduce((a, o) => (Math.abs(o) > Math.abs(a) ? o : a), 0);
    },
    async startStep(base, cap, window) {
      await all((c) => c.request({ cmd: 'step', base, cap, ...window }, 'step'));
    },
    async endStep(last, timeoutMs) {
      const replies = await all((c) => c.request({ cmd: 'end', last, timeoutMs }, 'end', timeoutMs + 60_000));
      const hist = new LatencyHistogram();
      const sum = (k: string) => replies.reduce((a, r) => a + Number(r[k]), 0);
      const max = (k: string) => Math.max(...replies.map((r) => Number(r[k])));
      const closeCodes: Record<string, number> = {};
      for (const r of replies) {
        hist.merge(r.hist as number[], Number(r.maxMs), Number(r.negative));
        for (const [k, v] of Object.entries(r.closeCodes as Record<string, number>)) {
          closeCodes[k] = (closeCodes[k] ?? 0) + v;
        }
      }
      return {
        participants: sum('participants'),
        deliveries: sum('deliveries'),
        windowDeliveries: sum('windowDeliveries'),
        p50Ms: hist.percentile(50),
        p99Ms: hist.percentile(99),
        maxMs: hist.max,
        negative: hist.negative,
        lost: sum('lost'),
        clientsMissing: sum('clientsMissing'),
        duplicated: sum('duplicated'),
        outOfOrder: sum('outOfOrder'),
        closes: sum('closes'),
        closeCodes,
        drainMs: max('drainMs'),
        timedOut: replies.some((r) => r.timedOut === true),
        cpu: sum('cpu'),
        loopDelayP99Ms: max('loopDelayP99Ms'),
        slowPath: sum('slowPath'),
      };
    },
    async stop() {
      await all((c) => c.stop());
    },
  };
}
