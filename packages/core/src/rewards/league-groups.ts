import { seededOrder } from '../discovery/exploration.ts';
import { ENTRY_TIER, type LeagueTier, stepTier, TOP_TIER } from './leagues.ts';

/**
 * League groups: the creators of one tier are split into groups of about `groupSize` that compete
 * for the period, ranked by points, and at the end the top of each group moves up and the bottom
 * down. Everything here is a pure function of its input, so every node and every rerun of a
 * settlement job reaches the same groups, ranks and moves.
 */

export interface LeagueGroupRules {
  /** The most creators a group holds (30, as on TikTok). */
  groupSize: number;
  /** How many of a group's top are promoted at the period's end. */
  promote: number;
  /** How many of a group's bottom are relegated. */
  relegate: number;
  /** A creator below this many points is never promoted, however quiet the group was. */
  minPointsToPromote: number;
}

/** A sixth of a full group moves each way: enough movement to matter, few enough to be earned. */
export const DEFAULT_LEAGUE_GROUP_RULES: LeagueGroupRules = {
  groupSize: 30,
  promote: 5,
  relegate: 5,
  minPointsToPromote: 1,
};

/**
 * Splits a tier's creators into ceil(n / groupSize) groups whose sizes differ by at most one (65
 * creators make 22 + 22 + 21, not 30 + 30 + 5). Members are dealt in the order of a hash of
 * creator id and period key: the same set gives the same groups whatever order it arrives in, and
 * a new period reshuffles who meets whom. Duplicate ids are counted once.
 */
export function groupCreators(
  creatorIds: readonly string[],
  periodKey: string,
  groupSize: number,
): string[][] {
  if (!Number.isInteger(groupSize) || groupSize < 1) throw new RangeError(`bad group size ${groupSize}`);
  const unique = [...new Set(creatorIds)];
  const order = seededOrder(unique, (id) => id, periodKey);
  const groups = Math.ceil(order.length / groupSize);
  const out: string[][] = [];
  let next = 0;
  for (let g = 0; g < groups; g++) {
    const size = Math.floor(order.length / groups) + (g < order.length % groups ? 1 : 0);
    out.push(order.slice(next, next + size));
    next += size;
  }
  return out;
}

/**
 * The group a creator who arrives mid-period (a new creator at D5) joins: the smallest group with
 * room, the one first in hash order among equals; `groupSizes.length` when all are full, meaning
 * "open a new group". Earlier groups are never reshuffled, so nobody changes group mid-period.
 */
export function groupForLateJoiner(
  groupSizes: readonly number[],
  creatorId: string,
  periodKey: string,
  groupSize: number,
): number {
  const open = groupSizes.map((size, index) => ({ size, index })).filter((g) => g.size < groupSize);
  if (open.length === 0) return groupSizes.length;
  const smallest = Math.min(...open.map((g) => g.size));
  const candidates = open.filter((g) => g.size === smallest);
  return seededOrder(candidates, (g) => String(g.index), `${periodKey}\u0000${creatorId}`)[0]!.index;
}

export interface Standing {
  creatorId: string;
  points: number;
  /** When the creator reached their current points (ms): of two equal totals, the first there wins. */
  reachedAt: number;
}

export interface RankedStanding extends Standing {
  /** 1 for the top; no two creators share a rank. */
  rank: number;
}

/** Points, highest first; then who got there first; then creator id, so there is never a tie. */
export function compareStandings(a: Standing, b: Standing): number {
  if (a.points !== b.points) return b.points - a.points;
  if (a.reachedAt !== b.reachedAt) return a.reachedAt - b.reachedAt;
  return a.creatorId < b.creatorId ? -1 : a.creatorId > b.creatorId ? 1 : 0;
}

export function rankGroup(standings: readonly Standing[]): RankedStanding[] {
  return [...standings].sort(compareStandings).map((s, i) => ({ ...s, rank: i + 1 }));
}

export interface Movement extends RankedStanding {
  from: LeagueTier;
  to: LeagueTier;
  move: 'up' | 'stay' | 'down';
}

/**
 * The end of a period for one group in `tier`. The top `promote` go up (none from A1, and only with
 * at least `minPointsToPromote`), the bottom `relegate` go down (none from D5). In a group too small
 * for both, promotion is counted first, so nobody is moved both ways. Every member comes out once.
 */
export function settleGroup(
  tier: LeagueTier,
  standings: readonly Standing[],
  rules: LeagueGroupRules = DEFAULT_LEAGUE_GROUP_RULES,
): Movement[] {
  const ranked = rankGroup(standings);
  if (new Set(ranked.map((s) => s.creatorId)).size !== ranked.length)
    throw new RangeError('a creator appears twice in one league group');
  const n = ranked.length;
  const up = tier === TOP_TIER ? 0 : Math.min(Math.max(rules.promote, 0), n);
  const down = tier === ENTRY_TIER ? 0 : Math.min(Math.max(rules.relegate, 0), n - up);
  return ranked.map((s, i) => {
    const move =
      i < up && s.points >= rules.minPointsToPromote ? 'up' : i >= n - down ? 'down' : ('stay' as const);
    return { ...s, from: tier, to: stepTier(tier, move === 'up' ? 1 : move === 'down' ? -1 : 0), move };
  });
}

/** Settles every group of a period; refuses a creator found in two groups, which would pay or move them twice. */
export function settleLeague(
  groups: readonly { tier: LeagueTier; standings: readonly Standing[] }[],
  rules: LeagueGroupRules = DEFAULT_LEAGUE_GROUP_RULES,
): Movement[] {
  const seen = new Set<string>();
  const out: Movement[] = [];
  for (const g of groups) {
    for (const m of settleGroup(g.tier, g.standings, rules)) {
      if (seen.has(m.creatorId)) throw new RangeError(`creator ${m.creatorId} is in two league groups`);
      seen.add(m.creatorId);
      out.push(m);
    }
  }
  return out;
}

/** Problems with group rules, worded for the operator; [] when usable. */
export function validateLeagueGroupRules(r: LeagueGroupRules): string[] {
  const problems: string[] = [];
  const whole = (name: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min)
      problems.push(`${name} must be a whole number >= ${min} (got ${String(v)})`);
  };
  whole('groupSize', r.groupSize, 2);
  whole('promote', r.promote, 0);
  whole('relegate', r.relegate, 0);
  whole('minPointsToPromote', r.minPointsToPromote, 0);
  if (problems.length === 0 && r.promote + r.relegate > r.groupSize)
    problems.push(
      `promote + relegate (${r.promote + r.relegate}) must not exceed groupSize (${r.groupSize})`,
    );
  return problems;
}
