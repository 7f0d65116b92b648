import { localDayNumber } from '../time/zoned.ts';

/**
 * Fan club ("Heart Me" team) points and levels. Fans earn points by missions, each with a daily cap
 * in the creator's zone, so a level reflects showing up over many days rather than one binge or
 * one large gift.
 */

export const FAN_MISSIONS = ['watch5', 'watch15', 'watch30', 'comment', 'share', 'giftCoin'] as const;
export type FanMission = (typeof FAN_MISSIONS)[number];

export interface FanMissionRule {
  /** Points per unit (per event; per coin for `giftCoin`). */
  points: number;
  /** Most points the mission can give a fan in one local day. */
  dailyCap: number;
}

export interface FanClubRules {
  missions: Record<FanMission, FanMissionRule>;
  /** Points needed for level i + 1 at index i; the first is 0 (joining is level 1). */
  levelThresholds: number[];
}

/**
 * A fan who watches 30 minutes, comments and shares every day earns 50 points a day; gifts add at
 * most 200 more, so a wallet can speed a fan up about fivefold but cannot buy level 20 in a week.
 */
export const DEFAULT_FAN_CLUB_RULES: FanClubRules = {
  missions: {
    watch5: { points: 5, dailyCap: 5 },
    watch15: { points: 10, dailyCap: 10 },
    watch30: { points: 15, dailyCap: 15 },
    comment: { points: 1, dailyCap: 10 },
    share: { points: 5, dailyCap: 10 },
    giftCoin: { points: 1, dailyCap: 200 },
  },
  // Gaps widen with the level: level 10 takes two months of daily presence, level 20 about a year
  // and a half without gifts, or about four months at the daily gift cap.
  levelThresholds: [
    0, 50, 150, 300, 500, 800, 1_200, 1_700, 2_300, 3_000, 4_000, 5_200, 6_600, 8_200, 10_000, 12_500, 15_500,
    19_000, 23_000, 28_000,
  ],
};

export interface FanEvent {
  mission: FanMission;
  at: number;
  /** Units of the mission: coins for `giftCoin`, 1 otherwise. */
  quantity?: number;
}

/** Points an event earns given what the mission already gave the fan today: never past the cap. */
export function grantFanPoints(
  mission: FanMission,
  quantity: number,
  alreadyToday: number,
  rules: FanClubRules = DEFAULT_FAN_CLUB_RULES,
): number {
  const r = rules.missions[mission];
  const units = Number.isFinite(quantity) && quantity > 0 ? Math.floor(quantity) : 0;
  const room = Math.max(0, r.dailyCap - Math.max(0, alreadyToday));
  return Math.min(units * r.points, room);
}

export interface FanTally {
  total: number;
  /** Points each event earned, in the order given. */
  perEvent: number[];
  /** The last instant an event earned points (null when none did): activity is measured from it. */
  lastEarnedAt: number | null;
  /** Instants at which points were earned, ascending. */
  earnedAt: number[];
}

/** Adds up a fan's events (taken in time order, the order they were granted in) under the daily caps. */
export function tallyFanPoints(
  events: readonly FanEvent[],
  zone: string,
  rules: FanClubRules = DEFAULT_FAN_CLUB_RULES,
): FanTally {
  const order = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || a.i - b.i);
  const today = new Map<string, number>();
  const perEvent = new Array<number>(events.length).fill(0);
  const earnedAt: number[] = [];
  let total = 0;
  for (const { e, i } of order) {
    const key = `${localDayNumber(e.at, zone)}:${e.mission}`;
    const already = today.get(key) ?? 0;
    const points = grantFanPoints(e.mission, e.quantity ?? 1, already, rules);
    today.set(key, already + points);
    perEvent[i] = points;
    total += points;
    if (points > 0) earnedAt.push(e.at);
  }
  return { total, perEvent, earnedAt, lastEarnedAt: earnedAt.at(-1) ?? null };
}

export interface FanLevel {
  /** 1 … thresholds.length. */
  level: number;
  /** Points at which the next level starts; null at the top. */
  nextAt: number | null;
  /** Share of the way from this level to the next, 0..1 (1 at the top). */
  progress: number;
}

export function fanLevel(points: number, rules: FanClubRules = DEFAULT_FAN_CLUB_RULES): FanLevel {
  const t = rules.levelThresholds;
  const p = Math.max(0, points);
  let level = 1;
  while (level < t.length && p >= t[level]!) level++;
  const from = t[level - 1] ?? 0;
  const next = t[level];
  if (next === undefined) return { level, nextAt: null, progress: 1 };
  return { level, nextAt: next, progress: (p - from) / (next - from) };
}

/** Problems with fan club rules, worded for the operator; [] when usable. */
export function validateFanClubRules(r: FanClubRules): string[] {
  const problems: string[] = [];
  for (const m of FAN_MISSIONS) {
    const rule = r.missions?.[m];
    if (!rule) {
      problems.push(`missions.${m} is missing`);
      continue;
    }
    for (const k of ['points', 'dailyCap'] as const)
      if (!Number.isInteger(rule[k]) || rule[k] < 0)
        problems.push(`missions.${m}.${k} must be a whole number >= 0 (got ${String(rule[k])})`);
  }
  const t = r.levelThresholds ?? [];
  if (t.length < 1 || t[0] !== 0) problems.push('levelThresholds must start at 0: joining is level 1');
  t.forEach((v, i) => {
    if (!Number.isInteger(v))
      problems.push(`levelThresholds[${i}] must be a whole number (got ${String(v)})`);
    else if (i > 0 && !(v > t[i - 1]!))
      problems.push(`levelThresholds[${i}] must be above levelThresholds[${i - 1}]`);
  });
  return problems;
}
