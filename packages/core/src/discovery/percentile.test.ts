import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentiles } from './percentile.ts';

describe('percentiles', () => {
  it('are in [0, 1], equal for ties and order-preserving', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true }))),
        (values) => {
          const p = percentiles(values);
          expect(p).toHaveLength(values.length);
          for (let i = 0; i < values.length; i++) {
            expect(p[i]).toBeGreaterThanOrEqual(0);
            expect(p[i]).toBeLessThanOrEqual(1);
            for (let j = 0; j < values.length; j++) {
              if (values[i] === values[j]) expect(p[i]).toBe(p[j]);
              if (values[i]! < values[j]!) expect(p[i]).toBeLessThan(p[j]!);
            }
          }
        },
      ),
    );
  });

  it('match the mid-rank definition computed the slow way', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 2, maxLength: 60 }), (values) => {
        const n = values.length;
        const expected = values.map((v) => {
          const below = values.filter((w) => w < v).length;
          const equal = values.filter((w) => w === v).length;
          return (below + 0.5 * (equal - 1)) / (n - 1);
        });
        expect(percentiles(values)).toEqual(expected);
      }),
    );
  });

  it('spread distinct values evenly, give a single value 1 and all-equal values 0.5', () => {
    expect(percentiles([30, 10, 20, 50, 40])).toEqual([0.5, 0, 0.25, 1, 0.75]);
    expect(percentiles([7])).toEqual([1]);
    expect(percentiles([3, 3, 3])).toEqual([0.5, 0.5, 0.5]);
    expect(percentiles([1, 2, 2, 3])).toEqual([0, 0.5, 0.5, 1]);
    expect(percentiles([])).toEqual([]);
  });

  it('rank infinities like any value and NaN as the lowest', () => {
    expect(percentiles([Number.POSITIVE_INFINITY, 1, Number.POSITIVE_INFINITY, Number.NaN])).toEqual([
      5 / 6,
      1 / 3,
      5 / 6,
      0,
    ]);
  });
});
