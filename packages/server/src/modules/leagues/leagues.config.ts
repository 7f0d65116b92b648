import {
  DEFAULT_LEAGUE_CONFIG,
  type LeagueConfig,
  type LeaguePointsFormula,
  normalizeTimeZone,
  type PeriodRule,
  validateLeagueConfig,
} from '@onair/core';
import { type Config, ConfigError } from '../../config.ts';

/** `monthly` | `weekly` | `days:14:2026-01-05` (the env format; the shape is checked by config.ts). */
function periodRule(raw: string): PeriodRule {
  if (raw === 'monthly' || raw === 'weekly') return { kind: raw };
  const [, days, anchor] = raw.split(':');
  return { kind: 'days', days: Number(days), anchor: anchor ?? '' };
}

/**
 * The league config from the environment, validated by core's rules as a whole (a zone the engine
 * does not know, promote + relegate over the group size): a bad one stops the boot naming each
 * variable, as any other bad setting does.
 */
export function leaguesConfig(config: Config): LeagueConfig {
  const points: LeaguePointsFormula = { ...DEFAULT_LEAGUE_CONFIG.points };
  for (const pair of config.LEAGUE_POINTS?.split(',') ?? []) {
    const [name, value] = pair.split('=') as [keyof LeaguePointsFormula, string];
    points[name] = Number(value);
  }
  const league: LeagueConfig = {
    zone: normalizeTimeZone(config.LEAGUE_TIME_ZONE) ?? config.LEAGUE_TIME_ZONE,
    period: periodRule(config.LEAGUE_PERIOD),
    groups: {
      groupSize: config.LEAGUE_GROUP_SIZE,
      promote: config.LEAGUE_PROMOTE,
      relegate: config.LEAGUE_RELEGATE,
      minPointsToPromote: config.LEAGUE_MIN_POINTS,
    },
    points,
  };
  const problems = validateLeagueConfig(league);
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `LEAGUE_*: ${p}`));
  return league;
}
