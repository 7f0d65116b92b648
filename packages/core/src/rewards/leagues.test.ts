import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LEAGUE_CONFIG, validateLeagueConfig } from './league-config.ts';
import {
  compareTiers,
  ENTRY_TIER,
  LEAGUE_TIERS,
  leagueMissionMet,
  leaguePoints,
  promoteTier,
  relegateTier,
  stepTier,
  TOP_TIER,
  tierRank,
} from './leagues.ts';

const arbTier = fc.constantFrom(...LEAGUE_TIERS);

describe('the league ladder', () => {
  it('has 18 tiers from D5 to A1, A with only three', () => {
    expect(LEAGUE_TIERS).toHaveLength(18);
    expect(LEAGUE_TIERS[0]).toBe('D5');
    expect(LEAGUE_TIERS.slice(4, 6)).toEqual(['D1', 'C5']);
    expect(LEAGUE_TIERS.slice(-4)).toEqual(['B1', 'A3', 'A2', 'A1']);
    expect(LEAGUE_TIERS.filter((t) => t.startsWith('A'))).toHaveLength(3);
    expect(ENTRY_TIER).toBe('D5');
    expect(TOP_TIER).toBe('A1');
    expect(compareTiers('A3', 'B1')).toBeGreaterThan(0);
  });

  it('steps by one and stops at both ends', () => {
    expect(promoteTier('D1')).toBe('C5');
    expect(promoteTier('B1')).toBe('A3');
    expect(promoteTier('A1')).toBe('A1');
    expect(relegateTier('A3')).toBe('B1');
    expect(relegateTier('D5')).toBe('D5');
    expect(stepTier('C3', 100)).toBe('A1');
    expect(() => stepTier('C3', 0.5)).toThrow(RangeError);
  });

  it('never leaves D5..A1 whatever the steps, and moves exactly the steps inside the ladder', () => {
    fc.assert(
      fc.property(arbTier, fc.integer({ min: -40, max: 40 }), (tier, steps) => {
        const to = stepTier(tier, steps);
        expect(LEAGUE_TIERS).toContain(to);
        const want = tierRank(tier) + steps;
        expect(tierRank(to)).toBe(Math.min(Math.max(want, 0), 17));
      }),
    );
  });
});

describe('league points and the league mission', () => {
  it('counts diamonds by default and whole units of the other terms when configured', () => {
    expect(leaguePoints({ diamonds: 1_240, newFollowers: 7, liveMinutes: 31 })).toBe(1_240);
    expect(
      leaguePoints(
        { diamonds: 100.9, newFollowers: 7, liveMinutes: -5 },
        { perDiamond: 2, perNewFollower: 10, perLiveMinute: 1 },
      ),
    ).toBe(270);
  });

  it('is met by a new high or by keeping the best, never by sitting at the entry tier', () => {
    expect(leagueMissionMet('C5', 'D1')).toBe('new-high');
    expect(leagueMissionMet('C5', 'C5')).toBe('kept');
    expect(leagueMissionMet('C4', 'C5')).toBe('new-high');
    expect(leagueMissionMet('D1', 'C5')).toBeNull();
    expect(leagueMissionMet('D5', 'D5')).toBeNull();
    expect(leagueMissionMet('D4', 'D5')).toBe('new-high');
  });
});

describe('league config', () => {
  it('accepts the defaults and words every problem with a bad one', () => {
    expect(validateLeagueConfig(DEFAULT_LEAGUE_CONFIG)).toEqual([]);
    expect(
      validateLeagueConfig({ ...DEFAULT_LEAGUE_CONFIG, zone: 'Europe/London', period: { kind: 'weekly' } }),
    ).toEqual([]);
    expect(
      validateLeagueConfig({
        zone: '+01:00',
        period: { kind: 'daily' },
        groups: { groupSize: 30, promote: 20, relegate: 20, minPointsToPromote: 1 },
        points: { perDiamond: 0, perNewFollower: 0.5, perLiveMinute: 0 },
      }),
    ).toEqual([
      'zone must be an IANA time zone such as Europe/London (got +01:00)',
      'a league period must be at least a week: daily is too short to climb',
      'promote + relegate (40) must not exceed groupSize (30)',
      'points.perNewFollower must be a whole number >= 0 (got 0.5)',
    ]);
    expect(
      validateLeagueConfig({
        ...DEFAULT_LEAGUE_CONFIG,
        points: { perDiamond: 0, perNewFollower: 0, perLiveMinute: 0 },
      }),
    ).toEqual(['points must not all be 0: nobody could be ranked']);
  });
});
