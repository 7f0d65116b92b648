import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventKind, type MetricEvent } from './events.ts';
import {
  computeSessionMetrics,
  concurrentPerMinute,
  mergeIntervals,
  peakConcurrency,
  viewIntervals,
} from './session.ts';

const T0 = Date.UTC(2026, 0, 6, 20, 0, 0); // a Tuesday, 8 pm UTC
const s = (seconds: number) => T0 + seconds * 1000;
const ev = (viewerId: string, kind: EventKind, atS: number, value = 1): MetricEvent => ({
  viewerId,
  kind,
  at: s(atS),
  value,
});
const start = (v: string, atS: number) => ev(v, EventKind.viewStart, atS);
const end = (v: string, atS: number) => ev(v, EventKind.viewEnd, atS);

describe('watch intervals', () => {
  it('merges overlapping and touching intervals', () => {
    expect(
      mergeIntervals([
        { start: 10, end: 20 },
        { start: 0, end: 5 },
        { start: 15, end: 30 },
        { start: 30, end: 31 },
        { start: 40, end: 41 },
      ]),
    ).toEqual([
      { start: 0, end: 5 },
      { start: 10, end: 31 },
      { start: 40, end: 41 },
    ]);
  });

  it('counts two overlapping sockets of one viewer as one stretch of watching', () => {
    const events = [start('a', 0), start('a', 30), end('a', 60), end('a', 90)];
    expect(viewIntervals(events, s(0), s(600)).get('a')).toEqual([{ start: s(0), end: s(90) }]);
  });

  it('keeps a reconnecting viewer as one viewer with two stretches, and closes open views at the end', () => {
    const events = [start('a', 0), end('a', 60), start('a', 120), end('x', 5)];
    const intervals = viewIntervals(events, s(0), s(300));
    expect([...intervals.keys()]).toEqual(['a']);
    expect(intervals.get('a')).toEqual([
      { start: s(0), end: s(60) },
      { start: s(120), end: s(300) },
    ]);
  });

  it('clamps views to the session', () => {
    const events = [start('a', -30), end('a', 30), start('b', 250), end('b', 400)];
    const intervals = viewIntervals(events, s(0), s(300));
    expect(intervals.get('a')).toEqual([{ start: s(0), end: s(30) }]);
    expect(intervals.get('b')).toEqual([{ start: s(250), end: s(300) }]);
  });

  it('total watch time is the union per viewer, never more than the session per viewer', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ v: fc.constantFrom('a', 'b', 'c'), at: fc.nat({ max: 600 }), start: fc.boolean() }),
          { maxLength: 60 },
        ),
        (raw) => {
          const events = raw.map((r) => (r.start ? start(r.v, r.at) : end(r.v, r.at)));
          const intervals = viewIntervals(events, s(0), s(600));
          for (const list of intervals.values()) {
            const total = list.reduce((n, i) => n + i.end - i.start, 0);
            expect(total).toBeLessThanOrEqual(600_000);
            for (let k = 1; k < list.length; k++) expect(list[k]!.start).toBeGreaterThan(list[k - 1]!.end);
          }
        },
      ),
    );
  });
});

describe('peak concurrency', () => {
  it('finds the peak and when it was first reached', () => {
    const perViewer = [
      [{ start: 0, end: 100 }],
      [{ start: 50, end: 150 }],
      [{ start: 60, end: 70 }],
      [{ start: 120, end: 130 }],
    ];
    expect(peakConcurrency(perViewer)).toEqual({ peak: 3, at: 60 });
  });

  it('does not count a hand-over at the same instant as two viewers', () => {
    expect(peakConcurrency([[{ start: 0, end: 10 }], [{ start: 10, end: 20 }]])).toEqual({ peak: 1, at: 0 });
  });

  it('reports the most viewers at once in each minute', () => {
    const perViewer = [
      [{ start: 0, end: 90_000 }],
      [{ start: 30_000, end: 60_000 }],
      [{ start: 150_000, end: 170_000 }],
    ];
    expect(concurrentPerMinute(perViewer, 0, 4)).toEqual([2, 1, 1, 0]);
  });
});

describe('computeSessionMetrics on a hand-built session', () => {
  // 10 minutes. a: watches 0–300 s, comments twice, gifts 100 coins; b: 60–120 s then reconnects
  // 200–600 s (open at the end), taps 30 hearts; c: 100–150 s only (an early exit), shares;
  // d: 500–600 s, follows. The creator's own view does not count.
  const events: MetricEvent[] = [
    start('creator', 0),
    start('a', 0),
    ev('a', EventKind.comment, 10),
    ev('a', EventKind.comment, 70),
    ev('a', EventKind.gift, 80, 100),
    end('a', 300),
    start('b', 60),
    end('b', 120),
    start('b', 200),
    ev('b', EventKind.heart, 210, 30),
    start('c', 100),
    ev('c', EventKind.share, 110),
    end('c', 150),
    start('d', 500),
    ev('d', EventKind.follow, 510),
    ev('d', EventKind.follow, 520),
    ev('creator', EventKind.comment, 5),
    ev('rival', EventKind.battleStart, 60),
    ev('a', EventKind.gift, 90, 50),
    ev('rival', EventKind.battleEnd, 120, 1),
  ];
  const { metrics, viewers } = computeSessionMetrics({
    creatorId: 'creator',
    startedAt: s(0),
    endedAt: s(600),
    events,
    priorViewers: new Set(['b', 'd']),
  });

  it('duration, unique viewers (a reconnect counted once) and peak', () => {
    expect(metrics.durationS).toBe(600);
    expect(metrics.uniqueViewers).toBe(4);
    // a, b and c all watch between 100 and 120 s.
    expect(metrics.peakViewers).toBe(3);
    expect(metrics.peakAt).toBe(s(100));
  });

  it('watch time: total and average', () => {
    // a 300 + b (60 + 400) + c 50 + d 100 = 910 s
    expect(metrics.totalWatchS).toBe(910);
    expect(metrics.avgWatchS).toBe(Math.round(910 / 4));
    expect(viewers.find((v) => v.viewerId === 'b')?.watchMs).toBe(460_000);
  });

  it('engagement: counts, rates and engaged viewers', () => {
    expect(metrics.comments).toBe(2);
    expect(metrics.hearts).toBe(30);
    expect(metrics.shares).toBe(1);
    expect(metrics.newFollowers).toBe(1);
    expect(metrics.gifts).toBe(2);
    expect(metrics.coins).toBe(150);
    expect(metrics.commentsPerMin).toBe(0.2);
    expect(metrics.heartsPerMin).toBe(3);
    expect(metrics.engagedViewers).toBe(4);
    expect(metrics.engagementRate).toBe(1);
  });

  it('returning vs new, early exits, supporters and battles', () => {
    expect(metrics.returningViewers).toBe(2);
    expect(metrics.newViewers).toBe(2);
    expect(metrics.earlyExits).toBe(1);
    expect(metrics.topSupporters).toEqual([{ viewerId: 'a', coins: 150, gifts: 2 }]);
    expect(metrics.battles.wins).toBe(1);
    expect(metrics.battles.list).toEqual([
      { opponentId: 'rival', startedAt: s(60), endedAt: s(120), result: 1, coins: 150 },
    ]);
  });

  it('per-minute buckets', () => {
    expect(metrics.minutes).toHaveLength(10);
    expect(metrics.minutes.map((m) => m.viewers)).toEqual([1, 3, 2, 2, 2, 1, 1, 1, 2, 2]);
    expect(metrics.minutes[0]).toMatchObject({ joins: 1, comments: 1 });
    expect(metrics.minutes[1]).toMatchObject({ joins: 2, comments: 1, gifts: 2, coins: 150, shares: 1 });
    expect(metrics.minutes[2]).toMatchObject({ leaves: 2, shares: 0 });
    expect(metrics.minutes[8]).toMatchObject({ joins: 1, follows: 1 });
  });

  it('a session with nobody watching is all zeros, not NaN', () => {
    const empty = computeSessionMetrics({ creatorId: 'c', startedAt: s(0), endedAt: s(30), events: [] });
    expect(empty.metrics).toMatchObject({ uniqueViewers: 0, avgWatchS: 0, engagementRate: 0, peakAt: null });
    expect(empty.metrics.minutes).toHaveLength(1);
  });
});
