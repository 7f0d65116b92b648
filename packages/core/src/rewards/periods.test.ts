import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatLocalDateTime } from '../time/zoned.ts';
import { nextPeriod, type PeriodRule, periodAt, previousPeriod, validatePeriodRule } from './periods.ts';

const HOUR = 3_600_000;
const utc = (s: string) => Date.parse(s);
const ZONES = [
  'Europe/London',
  'America/New_York',
  'Australia/Sydney',
  'Asia/Kolkata',
  'UTC',
  'America/Santiago',
];
const RULES: PeriodRule[] = [
  { kind: 'daily' },
  { kind: 'weekly' },
  { kind: 'monthly' },
  { kind: 'days', days: 14, anchor: '2026-01-05' },
];

describe('periods across DST changes', () => {
  it('Europe/London March: the month starts at midnight GMT and ends at midnight BST', () => {
    const p = periodAt(utc('2026-03-29T12:00Z'), { kind: 'monthly' }, 'Europe/London');
    expect(p).toEqual({ key: '2026-03', start: utc('2026-03-01T00:00Z'), end: utc('2026-03-31T23:00Z') });
    // The week of the change is an hour short.
    const w = periodAt(utc('2026-03-29T12:00Z'), { kind: 'weekly' }, 'Europe/London');
    expect(w).toEqual({ key: '2026-W13', start: utc('2026-03-23T00:00Z'), end: utc('2026-03-29T23:00Z') });
    expect(w.end - w.start).toBe(167 * HOUR);
  });

  it('Europe/London October: the month ends at midnight GMT, its week is an hour long', () => {
    const p = periodAt(utc('2026-10-25T12:00Z'), { kind: 'monthly' }, 'Europe/London');
    expect(p).toEqual({ key: '2026-10', start: utc('2026-09-30T23:00Z'), end: utc('2026-11-01T00:00Z') });
    const w = periodAt(utc('2026-10-25T12:00Z'), { kind: 'weekly' }, 'Europe/London');
    expect(w.end - w.start).toBe(169 * HOUR);
    expect(formatLocalDateTime(w.start, 'Europe/London')).toBe('2026-10-19T00:00');
    expect(formatLocalDateTime(w.end, 'Europe/London')).toBe('2026-10-26T00:00');
  });

  it('America/New_York: days around both changes are 23 and 25 hours, bounded by local midnights', () => {
    const spring = periodAt(utc('2026-03-08T12:00Z'), { kind: 'daily' }, 'America/New_York');
    expect(spring).toEqual({
      key: '2026-03-08',
      start: utc('2026-03-08T05:00Z'),
      end: utc('2026-03-09T04:00Z'),
    });
    const fall = periodAt(utc('2026-11-01T12:00Z'), { kind: 'daily' }, 'America/New_York');
    expect(fall).toEqual({
      key: '2026-11-01',
      start: utc('2026-11-01T04:00Z'),
      end: utc('2026-11-02T05:00Z'),
    });
    const nov = periodAt(utc('2026-11-15T12:00Z'), { kind: 'monthly' }, 'America/New_York');
    expect(nov.start).toBe(utc('2026-11-01T04:00Z'));
    expect(nov.end).toBe(utc('2026-12-01T05:00Z'));
  });

  it('America/Santiago, which moves its clocks at midnight: a skipped midnight starts the day at 01:00', () => {
    const spring = periodAt(utc('2026-09-06T12:00Z'), { kind: 'daily' }, 'America/Santiago');
    expect(spring).toEqual({
      key: '2026-09-06',
      start: utc('2026-09-06T04:00Z'),
      end: utc('2026-09-07T03:00Z'),
    });
    expect(formatLocalDateTime(spring.start, 'America/Santiago')).toBe('2026-09-06T01:00');
    // In April 23:00 repeats: the repeated hour still belongs to the 4th, which lasts 25 hours.
    const fall = periodAt(utc('2026-04-05T03:30Z'), { kind: 'daily' }, 'America/Santiago');
    expect(fall).toEqual({
      key: '2026-04-04',
      start: utc('2026-04-04T03:00Z'),
      end: utc('2026-04-05T04:00Z'),
    });
  });

  it('an instant one millisecond before a boundary is in the earlier period, the boundary in the later', () => {
    const march = periodAt(utc('2026-03-15T00:00Z'), { kind: 'monthly' }, 'Europe/London');
    expect(periodAt(march.end - 1, { kind: 'monthly' }, 'Europe/London').key).toBe('2026-03');
    expect(periodAt(march.end, { kind: 'monthly' }, 'Europe/London').key).toBe('2026-04');
  });

  it('names ISO weeks across a year end and custom periods by their first day', () => {
    expect(periodAt(utc('2027-01-01T12:00Z'), { kind: 'weekly' }, 'UTC').key).toBe('2026-W53');
    expect(periodAt(utc('2026-12-28T12:00Z'), { kind: 'weekly' }, 'UTC').key).toBe('2026-W53');
    expect(periodAt(utc('2026-01-01T12:00Z'), { kind: 'weekly' }, 'UTC').key).toBe('2026-W01');
    const fortnight = periodAt(utc('2026-03-20T12:00Z'), RULES[3]!, 'America/New_York');
    expect(fortnight.key).toBe('2026-03-16/P14D');
    expect(formatLocalDateTime(fortnight.start, 'America/New_York')).toBe('2026-03-16T00:00');
    expect(periodAt(utc('2025-12-30T12:00Z'), RULES[3]!, 'UTC').key).toBe('2025-12-22/P14D');
  });

  it('always holds the instant, starts and ends at local midnights, and tiles time with no gap', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.constantFrom(...RULES),
        fc.integer({ min: utc('2001-01-01T00:00Z'), max: utc('2037-01-01T00:00Z') }),
        (zone, rule, at) => {
          const p = periodAt(at, rule, zone);
          expect(p.start).toBeLessThanOrEqual(at);
          expect(at).toBeLessThan(p.end);
          // Santiago moves its clocks at midnight, so its days may begin at 01:00.
          for (const edge of [p.start, p.end])
            expect(formatLocalDateTime(edge, zone).slice(11)).toMatch(
              zone === 'America/Santiago' ? /^0[01]:00$/ : /^00:00$/,
            );
          const next = nextPeriod(p, rule, zone);
          expect(next.start).toBe(p.end);
          expect(next.key > p.key).toBe(true);
          expect(previousPeriod(next, rule, zone)).toEqual(p);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses custom rules it cannot use', () => {
    expect(validatePeriodRule({ kind: 'days', days: 14, anchor: '2026-01-05' })).toEqual([]);
    expect(validatePeriodRule({ kind: 'days', days: 0, anchor: '2026-02-30' })).toHaveLength(2);
    expect(() => periodAt(0, { kind: 'days', days: 0, anchor: '2026-01-05' }, 'UTC')).toThrow(RangeError);
  });
});
