import { describe, expect, it } from 'vitest';
import { createGroupCommitter, type Settled } from './group-commit.ts';

/**
 * The stand-in transaction stays in flight across event-loop turns, as a real one does, so requests
 * submitted meanwhile must queue behind it; no test waits on a clock.
 */
const inFlight = () => new Promise<void>((r) => setImmediate(r));

describe('group commit', () => {
  it('commits concurrent requests together and settles each on its own', async () => {
    const batches: number[][] = [];
    const gc = createGroupCommitter<number, string>({
      windowMs: 5,
      maxBatch: 100,
      concurrency: 1,
      async commit(items) {
        batches.push(items);
        await inFlight();
        return items.map(
          (n): Settled<string> =>
            n % 3 === 0 ? { ok: false, error: new Error(`no ${n}`) } : { ok: true, value: `ok ${n}` },
        );
      },
    });
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => gc.submit(i + 1)));
    expect(batches).toEqual([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      'ok 1',
      'ok 2',
      'no 3',
      'ok 4',
      'ok 5',
      'no 6',
      'ok 7',
      'ok 8',
      'no 9',
      'ok 10',
    ]);
  });

  it('shares what is queued over the free slots, so two batches overlap instead of one taking all', async () => {
    const batches: number[][] = [];
    const gc = createGroupCommitter<number, number>({
      windowMs: 5,
      maxBatch: 100,
      concurrency: 2,
      async commit(items) {
        batches.push(items);
        await inFlight();
        return items.map((value) => ({ ok: true, value }));
      },
    });
    const all = Array.from({ length: 9 }, (_, i) => gc.submit(i));
    expect(await Promise.all(all)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(batches).toEqual([
      [0, 1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
  });

  it('caps batches, keeps order, and queues while a batch is committing', async () => {
    const batches: number[][] = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    const gc = createGroupCommitter<number, number>({
      windowMs: 1,
      maxBatch: 4,
      concurrency: 1,
      async commit(items) {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        batches.push(items);
        await inFlight();
        concurrent--;
        return items.map((value) => ({ ok: true, value }));
      },
    });
    const all = Array.from({ length: 10 }, (_, i) => gc.submit(i));
    expect(await Promise.all(all)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(batches.flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Math.max(...batches.map((b) => b.length))).toBe(4);
    expect(maxConcurrent).toBe(1);
  });

  it('retries a failed transaction one item at a time, so one bad item fails alone', async () => {
    const calls: number[][] = [];
    const gc = createGroupCommitter<number, number>({
      windowMs: 2,
      maxBatch: 10,
      concurrency: 1,
      async commit(items) {
        calls.push(items);
        if (items.includes(13)) throw new Error('constraint violated');
        return items.map((value) => ({ ok: true, value }));
      },
    });
    const results = await Promise.allSettled([12, 13, 14].map((n) => gc.submit(n)));
    expect(calls).toEqual([[12, 13, 14], [12], [13], [14]]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('runs one transaction per request when batching is off, several at once', async () => {
    let concurrent = 0;
    let maxConcurrent = 0;
    const gc = createGroupCommitter<number, number>({
      windowMs: 0,
      maxBatch: 1,
      concurrency: 4,
      async commit(items) {
        expect(items).toHaveLength(1);
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await inFlight();
        concurrent--;
        return items.map((value) => ({ ok: true, value }));
      },
    });
    await Promise.all(Array.from({ length: 12 }, (_, i) => gc.submit(i)));
    expect(maxConcurrent).toBe(4);
  });

  it('drains on close and refuses new work afterwards', async () => {
    let committed = 0;
    const gc = createGroupCommitter<number, number>({
      windowMs: 20,
      maxBatch: 10,
      concurrency: 1,
      async commit(items) {
        committed += items.length;
        return items.map((value) => ({ ok: true, value }));
      },
    });
    const pending = [gc.submit(1), gc.submit(2)];
    await gc.close();
    expect(committed).toBe(2);
    await expect(Promise.all(pending)).resolves.toEqual([1, 2]);
    await expect(gc.submit(3)).rejects.toThrow(/closed/);
  });
});
