import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LEAGUE_GROUP_RULES,
  groupCreators,
  groupForLateJoiner,
  type LeagueGroupRules,
  rankGroup,
  type Standing,
  settleGroup,
  settleLeague,
  validateLeagueGroupRules,
} from './league-groups.ts';
import { LEAGUE_TIERS, tierRank } from './leagues.ts';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `creator-${i}`);
const arbTier = fc.constantFrom(...LEAGUE_TIERS);
const arbStandings = (min: number, max: number, minPoints = 0) =>
  fc
    .uniqueArray(fc.integer({ min: 0, max: 500 }), { minLength: min, maxLength: max })
    .chain((nums) =>
      fc.tuple(
        ...nums.map((n) =>
          fc.record({
            creatorId: fc.constant(`c${n}`),
            points: fc.integer({ min: minPoints, max: minPoints + 20 }),
            reachedAt: fc.integer({ min: 0, max: 5 }),
          }),
        ),
      ),
    )
    .map((s): Standing[] => s);

describe('grouping a tier', () => {
  it('makes balanced groups of at most the group size, each creator in exactly one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 40 }),
        fc.string(),
        (n, size, key) => {
          const groups = groupCreators(ids(n), key, size);
          expect(groups).toHaveLength(Math.ceil(n / size));
          const sizes = groups.map((g) => g.length);
          for (const s of sizes) expect(s).toBeLessThanOrEqual(size);
          if (n > 0) expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
          expect(groups.flat().sort()).toEqual(ids(n).sort());
        },
      ),
    );
    expect(groupCreators(ids(65), '2026-03', 30).map((g) => g.length)).toEqual([22, 22, 21]);
  });

  it('gives the same groups for the same period whatever the input order, and new ones next period', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(ids(90), { minLength: 90, maxLength: 90 }), (shuffled) => {
        expect(groupCreators([...shuffled, shuffled[0]!], '2026-03', 30)).toEqual(
          groupCreators(ids(90), '2026-03', 30),
        );
      }),
      { numRuns: 30 },
    );
    expect(groupCreators(ids(90), '2026-04', 30)).not.toEqual(groupCreators(ids(90), '2026-03', 30));
  });

  it('puts a late joiner in the smallest open group, or asks for a new one when all are full', () => {
    expect(groupForLateJoiner([30, 29, 30], 'new', '2026-03', 30)).toBe(1);
    expect(groupForLateJoiner([30, 30], 'new', '2026-03', 30)).toBe(2);
    expect(groupForLateJoiner([], 'new', '2026-03', 30)).toBe(0);
    const pick = groupForLateJoiner([20, 20, 25], 'new', '2026-03', 30);
    expect([0, 1]).toContain(pick);
    expect(groupForLateJoiner([20, 20, 25], 'new', '2026-03', 30)).toBe(pick);
  });
});

describe('ranking a group', () => {
  it('orders by points, then who reached them first, then creator id', () => {
    const ranked = rankGroup([
      { creatorId: 'b', points: 10, reachedAt: 5 },
      { creatorId: 'a', points: 10, reachedAt: 5 },
      { creatorId: 'c', points: 10, reachedAt: 1 },
      { creatorId: 'd', points: 11, reachedAt: 9 },
    ]);
    expect(ranked.map((r) => [r.creatorId, r.rank])).toEqual([
      ['d', 1],
      ['c', 2],
      ['a', 3],
      ['b', 4],
    ]);
  });

  it('does not depend on input order', () => {
    fc.assert(
      fc.property(
        arbStandings(0, 40).chain((s) =>
          fc.tuple(fc.constant(s), fc.shuffledSubarray(s, { minLength: s.length })),
        ),
        ([a, b]) => {
          expect(rankGroup(b)).toEqual(rankGroup(a));
        },
      ),
    );
  });
});

describe('promotion and relegation', () => {
  it('moves exactly the configured counts, keeps every member once, and respects both ends', () => {
    fc.assert(
      fc.property(
        arbTier,
        arbStandings(10, 40, 1),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 5 }),
        (tier, standings, promote, relegate) => {
          const rules: LeagueGroupRules = { groupSize: 40, promote, relegate, minPointsToPromote: 1 };
          const moves = settleGroup(tier, standings, rules);
          expect(moves).toHaveLength(standings.length);
          expect(new Set(moves.map((m) => m.creatorId))).toEqual(new Set(standings.map((s) => s.creatorId)));
          const ups = moves.filter((m) => m.move === 'up');
          const downs = moves.filter((m) => m.move === 'down');
          expect(ups).toHaveLength(tier === 'A1' ? 0 : promote);
          expect(downs).toHaveLength(tier === 'D5' ? 0 : relegate);
          // The top go up and the bottom go down, in rank order.
          expect(ups.map((m) => m.rank)).toEqual(ups.map((_, i) => i + 1));
          expect(downs.map((m) => m.rank)).toEqual(
            downs.map((_, i) => standings.length - downs.length + i + 1),
          );
          for (const m of moves) {
            expect(m.from).toBe(tier);
            expect(tierRank(m.to) - tierRank(m.from)).toBe(m.move === 'up' ? 1 : m.move === 'down' ? -1 : 0);
          }
        },
      ),
    );
  });

  it('in a group too small for both counts, promotes first and moves nobody twice', () => {
    fc.assert(
      fc.property(arbTier, arbStandings(0, 12), (tier, standings) => {
        const moves = settleGroup(tier, standings);
        expect(moves).toHaveLength(standings.length);
        const ups = moves.filter((m) => m.move === 'up').length;
        const downs = moves.filter((m) => m.move === 'down').length;
        expect(ups + downs).toBeLessThanOrEqual(standings.length);
        for (const m of moves) if (m.move === 'up') expect(m.points).toBeGreaterThanOrEqual(1);
      }),
    );
  });

  it('does not promote a creator who earned nothing, and they are not relegated for it either', () => {
    const standings: Standing[] = ids(8).map((creatorId, i) => ({
      creatorId,
      points: i < 2 ? 50 : 0,
      reachedAt: 0,
    }));
    const moves = settleGroup('C3', standings, { ...DEFAULT_LEAGUE_GROUP_RULES, promote: 3, relegate: 3 });
    expect(moves.filter((m) => m.move === 'up').map((m) => m.creatorId)).toEqual(['creator-0', 'creator-1']);
    expect(moves.filter((m) => m.move === 'down')).toHaveLength(3);
    expect(moves[2]!.move).toBe('stay');
  });

  it('settles a whole league with every creator of every group coming out once', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(arbTier, fc.integer({ min: 0, max: 40 })), { maxLength: 8 }), (spec) => {
        let next = 0;
        const groups = spec.map(([tier, n]) => ({
          tier,
          standings: Array.from({ length: n }, () => ({
            creatorId: `c${next++}`,
            points: next % 7,
            reachedAt: 0,
          })),
        }));
        const moves = settleLeague(groups);
        expect(moves).toHaveLength(next);
        expect(new Set(moves.map((m) => m.creatorId)).size).toBe(next);
      }),
    );
    expect(() =>
      settleLeague([
        { tier: 'C1', standings: [{ creatorId: 'x', points: 1, reachedAt: 0 }] },
        { tier: 'C2', standings: [{ creatorId: 'x', points: 1, reachedAt: 0 }] },
      ]),
    ).toThrow(/two league groups/);
  });

  it('refuses rules that would move more than a full group', () => {
    expect(validateLeagueGroupRules(DEFAULT_LEAGUE_GROUP_RULES)).toEqual([]);
    expect(
      validateLeagueGroupRules({ groupSize: 8, promote: 5, relegate: 5, minPointsToPromote: 1 }),
    ).toEqual(['promote + relegate (10) must not exceed groupSize (8)']);
    expect(
      validateLeagueGroupRules({ groupSize: 1.5, promote: -1, relegate: 0, minPointsToPromote: 0 }),
    ).toHaveLength(2);
  });
});
