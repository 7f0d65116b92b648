/** Bucket width: 0.1 ms. */
const PER_MS = 10;
/** Latencies from 0 to 30 s are bucketed; anything beyond lands in the last bucket (max keeps it). */
const BUCKETS = 30_000 * PER_MS;

/**
 * A fixed-resolution latency histogram: a benchmark step records millions of deliveries, too many to
 * keep and sort. Percentiles are exact to the bucket width (0.1 ms).
 */
export class LatencyHistogram {
  private readonly buckets = new Uint32Array(BUCKETS);
  count = 0;
  max = 0;
  /** Receipt before send: the two processes' clocks disagree (recorded as 0 ms). */
  negative = 0;

  add(ms: number): void {
    let i: number;
    if (ms < 0) {
      this.negative++;
      i = 0;
    } else {
      i = (ms * PER_MS) | 0;
      if (i >= BUCKETS) i = BUCKETS - 1;
      if (ms > this.max) this.max = ms;
    }
    this.buckets[i]!++;
    this.count++;
  }

  /** Nearest-rank percentile (upper edge of its bucket), NaN when empty. */
  percentile(p: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.buckets[i]!;
      if (seen >= rank) return Math.min((i + 1) / PER_MS, this.max);
    }
    return this.max;
  }

  /** The non-empty buckets as flat [index, count, index, count, …] pairs (to merge in another process). */
  toPairs(): number[] {
    const pairs: number[] = [];
    for (let i = 0; i < BUCKETS; i++) if (this.buckets[i]! > 0) pairs.push(i, this.buckets[i]!);
    return pairs;
  }

  /** Adds another histogram's `toPairs()` (and its max and negative count). */
  merge(pairs: number[], max: number, negative: number): void {
    for (let k = 0; k + 1 < pairs.length; k += 2) {
      this.buckets[pairs[k]!]! += pairs[k + 1]!;
      this.count += pairs[k + 1]!;
    }
    if (max > this.max) this.max = max;
    this.negative += negative;
  }

  reset(): void {
    this.buckets.fill(0);
    this.count = 0;
    this.max = 0;
    this.negative = 0;
  }
}
