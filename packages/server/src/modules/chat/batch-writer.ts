/**
 * Collects rows for `flushMs` and writes them with one call, so a busy room costs one INSERT per
 * flush instead of one per comment. Each `write` resolves when its own row is stored.
 *
 * A batch is many people's writes, so one bad row must not cost the others theirs: when the batch
 * fails, every row is written again on its own, and only the rows that still fail are rejected.
 */
export function createBatchWriter<T>(
  flushMs: number,
  writeMany: (rows: T[]) => Promise<void>,
  onError: (err: unknown, rows: T[]) => void,
) {
  type Pending = { row: T; resolve: () => void; reject: (err: unknown) => void };
  let pending: Pending[] = [];
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> = Promise.resolve();

  async function store(batch: Pending[]): Promise<void> {
    if (batch.length === 0) return;
    try {
      await writeMany(batch.map((p) => p.row));
      for (const p of batch) p.resolve();
      return;
    } catch (err) {
      if (batch.length === 1) {
        onError(err, [batch[0]!.row]);
        batch[0]!.reject(err);
        return;
      }
    }
    // One at a time, in order: a failing row is isolated and the rest are stored as they would have been.
    for (const p of batch) await store([p]);
  }

  const flush = () => {
    timer = null;
    const batch = pending;
    pending = [];
    inFlight = inFlight.then(() => store(batch));
  };

  return {
    write(row: T): Promise<void> {
      const done = new Promise<void>((resolve, reject) => pending.push({ row, resolve, reject }));
      timer ??= setTimeout(flush, flushMs);
      return done;
    },
    /** Writes what is pending now and waits for every write so far. */
    async drain(): Promise<void> {
      if (timer) {
        clearTimeout(timer);
        flush();
      }
      await inFlight;
    },
  };
}
