/**
 * Engagement credit. The server mirrors these formulas in SQL over the window's events, so each one
 * is a closed form written out exactly, and a change here must be made there too. Counts below 0
 * (which the events cannot produce) are read as 0.
 */
import type { RankingConfig } from './config.ts';

const count = (n: number) => (Number.isNaN(n) ? 0 : Math.max(n, 0));

/** min(hearts, heartCapPerViewer) * heartPoints — one viewer's hearts in the window. */
export function heartCredit(hearts: number, c: RankingConfig): number {
  return Math.min(count(hearts), c.heartCapPerViewer) * c.heartPoints;
}

/**
 * giftPointsPerLog * ln(1 + min(coins, giftCoinCapPerSender)) — one sender's coins in the window.
 * The cap stops one whale from buying the feed; the log makes the tenth coin worth more than the
 * thousandth, so many small gifts outweigh one large one.
 */
export function giftCredit(coins: number, c: RankingConfig): number {
  return c.giftPointsPerLog * Math.log1p(Math.min(count(coins), c.giftCoinCapPerSender));
}

/** One viewer's activity inside the window; watchMs is time watched inside the window. */
export interface ViewerActivity {
  watchMs: number;
  comments: number;
  shares: number;
  hearts: number;
  giftCoins: number;
}

const qualifies = (v: ViewerActivity, c: RankingConfig) => v.watchMs >= c.minWatchMs && v.watchMs > 0;

/**
 * 0 when watchMs < minWatchMs (or watchMs is 0); else
 * comments * commentPoints + shares * sharePoints + heartCredit(hearts) + giftCredit(giftCoins).
 */
export function viewerEngagement(v: ViewerActivity, c: RankingConfig): number {
  if (!qualifies(v, c)) return 0;
  return (
    count(v.comments) * c.commentPoints +
    count(v.shares) * c.sharePoints +
    heartCredit(v.hearts, c) +
    giftCredit(v.giftCoins, c)
  );
}

/**
 * sum(viewerEngagement) / sum over qualifying viewers of min(watchMs, windowMs) / 60,000; 0 when no
 * viewer qualifies. Per viewer-minute, so a big room does not win on size alone and a room is not
 * punished for viewers who only just arrived.
 */
export function engagementRate(viewers: readonly ViewerActivity[], c: RankingConfig): number {
  let credit = 0;
  let minutes = 0;
  for (const v of viewers) {
    if (!qualifies(v, c)) continue;
    credit += viewerEngagement(v, c);
    minutes += Math.min(v.watchMs, c.windowMs) / 60_000;
  }
  return minutes > 0 ? credit / minutes : 0;
}

/** How many of the last 28 days count as fully consistent. */
const FULL_LIVE_DAYS = 20;

/**
 * In [0, 1]: 0.7 * min(liveDays28 / 20, 1) + 0.3 * min(eventsKept / eventsScheduled, 1), where the
 * second part is the LIVE-days part again when nothing was scheduled (not scheduling is no fault).
 * Monotone in liveDays28 and in eventsKept.
 */
export function consistencyScore(x: {
  liveDays28: number;
  eventsScheduled: number;
  eventsKept: number;
}): number {
  const days = Math.min(count(x.liveDays28) / FULL_LIVE_DAYS, 1);
  const scheduled = count(x.eventsScheduled);
  const kept = scheduled > 0 ? Math.min(count(x.eventsKept) / scheduled, 1) : days;
  return 0.7 * days + 0.3 * kept;
}
