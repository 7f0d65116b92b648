import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blendPage, explorationSlots, seededOrder } from './exploration.ts';

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const arbPage = fc.integer({ min: 1, max: 50 });
const arbShare = fc.double({ min: 0, max: 0.5, noNaN: true });

describe('exploration slots', () => {
  it('spreads round(pageSize * share) slots evenly, at least one on pages of 5 or more', () => {
    expect(explorationSlots(20, 0.1)).toEqual([4, 14]);
    expect(explorationSlots(10, 0.1)).toEqual([4]);
    expect(explorationSlots(5, 0.01)).toEqual([2]);
    expect(explorationSlots(4, 0.1)).toEqual([]);
    expect(explorationSlots(20, 0)).toEqual([]);
    expect(explorationSlots(3, 1)).toEqual([0, 1, 2]);
    expect(explorationSlots(0, 0.5)).toEqual([]);
  });

  it('gives distinct, increasing slots inside the page for any page and share', () => {
    fc.assert(
      fc.property(arbPage, fc.double({ min: 0, max: 1, noNaN: true }), (size, share) => {
        const slots = explorationSlots(size, share);
        const expected = Math.round(size * share) || (share > 0 && size >= 5 ? 1 : 0);
        expect(slots).toHaveLength(expected);
        slots.forEach((s, i) => {
          expect(s).toBeGreaterThanOrEqual(0);
          expect(s).toBeLessThan(size);
          if (i > 0) expect(s).toBeGreaterThan(slots[i - 1]!);
        });
      }),
    );
  });
});

describe('blendPage', () => {
  it('fills every exploration slot from explorers and the rest from ranked, in order', () => {
    fc.assert(
      fc.property(arbPage, arbShare, fc.nat(60), (size, share, extra) => {
        const slots = explorationSlots(size, share);
        const ranked = ids('r', size + extra);
        const explorers = ids('e', slots.length + (extra % 5));
        const page = blendPage(ranked, explorers, size, share);
        expect(page).toHaveLength(size);
        expect(slots.map((s) => page[s])).toEqual(explorers.slice(0, slots.length));
        expect(page.filter((x) => x.startsWith('e'))).toHaveLength(slots.length);
        expect(page.filter((_, i) => !slots.includes(i))).toEqual(ranked.slice(0, size - slots.length));
      }),
    );
  });

  it('never repeats an item, keeps ranked order and falls back when a list runs out', () => {
    fc.assert(
      fc.property(
        arbPage,
        arbShare,
        fc.uniqueArray(fc.nat(40), { maxLength: 40 }),
        fc.array(fc.nat(40), { maxLength: 20 }),
        (size, share, rankedNums, explorerNums) => {
          // Explorers often also appear in the ranked list, and may repeat themselves.
          const ranked = rankedNums.map((n) => ({ id: `c${n}` }));
          const byId = new Map(ranked.map((r) => [r.id, r]));
          const explorers = explorerNums.map((n) => byId.get(`c${n}`) ?? { id: `c${n}` });
          const page = blendPage(ranked, explorers, size, share, (t) => t.id);
          const unique = new Set([...ranked, ...explorers].map((t) => t.id));
          expect(new Set(page.map((t) => t.id)).size).toBe(page.length);
          expect(page).toHaveLength(Math.min(size, unique.size));
          // Outside the exploration slots, ranked items come in ranked order and none is skipped.
          const slots = explorationSlots(size, share);
          const fromRanked = page
            .filter((t, i) => !slots.includes(i) && ranked.includes(t))
            .map((t) => ranked.indexOf(t));
          expect(fromRanked).toEqual([...fromRanked].sort((a, b) => a - b));
          const last = Math.max(-1, ...fromRanked);
          for (const skipped of ranked.slice(0, last + 1)) expect(page).toContain(skipped);
        },
      ),
    );
  });

  it('lets ranked rooms take the exploration slots when there are no small creators, and the reverse', () => {
    expect(blendPage(['a', 'b', 'c', 'd', 'e', 'f'], [], 5, 0.2)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(blendPage(['a'], ['x', 'y', 'z'], 5, 0.2)).toEqual(['a', 'x', 'y', 'z']);
    expect(blendPage(['a', 'b', 'c', 'd'], ['b', 'x'], 5, 0.2)).toEqual(['a', 'b', 'x', 'c', 'd']);
    expect(blendPage(['a', 'b'], ['x'], 0, 0.2)).toEqual([]);
  });
});

describe('seededOrder', () => {
  const items = ids('creator-', 30);

  it('is a permutation, reproducible for a seed and different across seeds', () => {
    fc.assert(
      fc.property(fc.string(), (seed) => {
        const a = seededOrder(items, (x) => x, seed);
        expect([...a].sort()).toEqual([...items].sort());
        expect(seededOrder([...items].reverse(), (x) => x, seed)).toEqual(a);
      }),
    );
    const orders = new Set(
      ['viewer-1:0', 'viewer-1:1', 'viewer-2:0', 'viewer-3:0'].map((seed) =>
        seededOrder(items, (x) => x, seed).join(),
      ),
    );
    expect(orders.size).toBe(4);
  });

  it('gives each item a fair chance at the front', () => {
    const firsts = new Map<string, number>();
    for (let v = 0; v < 3_000; v++) {
      const first = seededOrder(items.slice(0, 10), (x) => x, `viewer-${v}`)[0]!;
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
    // 300 expected each; the bounds are about 5 standard deviations either side.
    expect(firsts.size).toBe(10);
    for (const count of firsts.values()) {
      expect(count).toBeGreaterThan(220);
      expect(count).toBeLessThan(380);
    }
  });
});
