import { setTimeout as delay } from 'node:timers/promises';

export interface EventuallyOptions {
  /** How long the fact may take before the test fails (default 10 s: CI runs browsers beside the suite). */
  timeoutMs?: number;
  /** Pause between probes; the probe is what the test waits on, never this interval. */
  everyMs?: number;
}

/**
 * Waits for a fact: calls `probe` until it returns a value that is not `undefined`, `null` or
 * `false`, and returns it. A probe that throws is retried (an assertion inside it is the usual way
 * to say "not yet"); when time runs out the last error is thrown with `what` in its message, so a
 * failure says what never became true instead of "timed out".
 */
export async function eventually<T>(
  what: string,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  { timeoutMs = 10_000, everyMs = 25 }: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`, { cause: lastError });
    }
    await delay(everyMs);
  }
}
