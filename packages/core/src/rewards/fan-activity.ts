/**
 * Active fan-club membership. After each of the creator's LIVEs a member has a window (7 days by
 * default) to earn points; a member who lets a window close without earning lapses when it closes,
 * and is active again from the next point they earn. A creator who stops going LIVE opens no
 * windows, so their fans do not lapse for the creator's absence.
 *
 * Windows are half-open, [LIVE start, LIVE start + window): a point earned 1 ms before the window
 * closes keeps the member; at the closing instant the member has lapsed.
 */

export const FAN_ACTIVE_WINDOW_MS = 7 * 86_400_000;

export type FanActivity =
  | {
      status: 'active';
      /** Since when without a break (joining, or the point that ended the last lapse). */
      since: number;
      /** When the member lapses unless they earn first; null when no open window is unmet. */
      lapsesAt: number | null;
    }
  | { status: 'lapsed'; since: number };

/** First index in sorted `xs` whose value is >= x. */
function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A member's state at `now`, from when they joined (joining earns points, so it counts as earning),
 * the creator's LIVE start times and the instants the member earned points. Instants after `now`
 * are ignored; inputs need not be sorted.
 */
export function fanActivity(
  joinedAt: number,
  liveStarts: readonly number[],
  earnedAt: readonly number[],
  now: number,
  windowMs: number = FAN_ACTIVE_WINDOW_MS,
): FanActivity {
  const lives = liveStarts.filter((t) => t <= now).sort((a, b) => a - b);
  const earned = [joinedAt, ...earnedAt].filter((t) => t >= joinedAt && t <= now).sort((a, b) => a - b);
  const earnedIn = (from: number, to: number) => {
    const i = lowerBound(earned, from);
    return i < earned.length && earned[i]! < to;
  };
  let since = joinedAt;
  for (;;) {
    // LIVEs before `since` are met by the earning at `since` itself, or closed before it.
    let missed: number | null = null;
    let pending: number | null = null;
    for (let i = lowerBound(lives, since); i < lives.length; i++) {
      const live = lives[i]!;
      if (earnedIn(live, live + windowMs)) continue;
      if (live + windowMs <= now) missed = live + windowMs;
      else pending = live + windowMs;
      break;
    }
    if (missed === null) return { status: 'active', since, lapsesAt: pending };
    const back = lowerBound(earned, missed);
    if (back >= earned.length) return { status: 'lapsed', since: missed };
    since = earned[back]!;
  }
}
