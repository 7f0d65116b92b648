/**
 * Mid-rank percentiles. Signals come in unlike units (ms, per-minute rates, shares) with long tails;
 * ranking each room against the others on each signal puts them on one 0..1 scale that one outlier
 * cannot stretch, and that a creator can read ("better than 70 % of the rooms LIVE now").
 */

/**
 * For each value, (count below + 0.5 * (count equal - 1)) / max(n - 1, 1): equal values get equal
 * percentiles, a larger value always a larger one, the lowest 0 and the highest 1 when unique.
 * A single value is 1 (it is the best room there is). NaN counts as the lowest value. O(n log n).
 */
export function percentiles(values: ArrayLike<number>): number[] {
  const n = values.length;
  const out = new Array<number>(n);
  if (n === 0) return out;
  if (n === 1) {
    out[0] = 1;
    return out;
  }
  const vs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    // + 0 turns -0 into 0, which the typed-array sort would otherwise order before 0.
    vs[i] = Number.isNaN(v) ? Number.NEGATIVE_INFINITY : v + 0;
  }
  // A typed array sorts numerically without a comparator, several times faster than sorting indexes
  // with one; each value then finds its run of equals by binary search.
  const sorted = vs.slice().sort();
  const denom = n - 1;
  for (let i = 0; i < n; i++) {
    const below = firstAtLeast(sorted, vs[i]!);
    const equal = firstAbove(sorted, vs[i]!, below) - below;
    out[i] = (below + 0.5 * (equal - 1)) / denom;
  }
  return out;
}

function firstAtLeast(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function firstAbove(sorted: Float64Array, v: number, from: number): number {
  // Most values are unique: check the next one before searching.
  if (from + 1 >= sorted.length || sorted[from + 1]! > v) return from + 1;
  let lo = from;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
