import { randomBytes } from 'node:crypto';
import { STREAK_WINDOW_MS, type Streak } from '@onair/core';

const STREAKS_MAX = 100_000;

/**
 * The combo streaks ("x17") of this process. Streaks are display state: per process, rebuilt by the
 * next sends after a restart.
 */
export function createStreakBook(now: () => number) {
  const streaks = new Map<string, Streak>();
  // Unique across processes by the random prefix, and cheap: a gift storm makes one per gift.
  const streakPrefix = randomBytes(6).toString('base64url');
  let streakSeq = 0;

  function prune(at: number) {
    if (streaks.size < STREAKS_MAX) return;
    for (const [k, s] of streaks) if (at - s.lastAt > STREAK_WINDOW_MS) streaks.delete(k);
    if (streaks.size >= STREAKS_MAX) streaks.clear();
  }

  return {
    get: (key: string): Streak | undefined => streaks.get(key),
    newId: (): string => `${streakPrefix}${(++streakSeq).toString(36)}`,
    /** Keeps the streaks of committed gifts (a refused gift's advance is dropped). */
    keep(kept: Map<string, Streak>): void {
      prune(now());
      for (const [k, s] of kept) streaks.set(k, s);
    },
  };
}

export type StreakBook = ReturnType<typeof createStreakBook>;
