export type Settled<O> = { ok: true; value: O } | { ok: false; error: unknown };

export interface GroupCommitOptions<I, O> {
  /** How long the first request of an idle batch waits for company (0: the same event-loop turn). */
  windowMs: number;
  /** Most requests in one transaction. 1 turns group commit off: one transaction per request. */
  maxBatch: number;
  /** Batches in flight at once. */
  concurrency: number;
  /**
   * Commits a batch in one transaction and settles every item on its own (one item failing a rule
   * does not fail the others). Throwing means the transaction itself failed: the batch is then
   * retried one item at a time, so one poisoned item cannot sink its neighbours.
   */
  commit(items: I[]): Promise<Settled<O>[]>;
  onBatch?(stats: { size: number; ms: number; failed: boolean }): void;
}

interface Pending<I, O> {
  item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

/**
 * Group commit: concurrent requests are collected for a few milliseconds (and while the previous
 * batch is committing) and committed together, trading a little latency for far fewer transactions.
 */
export function createGroupCommitter<I, O>(opts: GroupCommitOptions<I, O>) {
  const queue: Pending<I, O>[] = [];
  let inFlight = 0;
  let timer: ReturnType<typeof setTimeout> | ReturnType<typeof setImmediate> | undefined;
  /** The timer is a setImmediate (next turn), not the batch window's setTimeout. */
  let soon = false;
  let idle: (() => void)[] = [];
  let closed = false;

  const settle = (batch: Pending<I, O>[], results: Settled<O>[]) => {
    batch.forEach((p, i) => {
      const r = results[i];
      if (!r) p.reject(new Error('group commit returned no result for an item'));
      else if (r.ok) p.resolve(r.value);
      else p.reject(r.error);
    });
  };

  async function commitBatch(batch: Pending<I, O>[]): Promise<void> {
    const started = performance.now();
    try {
      settle(batch, await opts.commit(batch.map((p) => p.item)));
      opts.onBatch?.({ size: batch.length, ms: performance.now() - started, failed: false });
    } catch (err) {
      opts.onBatch?.({ size: batch.length, ms: performance.now() - started, failed: true });
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      for (const p of batch) {
        try {
          settle([p], await opts.commit([p.item]));
        } catch (single) {
          p.reject(single);
        }
      }
    }
  }

  function run(): void {
    timer = undefined;
    soon = false;
    while (inFlight < opts.concurrency && queue.length > 0) {
      // Shared out over the free slots: two half batches keep the database busy with one while Node
      // answers and refills the other, where one whole batch would leave each side waiting in turn.
      const size = Math.min(opts.maxBatch, Math.ceil(queue.length / (opts.concurrency - inFlight)));
      const batch = queue.splice(0, size);
      inFlight++;
      void commitBatch(batch).finally(() => {
        inFlight--;
        // Whatever queued up meanwhile has already waited a whole commit: go on the next turn, not
        // this one, so the requests this batch just answered (a client's next gift) and the network
        // input already read can join it, instead of forming a small batch of their own.
        if (queue.length > 0) runSoon();
        else if (inFlight === 0) {
          const waiting = idle;
          idle = [];
          for (const w of waiting) w();
        }
      });
    }
  }

  function runSoon(): void {
    if (timer !== undefined && soon) return;
    if (timer !== undefined) clearTimeout(timer as ReturnType<typeof setTimeout>);
    soon = true;
    timer = setImmediate(run);
  }

  function schedule(): void {
    if (inFlight >= opts.concurrency || timer !== undefined) return;
    if (queue.length >= opts.maxBatch) run();
    else if (opts.windowMs <= 0) runSoon();
    else timer = setTimeout(run, opts.windowMs);
  }

  return {
    submit(item: I): Promise<O> {
      if (closed) return Promise.reject(new Error('group commit is closed'));
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        schedule();
      });
    },

    /** Stops taking requests and resolves once everything already submitted has settled. */
    async close(): Promise<void> {
      closed = true;
      if (queue.length === 0 && inFlight === 0) return;
      await new Promise<void>((resolve) => {
        idle.push(resolve);
        if (inFlight === 0) run();
      });
    },

    get pending(): number {
      return queue.length + inFlight;
    },
  };
}
