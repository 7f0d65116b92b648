import { describe, expect, it } from 'vitest';
import { parseCalendar } from './ical.test-helpers.ts';
import { type CalendarEvent, escapeText, foldLine, renderCalendar, utcStamp } from './ical.ts';

const event = (over: Partial<CalendarEvent> = {}): CalendarEvent => ({
  id: '6f1c7a52-1a0e-4a53-9d2f-3f1b5f0a8c11',
  title: 'Q&A; bring questions, please',
  description: 'Line one\nLine two\\with a backslash',
  startsAt: new Date('2027-03-14T07:30:00Z'),
  durationMin: 60,
  url: 'https://onair.example/events/6f1c7a52-1a0e-4a53-9d2f-3f1b5f0a8c11',
  status: 'scheduled',
  hashtags: ['qa', 'music'],
  updatedAt: new Date('2026-12-01T10:00:00Z'),
  creatorName: 'Cleo',
  ...over,
});

describe('iCalendar', () => {
  it('escapes TEXT and stamps UTC', () => {
    expect(escapeText('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne');
    expect(utcStamp(new Date('2027-03-14T07:30:05.123Z'))).toBe('20270314T073005Z');
  });

  it('folds at 75 octets without splitting a UTF-8 character', () => {
    const line = `DESCRIPTION:${'é'.repeat(100)}🎂${'x'.repeat(80)}`;
    const folded = foldLine(line);
    const parts = folded.split('\r\n');
    expect(parts.length).toBeGreaterThan(3);
    for (const p of parts) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(75);
    for (const p of parts.slice(1)) expect(p.startsWith(' ')).toBe(true);
    expect(parts.map((p, i) => (i === 0 ? p : p.slice(1))).join('')).toBe(line);
    expect(folded).not.toContain('\uFFFD');
    expect(foldLine('SHORT:x')).toBe('SHORT:x');
  });

  it('writes a calendar a strict reader takes back as it was', () => {
    const text = renderCalendar({
      events: [event(), event({ id: 'b', status: 'cancelled', hashtags: [] })],
      name: 'Cleo, on OnAir',
      now: new Date('2026-12-07T12:00:00Z'),
      host: 'onair.example',
    });
    const cal = parseCalendar(text);
    expect(cal.props).toMatchObject({ VERSION: '2.0', METHOD: 'PUBLISH', 'X-WR-CALNAME': 'Cleo, on OnAir' });
    expect(cal.events).toHaveLength(2);
    expect(cal.events[0]).toMatchObject({
      UID: '6f1c7a52-1a0e-4a53-9d2f-3f1b5f0a8c11@onair.example',
      DTSTAMP: '20261207T120000Z',
      DTSTART: '20270314T073000Z',
      DURATION: 'PT60M',
      SUMMARY: 'Q&A; bring questions, please (LIVE with Cleo)',
      DESCRIPTION: `Line one\nLine two\\with a backslash\n\n${event().url}`,
      STATUS: 'CONFIRMED',
      CATEGORIES: 'qa,music',
    });
    expect(cal.events[1]).toMatchObject({ STATUS: 'CANCELLED' });
    expect(cal.events[1]?.CATEGORIES).toBeUndefined();
  });

  it('is caught by the reader when a rule is broken', () => {
    const good = renderCalendar({ events: [event()], now: new Date(), host: 'h' });
    expect(() => parseCalendar(good.replace(/\r\n/g, '\n'))).toThrow();
    expect(() => parseCalendar(good.replace(/^UID:.*\r\n/m, ''))).toThrow(/UID/);
    expect(() => parseCalendar(good.replace('SUMMARY:Q&A\\;', 'SUMMARY:Q&A;'))).toThrow(/unescaped/);
    expect(() => parseCalendar(good.replace('END:VEVENT\r\n', ''))).toThrow();
  });
});
