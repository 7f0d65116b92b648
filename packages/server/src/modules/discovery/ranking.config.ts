import { DEFAULT_RANKING, type RankingConfig, type RankingWeights, validateRankingConfig } from '@onair/core';
import type { Config } from '../../config.ts';

export interface DiscoveryConfig {
  ranking: RankingConfig;
  /** How often the worker recomputes the ranking. */
  intervalMs: number;
}

/** The ranking's config from the environment: defaults from `@onair/core`, weights and knobs overridden. */
export function discoveryConfig(config: Config): DiscoveryConfig {
  const weights: RankingWeights = { ...DEFAULT_RANKING.weights };
  for (const pair of config.RANKING_WEIGHTS?.split(',') ?? []) {
    const [name, value] = pair.split('=') as [keyof RankingWeights, string];
    weights[name] = Number(value);
  }
  const ranking: RankingConfig = {
    ...DEFAULT_RANKING,
    weights,
    windowMs: config.RANKING_WINDOW_MIN * 60_000,
    explorationShare: config.RANKING_EXPLORATION_SHARE,
    explorationMaxFollowers: config.RANKING_NEWCOMER_FOLLOWERS,
  };
  const problems = validateRankingConfig(ranking);
  if (problems.length > 0) throw new Error(`ranking config: ${problems.join('; ')}`);
  return { ranking, intervalMs: config.RANKING_INTERVAL_MS };
}
