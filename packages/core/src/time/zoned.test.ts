import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatLocalDateTime,
  hourOfWeekInZone,
  isoWeekNumber,
  localDayNumber,
  normalizeTimeZone,
  parseLocalDateTime,
  resolveLocalTime,
  zoneOffsetMin,
} from './zoned.ts';

const at = (local: string, zone: string) => resolveLocalTime(parseLocalDateTime(local)!, zone);
const iso = (ms: number) => new Date(ms).toISOString();
const ZONES = [
  'America/New_York',
  'Europe/London',
  'Australia/Sydney',
  'Asia/Kolkata',
  'UTC',
  'Pacific/Chatham',
];

describe('resolving local times across DST', () => {
  it('America/New_York: a time in the spring-forward gap moves forward, an ambiguous one takes the earlier instant', () => {
    expect(at('2026-03-08T01:59', 'America/New_York')).toEqual({
      at: Date.parse('2026-03-08T06:59Z'),
      adjustment: 'none',
    });
    expect(at('2026-03-08T02:00', 'America/New_York')).toEqual({
      at: Date.parse('2026-03-08T07:00Z'),
      adjustment: 'gap',
    });
    expect(at('2026-03-08T02:30', 'America/New_York')).toEqual({
      at: Date.parse('2026-03-08T07:30Z'),
      adjustment: 'gap',
    });
    expect(formatLocalDateTime(Date.parse('2026-03-08T07:30Z'), 'America/New_York')).toBe('2026-03-08T03:30');
    expect(at('2026-03-08T03:00', 'America/New_York')).toEqual({
      at: Date.parse('2026-03-08T07:00Z'),
      adjustment: 'none',
    });
    expect(at('2026-11-01T01:30', 'America/New_York')).toEqual({
      at: Date.parse('2026-11-01T05:30Z'),
      adjustment: 'overlap',
    });
    expect(at('2026-11-01T02:00', 'America/New_York')).toEqual({
      at: Date.parse('2026-11-01T07:00Z'),
      adjustment: 'none',
    });
  });

  it('Europe/London: the same rules at 01:00 local', () => {
    expect(at('2026-03-29T01:30', 'Europe/London')).toEqual({
      at: Date.parse('2026-03-29T01:30Z'),
      adjustment: 'gap',
    });
    expect(formatLocalDateTime(Date.parse('2026-03-29T01:30Z'), 'Europe/London')).toBe('2026-03-29T02:30');
    expect(at('2026-10-25T01:30', 'Europe/London')).toEqual({
      at: Date.parse('2026-10-25T00:30Z'),
      adjustment: 'overlap',
    });
    expect(at('2026-07-01T20:00', 'Europe/London').at).toBe(Date.parse('2026-07-01T19:00Z'));
    expect(at('2026-12-01T20:00', 'Europe/London').at).toBe(Date.parse('2026-12-01T20:00Z'));
  });

  it('Australia/Sydney: southern hemisphere, spring forward in October and back in April', () => {
    expect(at('2026-10-04T02:30', 'Australia/Sydney')).toEqual({
      at: Date.parse('2026-10-03T16:30Z'),
      adjustment: 'gap',
    });
    expect(formatLocalDateTime(Date.parse('2026-10-03T16:30Z'), 'Australia/Sydney')).toBe('2026-10-04T03:30');
    expect(at('2026-04-05T02:30', 'Australia/Sydney')).toEqual({
      at: Date.parse('2026-04-04T15:30Z'),
      adjustment: 'overlap',
    });
    expect(zoneOffsetMin(Date.parse('2026-01-15T00:00Z'), 'Australia/Sydney')).toBe(660);
    expect(zoneOffsetMin(Date.parse('2026-07-15T00:00Z'), 'Australia/Sydney')).toBe(600);
  });

  it('reads every instant back as the local time it came from, unless that time was skipped', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({
          min: Date.parse('2000-01-01T00:00Z') / 60_000,
          max: Date.parse('2037-12-31T00:00Z') / 60_000,
        }),
        (zone, minute) => {
          const instant = minute * 60_000;
          const local = formatLocalDateTime(instant, zone);
          const back = at(local, zone);
          expect(back.adjustment).not.toBe('gap');
          // An overlap resolves to the earlier instant: the same one, or the one an offset change before.
          if (back.adjustment === 'none') expect(iso(back.at)).toBe(iso(instant));
          else expect(back.at).toBeLessThanOrEqual(instant);
          expect(formatLocalDateTime(back.at, zone)).toBe(local);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('moves a skipped local time forward by exactly the length of the gap', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('America/New_York', 'Europe/London', 'Australia/Sydney'),
        fc.integer({ min: 2000, max: 2037 }),
        (zone, year) => {
          // Find the spring-forward transition of that year by scanning hourly.
          let t = Date.UTC(year, 0, 1);
          const end = Date.UTC(year + 1, 0, 1);
          // Day by day to the day the offset grows, then hour by hour within it.
          while (t < end && zoneOffsetMin(t + 86_400_000, zone) <= zoneOffsetMin(t, zone)) t += 86_400_000;
          while (zoneOffsetMin(t + 3_600_000, zone) <= zoneOffsetMin(t, zone)) t += 3_600_000;
          const before = zoneOffsetMin(t, zone);
          const after = zoneOffsetMin(t + 3_600_000, zone);
          const gapMin = after - before;
          const transition = t + 3_600_000 - ((t + 3_600_000) % 3_600_000);
          // The first skipped wall time is the transition read with the old offset; halfway in, half the gap later.
          const wall = new Date(transition + before * 60_000 + (gapMin / 2) * 60_000);
          const r = resolveLocalTime(
            {
              year: wall.getUTCFullYear(),
              month: wall.getUTCMonth() + 1,
              day: wall.getUTCDate(),
              hour: wall.getUTCHours(),
              minute: wall.getUTCMinutes(),
            },
            zone,
          );
          expect(gapMin).toBeGreaterThan(0);
          expect(r.adjustment).toBe('gap');
          expect(r.at).toBe(transition + (gapMin / 2) * 60_000);
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('zone names', () => {
  it('accepts IANA names and aliases, fixing case, and refuses the rest', () => {
    expect(normalizeTimeZone('America/New_York')).toBe('America/New_York');
    expect(normalizeTimeZone('america/new_york')).toBe('America/New_York');
    expect(normalizeTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(normalizeTimeZone('US/Eastern')).toBe('US/Eastern');
    expect(normalizeTimeZone('UTC')).toBe('UTC');
    for (const bad of [
      'Mars/Olympus_Mons',
      '+05:00',
      '',
      'America/New York',
      'a'.repeat(80),
      'Europe/../../etc',
    ])
      expect(normalizeTimeZone(bad), bad).toBeNull();
    for (const zone of Intl.supportedValuesOf('timeZone')) expect(normalizeTimeZone(zone)).toBe(zone);
  });

  it('parses only real calendar date-times', () => {
    expect(parseLocalDateTime('2026-02-29T10:00')).toBeNull();
    expect(parseLocalDateTime('2028-02-29T10:00')).toEqual({
      year: 2028,
      month: 2,
      day: 29,
      hour: 10,
      minute: 0,
      second: 0,
    });
    expect(parseLocalDateTime('2026-01-01T24:00')).toBeNull();
    expect(parseLocalDateTime('2026-01-01 10:00')).toBeNull();
  });
});

describe('local calendar positions', () => {
  it('puts an hour in the local hour of the week on both sides of a DST change', () => {
    // 18:00 in New York on the Saturday before and the Monday after the March change.
    expect(hourOfWeekInZone(Date.parse('2026-03-07T23:00Z'), 'America/New_York')).toBe(5 * 24 + 18);
    expect(hourOfWeekInZone(Date.parse('2026-03-09T22:00Z'), 'America/New_York')).toBe(0 * 24 + 18);
  });

  it('numbers ISO weeks so that consecutive weeks differ by 7, across years and zones', () => {
    expect(isoWeekNumber(Date.parse('2026-01-04T12:00Z'), 'UTC')).toBe(
      localDayNumber(Date.parse('2025-12-29T12:00Z'), 'UTC'),
    );
    expect(
      isoWeekNumber(Date.parse('2026-01-05T12:00Z'), 'UTC') -
        isoWeekNumber(Date.parse('2026-01-04T12:00Z'), 'UTC'),
    ).toBe(7);
    // Sunday 23:30 in Sydney is already Monday: the next week there, the same week in UTC.
    const t = Date.parse('2026-06-07T14:30Z');
    expect(isoWeekNumber(t, 'Australia/Sydney') - isoWeekNumber(t, 'UTC')).toBe(7);
  });
});
