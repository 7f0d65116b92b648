import { describe, expect, it } from 'vitest';
import { bucketStart, classifyAudience, classifyViewer, hourOfWeek, rotateHourOfWeek } from './audience.ts';

describe('audience classes', () => {
  it('regular: at least 3 of the last 5 sessions', () => {
    expect(classifyViewer([0, 2, 4])).toBe('regular');
    expect(classifyViewer([0, 1, 5, 6, 7])).toBe('returning');
    expect(classifyViewer([3])).toBe('new');
    expect(classifyViewer([9])).toBe('new');
  });

  it('counts everyone once', () => {
    const viewers = new Map([
      ['a', [0, 1, 2]],
      ['b', [0, 7]],
      ['c', [0]],
      ['d', [1]],
    ]);
    expect(classifyAudience(viewers)).toEqual({ regular: 1, returning: 1, new: 2 });
  });
});

describe('calendar buckets', () => {
  const tuesday8pm = Date.UTC(2026, 0, 6, 20, 30);
  it('day, Monday-based week and month, in UTC and with an offset', () => {
    expect(bucketStart(tuesday8pm, 'day')).toBe(Date.UTC(2026, 0, 6));
    expect(bucketStart(tuesday8pm, 'week')).toBe(Date.UTC(2026, 0, 5));
    expect(bucketStart(tuesday8pm, 'month')).toBe(Date.UTC(2026, 0, 1));
    // UTC−5 (getTimezoneOffset() = 300): the same instant is 3:30 pm local, still Tuesday.
    expect(bucketStart(tuesday8pm, 'day', 300)).toBe(Date.UTC(2026, 0, 6, 5));
    // UTC+9: it is already Wednesday 5:30 am.
    expect(bucketStart(tuesday8pm, 'day', -540)).toBe(Date.UTC(2026, 0, 6, 15));
  });

  it('hour of week follows the local clock', () => {
    expect(hourOfWeek(tuesday8pm)).toBe(24 + 20);
    expect(hourOfWeek(tuesday8pm, -540)).toBe(2 * 24 + 5);
    expect(hourOfWeek(Date.UTC(2026, 0, 4, 23), 0)).toBe(167);
  });

  it('rotating UTC counts to local time moves each cell by the offset, wrapping the week', () => {
    const utc = new Array<number>(168).fill(0);
    utc[44] = 7; // Tuesday 20:00 UTC
    utc[167] = 2; // Sunday 23:00 UTC
    const tokyo = rotateHourOfWeek(utc, -540);
    expect(tokyo[53]).toBe(7);
    expect(tokyo[8]).toBe(2); // Monday 08:00
    expect(tokyo.reduce((a, b) => a + b, 0)).toBe(9);
  });
});
