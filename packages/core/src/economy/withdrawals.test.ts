import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BPS } from './ledger.ts';
import { diamondsToCents, MILLICENTS_PER_CENT, quoteWithdrawal } from './withdrawals.ts';

describe('withdrawal quotes', () => {
  it('pays at most what the diamonds are worth, fee plus net equal to gross', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e12 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: BPS }),
        fc.integer({ min: 1, max: 10_000 }),
        (diamonds, diamondValueMillicents, feeBps, minDiamonds) => {
          const q = quoteWithdrawal(diamonds, { diamondValueMillicents, feeBps, minDiamonds });
          if (diamonds < minDiamonds) {
            expect(q).toEqual({ ok: false, reason: 'below_minimum' });
            return;
          }
          if (!q.ok) {
            expect(q.reason).toBe('nothing_to_pay');
            return;
          }
          expect(q.feeCents + q.netCents).toBe(q.grossCents);
          expect(q.netCents).toBeGreaterThan(0);
          // Value in millicents never exceeded; fee never below its share. Compared as BigInt: the
          // products pass 2^53, where JavaScript numbers round.
          const B = BigInt;
          const worth = B(diamonds) * B(diamondValueMillicents);
          expect(B(q.grossCents) * B(MILLICENTS_PER_CENT) <= worth).toBe(true);
          expect((B(q.grossCents) + 1n) * B(MILLICENTS_PER_CENT) > worth).toBe(true);
          expect(B(q.feeCents) * B(BPS) >= B(q.grossCents) * B(feeBps)).toBe(true);
          expect((B(q.feeCents) - 1n) * B(BPS) < B(q.grossCents) * B(feeBps)).toBe(true);
        },
      ),
    );
  });

  it('matches hand-worked examples', () => {
    const rules = { diamondValueMillicents: 1000, feeBps: 300, minDiamonds: 1000 };
    expect(quoteWithdrawal(1000, rules)).toEqual({
      ok: true,
      diamonds: 1000,
      grossCents: 1000,
      feeCents: 30,
      netCents: 970,
    });
    expect(quoteWithdrawal(1001, { ...rules, diamondValueMillicents: 500 })).toMatchObject({
      grossCents: 500,
      feeCents: 15,
      netCents: 485,
    });
    expect(quoteWithdrawal(999, rules)).toEqual({ ok: false, reason: 'below_minimum' });
    expect(quoteWithdrawal(1.5, rules)).toEqual({ ok: false, reason: 'not_an_amount' });
    expect(quoteWithdrawal(-5, rules)).toEqual({ ok: false, reason: 'not_an_amount' });
    expect(quoteWithdrawal(1, { diamondValueMillicents: 1, feeBps: 0, minDiamonds: 1 })).toEqual({
      ok: false,
      reason: 'nothing_to_pay',
    });
    expect(diamondsToCents(3, 333)).toBe(0);
    expect(diamondsToCents(1_000_000, 1000)).toBe(1_000_000);
  });
});
