/**
 * The LIVE Rewards percentage table: what each mission adds to a creator's bonus, as a percentage of
 * the diamonds it is paid on. One object so an operator can load it from config, the Studio can show
 * it, and `validateRewardTable` can prove it never pays more than the cap.
 */

/** A step of a ladder: reaching `min` (inclusive) earns `percent`; the highest step reached applies. */
export interface PercentStep {
  min: number;
  percent: number;
}

export interface RewardTable {
  perLive: {
    /** By the LIVE's length in whole minutes. */
    duration: PercentStep[];
    /** By new followers gained during the LIVE. */
    newFollowers: PercentStep[];
  };
  weekly: {
    /** A local day counts as a LIVE day when a LIVE of at least this many minutes started on it. */
    validLiveMinutes: number;
    /** By LIVE days in the week. */
    liveDays: PercentStep[];
    /** At least one LIVE this long in the week earns `longLivePercent`. */
    longLiveMinutes: number;
    longLivePercent: number;
    /** By fan-club members active at the week's end. */
    activeFans: PercentStep[];
    /** Reaching a new highest league, or keeping it. */
    leaguePercent: number;
  };
  /** Per-LIVE plus weekly can never pay more than this percentage of a diamond. */
  capPercent: number;
}

/**
 * Modelled on TikTok's public US LIVE Rewards: per-LIVE up to 40 % (38 % for 25 minutes or more, +2 %
 * for 5 new followers), weekly up to 13 % (5 + 2 + 4 + 2), 53 % in all.
 */
export const DEFAULT_REWARD_TABLE: RewardTable = {
  perLive: {
    duration: [
      { min: 0, percent: 20 },
      { min: 5, percent: 26 },
      { min: 10, percent: 30 },
      { min: 15, percent: 34 },
      { min: 25, percent: 38 },
    ],
    newFollowers: [{ min: 5, percent: 2 }],
  },
  weekly: {
    validLiveMinutes: 10,
    liveDays: [
      { min: 3, percent: 3 },
      { min: 5, percent: 5 },
    ],
    longLiveMinutes: 25,
    longLivePercent: 2,
    activeFans: [
      { min: 10, percent: 2 },
      { min: 50, percent: 4 },
    ],
    leaguePercent: 2,
  },
  capPercent: 53,
};

/** Percentages are held to hundredths so they convert exactly to basis points (1 % = 100 bps). */
export const percentToBps = (percent: number): number => Math.round(percent * 100);

/** The percent of the highest step `value` reaches, 0 below the first. Steps must be sorted. */
export function stepPercent(steps: readonly PercentStep[], value: number): number {
  let percent = 0;
  for (const s of steps) if (value >= s.min) percent = s.percent;
  return percent;
}

const maxOf = (steps: readonly PercentStep[]) => steps.reduce((m, s) => Math.max(m, s.percent), 0);

/** The most a single LIVE's missions can earn, in basis points. */
export const maxPerLiveBps = (t: RewardTable): number =>
  percentToBps(maxOf(t.perLive.duration)) + percentToBps(maxOf(t.perLive.newFollowers));

/** The most a week's missions can earn, in basis points. */
export const maxWeeklyBps = (t: RewardTable): number =>
  percentToBps(maxOf(t.weekly.liveDays)) +
  percentToBps(t.weekly.longLivePercent) +
  percentToBps(maxOf(t.weekly.activeFans)) +
  percentToBps(t.weekly.leaguePercent);

const isPercent = (p: unknown): p is number =>
  typeof p === 'number' &&
  Number.isFinite(p) &&
  p >= 0 &&
  p <= 100 &&
  Math.abs(p * 100 - Math.round(p * 100)) < 1e-9;

const fmt = (bps: number) => `${bps / 100}%`;

/**
 * Every problem with a table, worded for the operator who edited it; [] when it can be used. A
 * table is refused when any percentage is negative, over 100 or finer than hundredths, when a
 * ladder is not sorted by strictly rising thresholds or pays less for more, or when its best case
 * (every mission at its top step) pays more than the cap.
 */
export function validateRewardTable(t: RewardTable): string[] {
  const problems: string[] = [];
  const percent = (path: string, p: unknown) => {
    if (!isPercent(p))
      problems.push(`${path} must be a percentage from 0 to 100 in hundredths at most (got ${String(p)})`);
  };
  const count = (path: string, v: unknown) => {
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= 0))
      problems.push(`${path} must be a whole number >= 0 (got ${String(v)})`);
  };
  const ladder = (path: string, steps: unknown) => {
    if (!Array.isArray(steps)) {
      problems.push(`${path} must be a list of { min, percent } steps`);
      return;
    }
    steps.forEach((s: PercentStep, i) => {
      count(`${path}[${i}].min`, s?.min);
      percent(`${path}[${i}].percent`, s?.percent);
      const prev = steps[i - 1] as PercentStep | undefined;
      if (prev && !(s.min > prev.min))
        problems.push(`${path}[${i}].min must be above ${path}[${i - 1}].min: steps must be sorted, rising`);
      if (prev && s.percent < prev.percent)
        problems.push(
          `${path}[${i}].percent must not be below ${path}[${i - 1}].percent: more must never pay less`,
        );
    });
  };
  ladder('perLive.duration', t.perLive?.duration);
  ladder('perLive.newFollowers', t.perLive?.newFollowers);
  count('weekly.validLiveMinutes', t.weekly?.validLiveMinutes);
  ladder('weekly.liveDays', t.weekly?.liveDays);
  count('weekly.longLiveMinutes', t.weekly?.longLiveMinutes);
  percent('weekly.longLivePercent', t.weekly?.longLivePercent);
  ladder('weekly.activeFans', t.weekly?.activeFans);
  percent('weekly.leaguePercent', t.weekly?.leaguePercent);
  percent('capPercent', t.capPercent);
  if (problems.length > 0) return problems;
  const perLive = maxPerLiveBps(t);
  const weekly = maxWeeklyBps(t);
  const cap = percentToBps(t.capPercent);
  if (perLive + weekly > cap)
    problems.push(
      `the table can pay up to ${fmt(perLive + weekly)} (per-LIVE ${fmt(perLive)} + weekly ${fmt(weekly)}), over the ${fmt(cap)} cap`,
    );
  return problems;
}
