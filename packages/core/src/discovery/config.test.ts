import { describe, expect, it } from 'vitest';
import { DEFAULT_RANKING, type RankingConfig, SIGNALS, validateRankingConfig, weightSum } from './config.ts';

const withChange = (change: (c: RankingConfig) => void): RankingConfig => {
  const c = structuredClone(DEFAULT_RANKING);
  change(c);
  return c;
};

describe('ranking config', () => {
  it('ships defaults that are valid and whose weights sum to 1', () => {
    expect(validateRankingConfig(DEFAULT_RANKING)).toEqual([]);
    expect(weightSum(DEFAULT_RANKING.weights)).toBeCloseTo(1, 12);
    expect(Object.keys(DEFAULT_RANKING.weights).sort()).toEqual([...SIGNALS].sort());
  });

  it('flags each kind of bad config, naming the field', () => {
    const cases: [string, (c: RankingConfig) => void][] = [
      ['weights.watchTime', (c) => (c.weights.watchTime = -0.1)],
      ['weights.retention', (c) => (c.weights.retention = Number.NaN)],
      [
        'weights must not all be 0',
        (c) => {
          for (const s of SIGNALS) c.weights[s] = 0;
        },
      ],
      ['windowMs', (c) => (c.windowMs = 0)],
      ['minWatchMs must not exceed windowMs', (c) => (c.minWatchMs = c.windowMs + 1)],
      ['heartCapPerViewer', (c) => (c.heartCapPerViewer = -1)],
      ['giftCoinCapPerSender', (c) => (c.giftCoinCapPerSender = Number.POSITIVE_INFINITY)],
      ['giftPointsPerLog', (c) => (c.giftPointsPerLog = -2)],
      ['freshnessMs', (c) => (c.freshnessMs = -1)],
      ['explorationShare', (c) => (c.explorationShare = 1.5)],
      ['explorationShare', (c) => (c.explorationShare = -0.1)],
      ['personal.followed', (c) => (c.personal.followed = -0.2)],
    ];
    for (const [field, change] of cases) {
      const problems = validateRankingConfig(withChange(change));
      expect(problems.length, field).toBeGreaterThan(0);
      expect(problems.join('\n')).toContain(field);
    }
  });

  it('accepts the edges: a single non-zero weight, no exploration, all exploration, no freshness', () => {
    const one = withChange((c) => {
      for (const s of SIGNALS) c.weights[s] = 0;
      c.weights.engagement = 3;
    });
    expect(validateRankingConfig(one)).toEqual([]);
    expect(validateRankingConfig(withChange((c) => (c.explorationShare = 0)))).toEqual([]);
    expect(validateRankingConfig(withChange((c) => (c.explorationShare = 1)))).toEqual([]);
    expect(validateRankingConfig(withChange((c) => (c.freshnessMs = 0)))).toEqual([]);
  });
});
