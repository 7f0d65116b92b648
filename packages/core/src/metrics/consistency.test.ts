import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hourOfWeek, hourOfWeekCellsInZone, rotateHourOfWeek } from './audience.ts';
import { liveConsistency } from './consistency.ts';

const at = (iso: string) => Date.parse(iso);

describe('weekly streak and LIVE days', () => {
  // Wednesday 2026-12-09, noon UTC.
  const now = at('2026-12-09T12:00:00Z');

  it('counts consecutive local ISO weeks up to this one, or last week while this one is empty', () => {
    const weeks = [
      at('2026-12-08T18:00Z'),
      at('2026-12-01T18:00Z'),
      at('2026-11-24T18:00Z'),
      at('2026-11-10T18:00Z'),
    ];
    // 10 November is 29 days back: in the streak's history, not in the 28 days.
    expect(liveConsistency(weeks, now, 'UTC')).toEqual({ weeklyStreak: 3, liveDays28: 3 });
    expect(liveConsistency(weeks.slice(1), now, 'UTC').weeklyStreak).toBe(2);
    expect(liveConsistency(weeks.slice(2), now, 'UTC').weeklyStreak).toBe(0);
    expect(liveConsistency([], now, 'UTC')).toEqual({ weeklyStreak: 0, liveDays28: 0 });
  });

  it('reads weeks and days in the creator zone', () => {
    // Sunday 23:30 in New York is Monday 04:30 UTC: last week there, this week in UTC.
    const sundayNight = at('2026-12-07T04:30Z');
    expect(liveConsistency([sundayNight], now, 'UTC').weeklyStreak).toBe(1);
    expect(
      liveConsistency([sundayNight, at('2026-11-30T04:30Z')], now, 'America/New_York').weeklyStreak,
    ).toBe(2);
    // Two LIVEs on one local day count once; in UTC they are two days.
    const late = [at('2026-12-05T23:00Z'), at('2026-12-06T01:00Z')];
    expect(liveConsistency(late, now, 'America/New_York').liveDays28).toBe(1);
    expect(liveConsistency(late, now, 'UTC').liveDays28).toBe(2);
  });

  it('crosses a year boundary (ISO week 53 of 2026) without a gap', () => {
    const jan = at('2027-01-06T12:00Z');
    const starts = [at('2027-01-05T12:00Z'), at('2026-12-29T12:00Z'), at('2026-12-22T12:00Z')];
    expect(liveConsistency(starts, jan, 'Australia/Sydney').weeklyStreak).toBe(3);
  });
});

describe('heatmap in a time zone', () => {
  it('matches the fixed-offset heatmap in a zone without DST', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ h: fc.integer({ min: 0, max: 24 * 90 }), visits: fc.integer({ min: 1, max: 9 }) }),
        ),
        (hours) => {
          const base = at('2026-09-07T00:00Z');
          const hourly = hours.map((x) => ({ hourStart: base + x.h * 3_600_000, visits: x.visits }));
          const utc = new Array<number>(168).fill(0);
          for (const h of hourly) utc[hourOfWeek(h.hourStart)]! += h.visits;
          // Asia/Tokyo is UTC+9 all year: getTimezoneOffset() would say -540.
          expect(hourOfWeekCellsInZone(hourly, 'Asia/Tokyo')).toEqual(rotateHourOfWeek(utc, -540));
        },
      ),
    );
  });

  it('places each hour by its own offset across a DST change', () => {
    // Visits at 19:00 New York time on the Friday before and the Friday after the March change.
    const hourly = [
      { hourStart: at('2027-03-13T00:00Z'), visits: 3 }, // Fri 12 March 19:00 EST
      { hourStart: at('2027-03-19T23:00Z'), visits: 5 }, // Fri 19 March 19:00 EDT
    ];
    const cells = hourOfWeekCellsInZone(hourly, 'America/New_York');
    expect(cells[4 * 24 + 19]).toBe(8);
    expect(cells.reduce((a, b) => a + b, 0)).toBe(8);
    // One fixed offset (EST, 300) puts the second hour an hour early.
    const utc = new Array<number>(168).fill(0);
    for (const h of hourly) utc[hourOfWeek(h.hourStart)]! += h.visits;
    const fixed = rotateHourOfWeek(utc, 300);
    expect(fixed[4 * 24 + 19]).toBe(3);
    expect(fixed[4 * 24 + 18]).toBe(5);
    // Europe/London moves on a different Sunday: 19:00 local either side of it.
    const london = hourOfWeekCellsInZone(
      [
        { hourStart: at('2027-03-26T19:00Z'), visits: 1 },
        { hourStart: at('2027-04-02T18:00Z'), visits: 1 },
      ],
      'Europe/London',
    );
    expect(london[4 * 24 + 19]).toBe(2);
  });
});
