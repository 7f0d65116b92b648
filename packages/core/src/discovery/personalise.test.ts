import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RANKING as C } from './config.ts';
import { maxPersonalBoost, personalScore } from './personalise.ts';

const arbAffinity = fc.record({
  followed: fc.boolean(),
  topicShare: fc.double({ min: 0, max: 1, noNaN: true }),
  hashtagShare: fc.double({ min: 0, max: 1, noNaN: true }),
});

describe('personal score', () => {
  it('adds the configured boost per affinity', () => {
    expect(personalScore(0.5, { followed: false, topicShare: 0, hashtagShare: 0 }, C)).toBe(0.5);
    expect(personalScore(0.5, { followed: true, topicShare: 0.5, hashtagShare: 1 }, C)).toBeCloseTo(
      0.5 + 0.2 + 0.05 + 0.05,
      12,
    );
    expect(maxPersonalBoost(C)).toBeCloseTo(0.35, 12);
  });

  it('stays between base and base + maxPersonalBoost, and clamps shares outside 0..1', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1.1, noNaN: true }), arbAffinity, (base, a) => {
        const s = personalScore(base, a, C);
        expect(s).toBeGreaterThanOrEqual(base);
        expect(s).toBeLessThanOrEqual(base + maxPersonalBoost(C) + 1e-12);
      }),
    );
    expect(personalScore(0, { followed: false, topicShare: 7, hashtagShare: -3 }, C)).toBeCloseTo(0.1, 12);
  });

  it('rises with each affinity', () => {
    fc.assert(
      fc.property(arbAffinity, fc.double({ min: 0, max: 1, noNaN: true }), (a, more) => {
        const s = personalScore(0.3, a, C);
        expect(personalScore(0.3, { ...a, followed: true }, C)).toBeGreaterThanOrEqual(s);
        expect(
          personalScore(0.3, { ...a, topicShare: Math.min(1, a.topicShare + more) }, C),
        ).toBeGreaterThanOrEqual(s);
        expect(
          personalScore(0.3, { ...a, hashtagShare: Math.min(1, a.hashtagShare + more) }, C),
        ).toBeGreaterThanOrEqual(s);
      }),
    );
  });
});
