import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyGift,
  type BoosterKind,
  byCommitOrder,
  DEFAULT_BOOSTER_RULES,
  emptyTally,
  mistedSides,
  multiplierFactor,
  type ScoredGift,
  type ScoreWindow,
  tally,
  topSupporters,
} from './scoring.ts';

const START = 1_000_000;
const window: ScoreWindow = {
  seed: 'battle-1',
  sides: 2,
  startedAt: START,
  baseEndsAt: START + 60_000,
  stopAt: null,
};
const plain = { ...DEFAULT_BOOSTER_RULES, speedRoundMs: 0 };

const arbGift = (effects: (BoosterKind | null)[]) =>
  fc.record({
    id: fc.nat(1_000_000),
    side: fc.integer({ min: 0, max: 1 }),
    senderId: fc.constantFrom('u1', 'u2', 'u3', 'u4', 'u5'),
    coins: fc.integer({ min: 1, max: 45_000 }),
    at: fc.integer({ min: START - 5_000, max: START + 120_000 }),
    effect: fc.constantFrom(...effects),
  });
const uniqueIds = (gifts: ScoredGift[]) => gifts.map((g, i) => ({ ...g, id: i + 1 }));

describe('battle scoring', () => {
  it('without boosters, each side scores the sum of the coins committed inside [start, end)', () => {
    fc.assert(
      fc.property(fc.array(arbGift([null]), { maxLength: 200 }).map(uniqueIds), (gifts) => {
        const t = tally(window, plain, gifts);
        for (const side of [0, 1]) {
          const expected = gifts
            .filter((g) => g.side === side && g.at >= window.startedAt && g.at < window.baseEndsAt)
            .reduce((n, g) => n + g.coins, 0);
          expect(t.scores[side]).toBe(expected);
        }
      }),
    );
  });

  it('never counts a gift committed one millisecond after the end (or one before the start)', () => {
    const t = tally(window, DEFAULT_BOOSTER_RULES, [
      { id: 1, side: 0, senderId: 'u', coins: 10, at: window.baseEndsAt - 1, effect: null },
      { id: 2, side: 0, senderId: 'u', coins: 1000, at: window.baseEndsAt, effect: null },
      { id: 3, side: 0, senderId: 'u', coins: 1000, at: window.baseEndsAt + 1, effect: null },
      { id: 4, side: 1, senderId: 'u', coins: 1000, at: window.startedAt - 1, effect: null },
    ]);
    expect(t.scores).toEqual([20, 0]); // the last second is in the speed round: x2
  });

  it('scores = sum of coins x the multiplier active at each gift, whatever order gifts arrive in', () => {
    fc.assert(
      fc.property(
        fc
          .array(arbGift([null, null, null, 'multiplier', 'extension', 'mist']), { maxLength: 150 })
          .map(uniqueIds),
        fc.nat(),
        (gifts, seed) => {
          const t = tally(window, DEFAULT_BOOSTER_RULES, gifts);
          // An independent recount: walk the gifts in commit order with the rules written out longhand.
          const ordered = [...gifts].sort(byCommitOrder);
          let end = window.baseEndsAt;
          let ext = 0;
          const windows: { side: number; factor: number; from: number; until: number }[] = [];
          const expected = [0, 0];
          for (const g of ordered) {
            if (g.at < window.startedAt || g.at >= end) continue;
            const boost = Math.max(
              1,
              ...windows
                .filter((w) => w.side === g.side && g.at >= w.from && g.at < w.until)
                .map((w) => w.factor),
            );
            const speed = g.at >= end - 30_000 ? 2 : 1;
            expected[g.side]! += g.coins * boost * speed;
            if (g.effect === 'multiplier')
              windows.push({
                side: g.side,
                factor: multiplierFactor('battle-1', g.id),
                from: g.at,
                until: g.at + 30_000,
              });
            if (g.effect === 'extension' && ext < 3) {
              ext++;
              end += 10_000;
            }
          }
          expect(t.scores).toEqual(expected);
          expect(t.endsAt).toBe(end);
          // Arrival order does not matter: a shuffled copy counts the same.
          const shuffled = [...gifts].sort(
            (a, b) => ((a.id * 7919 + seed) % 101) - ((b.id * 7919 + seed) % 101),
          );
          expect(tally(window, DEFAULT_BOOSTER_RULES, shuffled).scores).toEqual(t.scores);
          // The incremental form (what the live score does for in-order gifts) agrees with the batch one.
          const inc = emptyTally(window);
          for (const g of ordered) applyGift(window, DEFAULT_BOOSTER_RULES, inc, g);
          expect(inc.scores).toEqual(t.scores);
          // Supporters add up to the score.
          t.supporters.forEach((m, side) => {
            expect([...m.values()].reduce((n, p) => n + p, 0)).toBe(t.scores[side]);
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('stops counting at a forfeit', () => {
    const stopped = { ...window, stopAt: START + 10_000 };
    const t = tally(stopped, plain, [
      { id: 1, side: 0, senderId: 'u', coins: 5, at: START + 9_999, effect: null },
      { id: 2, side: 1, senderId: 'u', coins: 5, at: START + 10_000, effect: null },
    ]);
    expect(t.scores).toEqual([5, 0]);
  });

  it('draws multipliers of 2, 3 and 5, stably', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(multiplierFactor('seed', i));
    expect([...seen].sort()).toEqual([2, 3, 5]);
    expect(multiplierFactor('seed', 42)).toBe(multiplierFactor('seed', 42));
  });

  it('ranks the top 3 supporters per side and hides a misted side for 30 s', () => {
    const t = tally(window, plain, [
      { id: 1, side: 0, senderId: 'x', coins: 5, at: START + 1, effect: null },
      { id: 2, side: 0, senderId: 'y', coins: 7, at: START + 2, effect: 'mist' },
      { id: 3, side: 0, senderId: 'z', coins: 1, at: START + 3, effect: null },
      { id: 4, side: 0, senderId: 'w', coins: 3, at: START + 4, effect: null },
      { id: 5, side: 1, senderId: 'x', coins: 2, at: START + 5, effect: null },
    ]);
    expect(topSupporters(t)).toEqual([
      [
        { userId: 'y', points: 7 },
        { userId: 'x', points: 5 },
        { userId: 'w', points: 3 },
      ],
      [{ userId: 'x', points: 2 }],
    ]);
    expect([...mistedSides(t.boosts, START + 2)]).toEqual([0]);
    expect([...mistedSides(t.boosts, START + 30_002)]).toEqual([]);
  });
});
