import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localDayNumber } from '../time/zoned.ts';
import { checkFanBadgeName, countCharacters } from './fan-badge.ts';
import {
  DEFAULT_FAN_CLUB_RULES,
  FAN_MISSIONS,
  type FanEvent,
  fanLevel,
  grantFanPoints,
  tallyFanPoints,
  validateFanClubRules,
} from './fan-club.ts';

const R = DEFAULT_FAN_CLUB_RULES;
const DAY = 86_400_000;
const start = Date.parse('2026-03-01T00:00Z');
const arbEvent = fc.record({
  mission: fc.constantFrom(...FAN_MISSIONS),
  at: fc.integer({ min: start, max: start + 40 * DAY }),
  quantity: fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }),
});

describe('fan points', () => {
  it('grants points per unit up to what is left of the daily cap', () => {
    expect(grantFanPoints('comment', 1, 0)).toBe(1);
    expect(grantFanPoints('comment', 1, 10)).toBe(0);
    expect(grantFanPoints('giftCoin', 150, 100)).toBe(100);
    expect(grantFanPoints('watch30', 1, 0)).toBe(15);
    expect(grantFanPoints('share', -3, 0)).toBe(0);
  });

  it('respects every daily cap for any sequence of events, in the creator zone', () => {
    fc.assert(
      fc.property(
        fc.array(arbEvent, { maxLength: 200 }),
        fc.constantFrom('UTC', 'America/New_York', 'Asia/Kolkata'),
        (events, zone) => {
          const tally = tallyFanPoints(events, zone);
          const perDay = new Map<string, number>();
          const raw = new Map<string, number>();
          events.forEach((e, i) => {
            const key = `${localDayNumber(e.at, zone)}:${e.mission}`;
            perDay.set(key, (perDay.get(key) ?? 0) + tally.perEvent[i]!);
            raw.set(key, (raw.get(key) ?? 0) + (e.quantity ?? 1) * R.missions[e.mission].points);
          });
          for (const [key, points] of perDay) {
            const mission = key.split(':')[1] as FanEvent['mission'];
            // Capped, and nothing under the cap is withheld: the order of events cannot matter.
            expect(points).toBe(Math.min(raw.get(key)!, R.missions[mission].dailyCap));
          }
          expect(tally.total).toBe(tally.perEvent.reduce((s, p) => s + p, 0));
          expect(tally.earnedAt).toEqual([...tally.earnedAt].sort((a, b) => a - b));
        },
      ),
    );
  });

  it('starts a new day at local midnight', () => {
    const zone = 'America/New_York';
    const late = Date.parse('2026-03-02T04:59Z'); // 23:59 on the 1st in New York
    const t = tallyFanPoints(
      [
        { mission: 'share', at: late },
        { mission: 'share', at: late + 1 },
        { mission: 'share', at: late + 2 },
        { mission: 'share', at: late + 60_001 },
      ],
      zone,
    );
    expect(t.perEvent).toEqual([5, 5, 0, 5]);
  });
});

describe('fan levels', () => {
  it('starts at level 1 and reads thresholds inclusively', () => {
    expect(fanLevel(0)).toEqual({ level: 1, nextAt: 50, progress: 0 });
    expect(fanLevel(49).level).toBe(1);
    expect(fanLevel(50)).toEqual({ level: 2, nextAt: 150, progress: 0 });
    expect(fanLevel(100).progress).toBe(0.5);
    expect(fanLevel(28_000)).toEqual({ level: 20, nextAt: null, progress: 1 });
    expect(fanLevel(1e9).level).toBe(20);
  });

  it('never falls as points grow', () => {
    fc.assert(
      fc.property(fc.nat(40_000), fc.nat(5_000), (p, more) => {
        expect(fanLevel(p + more).level).toBeGreaterThanOrEqual(fanLevel(p).level);
      }),
    );
  });

  it('validates the rules', () => {
    expect(validateFanClubRules(R)).toEqual([]);
    expect(validateFanClubRules({ ...R, levelThresholds: [10, 5] })).toEqual([
      'levelThresholds must start at 0: joining is level 1',
      'levelThresholds[1] must be above levelThresholds[0]',
    ]);
    expect(
      validateFanClubRules({ ...R, missions: { ...R.missions, comment: { points: -1, dailyCap: 2.5 } } }),
    ).toHaveLength(2);
  });
});

describe('badge names', () => {
  it('accepts up to 8 characters as a reader counts them', () => {
    expect(checkFanBadgeName('  Stars  ')).toEqual({ ok: true, name: 'Stars' });
    expect(checkFanBadgeName('12345678')).toEqual({ ok: true, name: '12345678' });
    expect(checkFanBadgeName('👨‍👩‍👧‍👦🇫🇷fam')).toEqual({ ok: true, name: '👨‍👩‍👧‍👦🇫🇷fam' });
    expect(countCharacters('👨‍👩‍👧‍👦')).toBe(1);
    expect(checkFanBadgeName('Cafe\u0301')).toEqual({ ok: true, name: 'Café' });
  });

  it('refuses empty, long, control and invisible characters, and lone surrogates', () => {
    expect(checkFanBadgeName('123456789')).toEqual({
      ok: false,
      problems: ['the badge name must be at most 8 characters (got 9)'],
    });
    expect(checkFanBadgeName('   ').ok).toBe(false);
    for (const bad of ['a\nb', 'a\u0000', 'x\u007f', '\u0085x', 'ab\u202ecd', 'a\u200bb', '\ud800x'])
      expect(checkFanBadgeName(bad).ok, JSON.stringify(bad)).toBe(false);
  });
});
