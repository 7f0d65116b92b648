import { localDayNumber } from '../time/zoned.ts';
import { type LeagueTier, leagueMissionMet } from './leagues.ts';
import { percentToBps, type RewardTable, stepPercent } from './reward-table.ts';

/**
 * LIVE Rewards missions: which percentages a LIVE and a week earn, item by item, so every payout
 * can say where each percent came from.
 */

export type RewardMission = 'duration' | 'newFollowers' | 'liveDays' | 'longLive' | 'activeFans' | 'league';

export interface BonusItem {
  mission: RewardMission;
  /** Basis points this mission adds (100 = 1 %). */
  bps: number;
  /** What earned it, for the explanation: "31 min LIVE", "7 new followers". */
  label: string;
}

export interface BonusRate {
  /** Basis points in all, after the cap. */
  bps: number;
  /** The missions that earned anything, in table order. */
  items: BonusItem[];
  /** True when the items added up past the cap and `bps` was cut to it. */
  capped: boolean;
}

const MINUTE_MS = 60_000;
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const whole = (n: number) => (Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);

function rate(table: RewardTable, candidates: BonusItem[]): BonusRate {
  const items = candidates.filter((i) => i.bps > 0);
  const sum = items.reduce((s, i) => s + i.bps, 0);
  // A validated table never reaches the cap; the cut is for one that skipped validation.
  const cap = Math.max(0, percentToBps(table.capPercent));
  return { bps: Math.min(sum, cap), items, capped: sum > cap };
}

export interface LiveResult {
  durationMs: number;
  /** Viewers who followed the creator during this LIVE. */
  newFollowers: number;
}

/** The per-LIVE bonus rate: a duration step plus a new-followers step. */
export function perLiveBonusRate(live: LiveResult, table: RewardTable): BonusRate {
  const minutes = Math.floor(whole(live.durationMs) / MINUTE_MS);
  const followers = whole(live.newFollowers);
  return rate(table, [
    {
      mission: 'duration',
      bps: percentToBps(stepPercent(table.perLive.duration, minutes)),
      label: `${minutes} min LIVE`,
    },
    {
      mission: 'newFollowers',
      bps: percentToBps(stepPercent(table.perLive.newFollowers, followers)),
      label: plural(followers, 'new follower', 'new followers'),
    },
  ]);
}

export interface WeekResult {
  /** Local days of the week on which a LIVE of at least `validLiveMinutes` started. */
  liveDays: number;
  /** The longest LIVE started in the week (ms). */
  longestLiveMs: number;
  /** Fan-club members active at the week's end. */
  activeFans: number;
  /** The creator's tier at the week's end, and the best they had held before the week. */
  league: { current: LeagueTier; bestBefore: LeagueTier } | null;
}

/** The weekly bonus rate: LIVE days, one long LIVE, active fans and league progress. */
export function weeklyBonusRate(week: WeekResult, table: RewardTable): BonusRate {
  const days = whole(week.liveDays);
  const longest = Math.floor(whole(week.longestLiveMs) / MINUTE_MS);
  const fans = whole(week.activeFans);
  const league = week.league ? leagueMissionMet(week.league.current, week.league.bestBefore) : null;
  const tier = week.league?.current ?? '';
  return rate(table, [
    {
      mission: 'liveDays',
      bps: percentToBps(stepPercent(table.weekly.liveDays, days)),
      label: plural(days, 'LIVE day', 'LIVE days'),
    },
    {
      mission: 'longLive',
      bps: longest >= table.weekly.longLiveMinutes ? percentToBps(table.weekly.longLivePercent) : 0,
      label: `a ${longest} min LIVE`,
    },
    {
      mission: 'activeFans',
      bps: percentToBps(stepPercent(table.weekly.activeFans, fans)),
      label: plural(fans, 'active fan club member', 'active fan club members'),
    },
    {
      mission: 'league',
      bps: league ? percentToBps(table.weekly.leaguePercent) : 0,
      label:
        league === 'new-high'
          ? `reaching a new highest league (${tier})`
          : `keeping your highest league (${tier})`,
    },
  ]);
}

export interface LiveSpan {
  startedAt: number;
  endedAt: number;
}

/**
 * LIVE days and the longest LIVE of a week, from the LIVEs that started in [week.start, week.end).
 * A LIVE belongs to the local day (in `zone`) it started on, even when it runs past midnight.
 */
export function weekLiveProgress(
  lives: readonly LiveSpan[],
  week: { start: number; end: number },
  zone: string,
  table: RewardTable,
): Pick<WeekResult, 'liveDays' | 'longestLiveMs'> {
  const days = new Set<number>();
  let longestLiveMs = 0;
  for (const l of lives) {
    if (l.startedAt < week.start || l.startedAt >= week.end) continue;
    const ms = Math.max(0, l.endedAt - l.startedAt);
    longestLiveMs = Math.max(longestLiveMs, ms);
    if (ms >= table.weekly.validLiveMinutes * MINUTE_MS) days.add(localDayNumber(l.startedAt, zone));
  }
  return { liveDays: days.size, longestLiveMs };
}
