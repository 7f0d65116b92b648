/**
 * Token bucket per key: `burst` actions at once, refilled at `perSecond`. In memory, so on several
 * nodes a user could post up to once per bucket per node; chat limits are about flood control, not
 * accounting.
 */
export function createRateLimiter(burst: number, perSecond: number, now: () => number = Date.now) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    /** Takes a token; returns 0 when allowed, else the milliseconds until one is available. */
    take(key: string): number {
      const t = now();
      const b = buckets.get(key) ?? { tokens: burst, at: t };
      b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * perSecond);
      b.at = t;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        buckets.set(key, b);
        if (buckets.size > 100_000) buckets.clear();
        return 0;
      }
      buckets.set(key, b);
      return Math.ceil(((1 - b.tokens) / perSecond) * 1000);
    },
  };
}
