import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyGift,
  type BoosterKind,
  byCommitOrder,
  DEFAULT_BOOSTER_RULES,
  needsRecount,
  type ScoredGift,
  type ScoreWindow,
  type Tally,
  tally,
} from './scoring.ts';

const START = 1_000_000;
const window: ScoreWindow = {
  seed: 'battle-r',
  sides: 2,
  startedAt: START,
  baseEndsAt: START + 60_000,
  stopAt: null,
};
const rules = DEFAULT_BOOSTER_RULES;

// Times on a coarse grid, so gifts in the same millisecond (and late ones) come up often.
const arbGift = (effects: (BoosterKind | null)[]) =>
  fc.record({
    rank: fc.nat(1_000),
    side: fc.integer({ min: 0, max: 1 }),
    senderId: fc.constantFrom('u1', 'u2', 'u3'),
    coins: fc.integer({ min: 1, max: 5_000 }),
    at: fc.integer({ min: -2, max: 24 }).map((n) => START + n * 2_500),
    effect: fc.constantFrom(...effects),
  });

/** What the live score does when no recount is needed: the new gifts added to the stored tally. */
function added(counted: ScoredGift[], fresh: ScoredGift[]): Tally {
  const t = tally(window, rules, counted);
  const running: Tally = {
    ...t,
    scores: t.scores.slice(),
    boosts: t.boosts.slice(),
    supporters: [new Map(), new Map()],
  };
  for (const g of [...fresh].sort(byCommitOrder)) applyGift(window, rules, running, g);
  return running;
}

const lastAt = (gifts: ScoredGift[]) => Math.max(0, ...gifts.map((g) => g.at));
const shape = (t: Tally) => ({
  scores: t.scores,
  endsAt: t.endsAt,
  extensions: t.extensions,
  boosts: t.boosts,
});

describe('the recount rule', () => {
  it('whenever it says "no recount", adding the new gifts gives exactly the full count', () => {
    const effects: (BoosterKind | null)[] = [null, null, null, 'multiplier', 'extension', 'mist'];
    fc.assert(
      fc.property(
        fc.array(arbGift(effects), { maxLength: 20 }),
        // New gifts mostly plain and around the latest counted one: the cases the rule decides.
        fc.array(
          fc.record({
            gift: arbGift([null, null, null, null, null, 'multiplier', 'extension']),
            step: fc.constantFrom(-1, 0, 0, 0, 1, 2),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        (before, next) => {
          // Transfer ids in any order between the two: a gift heard late may have committed first.
          const id = (rank: number, i: number) => rank * 100 + i;
          const counted = before.map(({ rank, ...g }, i) => ({ ...g, id: id(rank, i) }));
          const last = lastAt(counted) || START;
          const fresh = next.map(({ gift: { rank, ...g }, step }, i) => ({
            ...g,
            at: last + step * 2_500,
            id: id(rank, 50 + i),
          }));
          const t = tally(window, rules, counted);
          if (needsRecount(fresh, { lastGiftAt: lastAt(counted), boosts: t.boosts })) return;
          expect(shape(added(counted, fresh))).toEqual(shape(tally(window, rules, [...counted, ...fresh])));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('asks for a recount in each case where adding would be wrong', () => {
    const gift = (id: number, at: number, effect: BoosterKind | null = null, coins = 10): ScoredGift => ({
      id,
      side: 0,
      senderId: 'u',
      coins,
      at,
      effect,
    });
    const multiplier = gift(2, START + 1_000, 'multiplier', 1);
    const counted = [gift(1, START + 500), multiplier];
    const t = tally(window, rules, counted);
    const state = { lastGiftAt: START + 1_000, boosts: t.boosts };

    // Heard late: committed before an extension, so its speed round ended 10 s earlier than it does now.
    const extended = [gift(6, START + 40_000, 'extension', 1)];
    const late = gift(7, START + 35_000);
    const te = tally(window, rules, extended);
    expect(needsRecount([late], { lastGiftAt: START + 40_000, boosts: te.boosts })).toBe(true);
    expect(shape(added(extended, [late]))).not.toEqual(shape(tally(window, rules, [...extended, late])));

    // Same millisecond as the multiplier but committed before it (lower transfer id).
    const tie = gift(0, START + 1_000);
    expect(needsRecount([tie], state)).toBe(true);
    expect(shape(added(counted, [tie]))).not.toEqual(shape(tally(window, rules, [...counted, tie])));

    // A booster is always a recount; a plain gift after everything counted never is.
    expect(needsRecount([gift(4, START + 2_000, 'extension')], state)).toBe(true);
    expect(needsRecount([gift(5, START + 2_000)], state)).toBe(false);
  });
});
