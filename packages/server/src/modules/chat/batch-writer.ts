/**
 * Collects rows for `flushMs` and writes them with one call, so a busy room costs one INSERT per
 * flush instead of one per comment. Each `write` resolves when its batch is stored.
 */
export function createBatchWriter<T>(
  flushMs: number,
  writeMany: (rows: T[]) => Promise<void>,
  onError: (err: unknown) => void,
) {
  let rows: T[] = [];
  let waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> = Promise.resolve();

  const flush = () => {
    timer = null;
    const batch = rows;
    const batchWaiters = waiters;
    rows = [];
    waiters = [];
    inFlight = inFlight
      .then(() => writeMany(batch))
      .then(
        () => {
          for (const w of batchWaiters) w.resolve();
        },
        (err) => {
          onError(err);
          for (const w of batchWaiters) w.reject(err);
        },
      );
  };

  return {
    write(row: T): Promise<void> {
      rows.push(row);
      timer ??= setTimeout(flush, flushMs);
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
    /** Writes what is pending now and waits for every write so far. */
    async drain(): Promise<void> {
      if (timer) {
        clearTimeout(timer);
        flush();
      }
      await inFlight.catch(() => undefined);
    },
  };
}
