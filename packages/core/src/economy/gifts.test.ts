import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { creatorShare, giftCost, isStreakable } from './gifts.ts';
import { BPS, LedgerRuleError } from './ledger.ts';

describe('gift maths', () => {
  it('gives a creator exactly floor(Σ coins × share) diamonds over any sequence of gifts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: BPS }),
        fc.array(fc.integer({ min: 1, max: 45_000 * 99 }), { maxLength: 200 }),
        (platformShareBps, gifts) => {
          let carry = 0;
          let diamonds = 0;
          let coins = 0;
          for (const g of gifts) {
            const share = creatorShare(g, platformShareBps, carry);
            expect(share.diamonds).toBeGreaterThanOrEqual(0);
            expect(share.carry).toBeGreaterThanOrEqual(0);
            expect(share.carry).toBeLessThan(BPS);
            // Never more than the gift's own share plus what was carried in.
            expect(share.diamonds * BPS).toBeLessThanOrEqual(g * (BPS - platformShareBps) + carry);
            carry = share.carry;
            diamonds += share.diamonds;
            coins += g;
          }
          const owed = coins * (BPS - platformShareBps);
          expect(diamonds).toBe(Math.floor(owed / BPS));
          expect(diamonds * BPS + carry).toBe(owed);
        },
      ),
    );
  });

  it('turns 2 coins into 1 diamond at a 50 % platform share, carrying the odd half', () => {
    expect(creatorShare(2, 5000, 0)).toEqual({ diamonds: 1, carry: 0 });
    expect(creatorShare(1, 5000, 0)).toEqual({ diamonds: 0, carry: 5000 });
    expect(creatorShare(1, 5000, 5000)).toEqual({ diamonds: 1, carry: 0 });
    expect(creatorShare(44_999, 5000, 0)).toEqual({ diamonds: 22_499, carry: 5000 });
    expect(creatorShare(100, BPS, 0)).toEqual({ diamonds: 0, carry: 0 });
    expect(creatorShare(100, 0, 0)).toEqual({ diamonds: 100, carry: 0 });
  });

  it('refuses bad inputs instead of rounding them', () => {
    expect(() => creatorShare(-1, 5000, 0)).toThrow(LedgerRuleError);
    expect(() => creatorShare(1.5, 5000, 0)).toThrow(LedgerRuleError);
    expect(() => creatorShare(1, 10_001, 0)).toThrow(LedgerRuleError);
    expect(() => creatorShare(1, 5000, BPS)).toThrow(LedgerRuleError);
    expect(() => giftCost(1, 0)).toThrow(LedgerRuleError);
    expect(() => giftCost(1, 1.5)).toThrow(LedgerRuleError);
    expect(() => giftCost(0, 1)).toThrow(LedgerRuleError);
    expect(() => giftCost(2 ** 52, 4)).toThrow(LedgerRuleError);
    expect(giftCost(44_999, 99)).toBe(4_454_901);
  });

  it('stacks only small gifts', () => {
    expect(isStreakable('small')).toBe(true);
    expect(isStreakable('medium')).toBe(false);
    expect(isStreakable('epic')).toBe(false);
  });
});
