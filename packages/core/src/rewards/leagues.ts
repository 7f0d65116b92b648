/**
 * The league ladder: 18 tiers a creator climbs by earning in a period. D, C and B have five
 * divisions each and A only three, so the top of the ladder stays small and worth reaching.
 */

export const LEAGUE_TIERS = [
  'D5',
  'D4',
  'D3',
  'D2',
  'D1',
  'C5',
  'C4',
  'C3',
  'C2',
  'C1',
  'B5',
  'B4',
  'B3',
  'B2',
  'B1',
  'A3',
  'A2',
  'A1',
] as const;
export type LeagueTier = (typeof LEAGUE_TIERS)[number];

/** Where every new creator starts, and the floor nobody is relegated from. */
export const ENTRY_TIER: LeagueTier = 'D5';
/** The top, which nobody is promoted from. */
export const TOP_TIER: LeagueTier = 'A1';

const RANK = new Map<string, number>(LEAGUE_TIERS.map((t, i) => [t, i]));

export const isLeagueTier = (s: string): s is LeagueTier => RANK.has(s);

/** 0 for D5 … 17 for A1, so tiers compare as numbers. */
export function tierRank(tier: LeagueTier): number {
  const r = RANK.get(tier);
  if (r === undefined) throw new RangeError(`unknown league tier ${String(tier)}`);
  return r;
}

/** Negative when `a` is below `b`, positive when above, 0 when the same tier. */
export const compareTiers = (a: LeagueTier, b: LeagueTier): number => tierRank(a) - tierRank(b);

/** The league letter a badge shows (A is the highest). */
export const leagueOf = (tier: LeagueTier): 'A' | 'B' | 'C' | 'D' => tier[0] as 'A' | 'B' | 'C' | 'D';

/**
 * The tier `steps` above (positive) or below (negative) `tier`, stopping at D5 and A1: a promotion
 * from the top or a relegation from the entry tier leaves the creator where they are.
 */
export function stepTier(tier: LeagueTier, steps: number): LeagueTier {
  if (!Number.isInteger(steps)) throw new RangeError(`tier steps must be an integer (got ${steps})`);
  const to = Math.min(Math.max(tierRank(tier) + steps, 0), LEAGUE_TIERS.length - 1);
  return LEAGUE_TIERS[to]!;
}

export const promoteTier = (tier: LeagueTier): LeagueTier => stepTier(tier, 1);
export const relegateTier = (tier: LeagueTier): LeagueTier => stepTier(tier, -1);

/** What a period's activity is worth in league points; whole numbers so rankings never hinge on float noise. */
export interface LeaguePointsFormula {
  perDiamond: number;
  perNewFollower: number;
  perLiveMinute: number;
}

export interface LeagueActivity {
  /** Diamonds earned in the period. */
  diamonds: number;
  newFollowers: number;
  liveMinutes: number;
}

/** TikTok's leagues count diamonds only; the other terms let an operator reward effort too. */
export const DEFAULT_LEAGUE_POINTS: LeaguePointsFormula = {
  perDiamond: 1,
  perNewFollower: 0,
  perLiveMinute: 0,
};

const count = (n: number) => (Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);

export function leaguePoints(a: LeagueActivity, f: LeaguePointsFormula = DEFAULT_LEAGUE_POINTS): number {
  return (
    count(a.diamonds) * f.perDiamond +
    count(a.newFollowers) * f.perNewFollower +
    count(a.liveMinutes) * f.perLiveMinute
  );
}

/**
 * Whether the weekly "league" mission is met: the creator reached a tier above their best before,
 * or held on to their best. Everybody starts at D5, so sitting there is not an achievement and
 * earns nothing.
 */
export function leagueMissionMet(current: LeagueTier, bestBefore: LeagueTier): 'new-high' | 'kept' | null {
  const d = compareTiers(current, bestBefore);
  if (d > 0) return 'new-high';
  if (d === 0 && current !== ENTRY_TIER) return 'kept';
  return null;
}
