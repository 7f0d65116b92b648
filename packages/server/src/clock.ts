/** Milliseconds since the epoch, as the server's time-driven rules read them. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock a test can move forward; see `createTestClock`. */
export interface TestClock extends Clock {
  /** Moves the clock `ms` forward (never back) and returns the new time. */
  advance(ms: number): number;
}

/**
 * The system clock plus an offset that only grows, for tests of behaviour that takes minutes (a LIVE
 * session whose figures span several minutes) without waiting for them. A server gets one only with
 * `TEST_CLOCK=on`, which also opens `POST /api/v1/test/clock` to move it. Time still runs while the
 * offset is kept, so timers and real waits behave as usual. What reads it: the live domain's
 * session start and end times, the studio's event stamps and windows, the ranking, and the durable
 * jobs, which fall due on it. Times the database stamps itself (a gift's commit time) stay real, so
 * they land where they really happened, earlier.
 */
export function createTestClock(): TestClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance(ms: number) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the test clock only moves forward');
      offset += ms;
      return Date.now() + offset;
    },
  };
}
