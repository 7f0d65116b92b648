import { describe, expect, it } from 'vitest';
import { startLabel } from './zones.ts';

const NY = 'America/New_York';

describe('startLabel', () => {
  // Friday 2026-03-06 22:00 in New York (EST, UTC-5).
  const now = Date.parse('2026-03-07T03:00:00Z');

  it('counts minutes within the hour', () => {
    expect(startLabel('2026-03-07T03:25:00Z', now, NY)).toBe('In 25 min');
    expect(startLabel('2026-03-07T03:00:20Z', now, NY)).toBe('Starting now');
  });

  it('names today, tomorrow and the weekday in the given zone', () => {
    expect(startLabel('2026-03-07T04:30:00Z', now, NY)).toBe('Today 23:30');
    expect(startLabel('2026-03-07T05:00:00Z', now, NY)).toBe('Tomorrow 00:00');
    // Sunday 8 March springs forward: 20:00 EDT is 00:00Z on the 9th.
    expect(startLabel('2026-03-09T00:00:00Z', now, NY)).toBe('Sun 20:00');
    expect(startLabel('2026-03-12T00:00:00Z', now, NY)).toBe('Wed 20:00');
    expect(startLabel('2026-03-14T00:00:00Z', now, NY)).toBe('Mar 13, 20:00');
  });

  it('reads the same instant by the viewer’s own calendar', () => {
    expect(startLabel('2026-03-07T05:00:00Z', now, 'Europe/Paris')).toBe('Today 06:00');
  });

  it('keeps "Tomorrow" right across a 23-hour day', () => {
    // Saturday 7 March 23:30 EST; Sunday 8 March has 23 hours in New York.
    const late = Date.parse('2026-03-08T04:30:00Z');
    expect(startLabel('2026-03-09T03:59:00Z', late, NY)).toBe('Tomorrow 23:59');
    expect(startLabel('2026-03-09T04:00:00Z', late, NY)).toBe('Mon 00:00');
  });
});
