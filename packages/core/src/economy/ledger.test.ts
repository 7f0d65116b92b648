import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ASSETS,
  type Asset,
  applyPosting,
  assertBalanced,
  LedgerRuleError,
  mulDivCeil,
  mulDivFloor,
  type PostingAmount,
  sumByAsset,
} from './ledger.ts';

const asset = fc.constantFrom<Asset>(...ASSETS);
const amount = fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }).filter((n) => n !== 0);

/** Random postings plus one balancing posting per asset: always a valid transfer. */
const balanced = fc.array(fc.record({ asset, amount }), { minLength: 1, maxLength: 12 }).map((ps) => {
  const out: PostingAmount[] = [...ps];
  const sums = sumByAsset(ps);
  for (const a of ASSETS) if (sums[a] !== 0) out.push({ asset: a, amount: -sums[a] });
  return out;
});

describe('double-entry rules', () => {
  it('accepts any set of postings that sums to zero per asset', () => {
    fc.assert(
      fc.property(
        balanced.filter((ps) => ps.length >= 2),
        (ps) => {
          expect(() => assertBalanced(ps)).not.toThrow();
          expect(Object.values(sumByAsset(ps)).every((s) => s === 0)).toBe(true);
        },
      ),
    );
  });

  it('rejects any transfer that creates or destroys value in some asset', () => {
    fc.assert(
      fc.property(balanced, fc.nat({ max: 20 }), amount, (ps, i, delta) => {
        const broken = ps.map((p, j) => (j === i % ps.length ? { ...p, amount: p.amount + delta } : p));
        const sums = sumByAsset(broken);
        fc.pre(broken.every((p) => p.amount !== 0));
        expect(Object.values(sums).some((s) => s !== 0)).toBe(true);
        expect(() => assertBalanced(broken)).toThrow(LedgerRuleError);
      }),
    );
  });

  it('rejects zero, fractional and unsafe amounts and one-legged transfers', () => {
    expect(() =>
      assertBalanced([
        { asset: 'COIN', amount: 0 },
        { asset: 'COIN', amount: 0 },
      ]),
    ).toThrow(/non-zero/);
    expect(() =>
      assertBalanced([
        { asset: 'COIN', amount: 0.5 },
        { asset: 'COIN', amount: -0.5 },
      ]),
    ).toThrow(/safe integer/);
    expect(() =>
      assertBalanced([
        { asset: 'COIN', amount: 2 ** 53 },
        { asset: 'COIN', amount: -(2 ** 53) },
      ]),
    ).toThrow(LedgerRuleError);
    expect(() => assertBalanced([{ asset: 'COIN', amount: 5 }])).toThrow(/two postings/);
    // Balanced in total but not per asset: 5 coins cannot pay for 5 diamonds.
    expect(() =>
      assertBalanced([
        { asset: 'COIN', amount: -5 },
        { asset: 'DIAMOND', amount: 5 },
      ]),
    ).toThrow(/COIN postings sum to -5/);
  });

  it('never lets a user balance go below zero, while system accounts may', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1e12 }), fc.integer({ min: -2e12, max: 2e12 }), (balance, delta) => {
        const user = applyPosting(balance, delta, 'user');
        if (balance + delta < 0) expect(user).toBeNull();
        else expect(user).toBe(balance + delta);
        expect(applyPosting(balance, delta, 'system')).toBe(balance + delta);
      }),
    );
    expect(() => applyPosting(Number.MAX_SAFE_INTEGER, 1, 'system')).toThrow(LedgerRuleError);
  });

  it('multiplies then divides exactly, rounding down or up, even past 2^53 intermediates', () => {
    const big = fc.integer({ min: -(2 ** 40), max: 2 ** 40 });
    fc.assert(
      fc.property(
        big,
        fc.integer({ min: 0, max: 2 ** 20 }),
        fc.integer({ min: 1, max: 2 ** 20 }),
        (a, b, c) => {
          const exact = BigInt(a) * BigInt(b);
          const floor = exact / BigInt(c) - (exact % BigInt(c) < 0n ? 1n : 0n);
          const ceil = exact / BigInt(c) + (exact % BigInt(c) > 0n ? 1n : 0n);
          const safe = (n: bigint) =>
            n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= -BigInt(Number.MAX_SAFE_INTEGER);
          if (safe(floor)) expect(BigInt(mulDivFloor(a, b, c))).toBe(floor);
          else expect(() => mulDivFloor(a, b, c)).toThrow(LedgerRuleError);
          if (safe(ceil)) expect(BigInt(mulDivCeil(a, b, c))).toBe(ceil);
          else expect(() => mulDivCeil(a, b, c)).toThrow(LedgerRuleError);
        },
      ),
    );
  });
});
