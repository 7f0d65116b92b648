import { type Period, periodAt } from './periods.ts';

/**
 * Top gifters of a room over a day, a week (Monday first) or all time, with the day and week
 * read in a zone. Ties go to whoever reached the total first, then to the sender id, so a board
 * never reorders between two reads of the same gifts.
 */

export type LeaderboardWindow = 'daily' | 'weekly' | 'allTime';

export interface GiftEntry {
  senderId: string;
  coins: number;
  at: number;
}

export interface GifterRow {
  rank: number;
  senderId: string;
  coins: number;
  /** When the sender's last gift in the window arrived, i.e. when they reached `coins`. */
  reachedAt: number;
}

/** The window holding `now`; null bounds for all time. */
export function leaderboardWindow(window: LeaderboardWindow, now: number, zone: string): Period | null {
  if (window === 'allTime') return null;
  return periodAt(now, { kind: window }, zone);
}

export function topGifters(
  entries: readonly GiftEntry[],
  options: { window: LeaderboardWindow; now: number; zone: string; limit: number },
): GifterRow[] {
  const bounds = leaderboardWindow(options.window, options.now, options.zone);
  const totals = new Map<string, { coins: number; reachedAt: number }>();
  for (const e of entries) {
    if (bounds && (e.at < bounds.start || e.at >= bounds.end)) continue;
    if (!Number.isFinite(e.coins) || e.coins <= 0) continue;
    const t = totals.get(e.senderId) ?? { coins: 0, reachedAt: e.at };
    t.coins += e.coins;
    t.reachedAt = Math.max(t.reachedAt, e.at);
    totals.set(e.senderId, t);
  }
  const limit = Math.max(0, Math.floor(options.limit));
  return [...totals]
    .map(([senderId, t]) => ({ senderId, ...t }))
    .sort(
      (a, b) =>
        b.coins - a.coins ||
        a.reachedAt - b.reachedAt ||
        (a.senderId < b.senderId ? -1 : a.senderId > b.senderId ? 1 : 0),
    )
    .slice(0, limit)
    .map((r, i) => ({ rank: i + 1, ...r }));
}
