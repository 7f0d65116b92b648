import { normalizeTimeZone } from '../time/zoned.ts';
import {
  DEFAULT_LEAGUE_GROUP_RULES,
  type LeagueGroupRules,
  validateLeagueGroupRules,
} from './league-groups.ts';
import { DEFAULT_LEAGUE_POINTS, type LeaguePointsFormula } from './leagues.ts';
import { type PeriodRule, validatePeriodRule } from './periods.ts';

/** Everything an operator can set about leagues, in one object the server loads and validates at boot. */
export interface LeagueConfig {
  /** The IANA zone whose midnights bound the periods. */
  zone: string;
  period: PeriodRule;
  groups: LeagueGroupRules;
  points: LeaguePointsFormula;
}

export const DEFAULT_LEAGUE_CONFIG: LeagueConfig = {
  zone: 'UTC',
  period: { kind: 'monthly' },
  groups: DEFAULT_LEAGUE_GROUP_RULES,
  points: DEFAULT_LEAGUE_POINTS,
};

/** Every problem with a league config, worded for the operator; [] when usable. */
export function validateLeagueConfig(c: LeagueConfig): string[] {
  const problems: string[] = [];
  if (typeof c.zone !== 'string' || normalizeTimeZone(c.zone) === null)
    problems.push(`zone must be an IANA time zone such as Europe/London (got ${String(c.zone)})`);
  if (c.period?.kind === 'daily')
    problems.push('a league period must be at least a week: daily is too short to climb');
  else problems.push(...validatePeriodRule(c.period));
  problems.push(...validateLeagueGroupRules(c.groups));
  for (const k of ['perDiamond', 'perNewFollower', 'perLiveMinute'] as const) {
    const v = c.points?.[k];
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= 0))
      problems.push(`points.${k} must be a whole number >= 0 (got ${String(v)})`);
  }
  if (problems.length === 0 && c.points.perDiamond + c.points.perNewFollower + c.points.perLiveMinute === 0)
    problems.push('points must not all be 0: nobody could be ranked');
  return problems;
}
