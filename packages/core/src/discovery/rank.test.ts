import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RANKING as C, SIGNALS, type Signal } from './config.ts';
import { freshness, type RankedRoom, type RoomSignals, rankRooms } from './rank.ts';

const NOW = 1_700_000_000_000;
const MIN = 60_000;

const room = (sessionId: string, s: Partial<RoomSignals>): RoomSignals => ({
  sessionId,
  creatorId: `creator-${sessionId}`,
  startedAtMs: NOW - 30 * MIN,
  followers: 5_000,
  engagement: 0,
  watchTime: 0,
  newFollowers: 0,
  consistency: 0,
  retention: 0,
  ...s,
});

// Small value ranges so ties, the hard case for percentiles, come up often.
const arbRoom = (i: number) =>
  fc.record({
    sessionId: fc.constant(`s-${String(i).padStart(5, '0')}`),
    creatorId: fc.constant(`c-${i}`),
    startedAtMs: fc.integer({ min: NOW - 20 * MIN, max: NOW + MIN }),
    followers: fc.nat(300),
    engagement: fc.integer({ min: 0, max: 8 }).map((v) => v / 4),
    watchTime: fc.integer({ min: 0, max: 6 }).map((v) => v * 15_000),
    newFollowers: fc.nat(6),
    consistency: fc.integer({ min: 0, max: 4 }).map((v) => v / 4),
    retention: fc.integer({ min: 0, max: 4 }).map((v) => v / 4),
  });
const arbRooms = (max: number) =>
  fc
    .integer({ min: 1, max })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => arbRoom(i))))
    .map((rooms) => rooms as RoomSignals[]);

const positionOf = (ranked: RankedRoom[], id: string) => ranked.find((r) => r.sessionId === id)!.position;

describe('For You ranking', () => {
  it('ranks five fixture rooms in a known order', () => {
    // Each signal's values are distinct, so the percentiles are 0, 0.25, 0.5, 0.75 and 1.
    const rooms = [
      room('dance-battle', {
        engagement: 2.0,
        watchTime: 90_000,
        newFollowers: 3,
        consistency: 0.9,
        retention: 0.2,
      }),
      room('cooking-night', {
        engagement: 1.5,
        watchTime: 120_000,
        newFollowers: 4,
        consistency: 0.5,
        retention: 0.6,
      }),
      room('guitar-lessons', {
        engagement: 1.0,
        watchTime: 60_000,
        newFollowers: 5,
        consistency: 0.7,
        retention: 0.5,
      }),
      room('quiet-study', {
        followers: 80,
        engagement: 0.5,
        watchTime: 15_000,
        newFollowers: 2,
        consistency: 0.3,
        retention: 0.4,
      }),
      room('first-stream', {
        followers: 12,
        startedAtMs: NOW - MIN,
        engagement: 0.1,
        watchTime: 30_000,
        newFollowers: 0,
        consistency: 0.1,
        retention: 0,
      }),
    ];
    const ranked = rankRooms(rooms, C, NOW);
    expect(ranked.map((r) => [r.position, r.sessionId])).toEqual([
      [1, 'cooking-night'],
      [2, 'dance-battle'],
      [3, 'guitar-lessons'],
      [4, 'quiet-study'],
      [5, 'first-stream'],
    ]);
    const scores = Object.fromEntries(ranked.map((r) => [r.sessionId, r.score]));
    expect(scores['cooking-night']).toBeCloseTo(
      0.3 * 0.75 + 0.25 * 1 + 0.2 * 0.75 + 0.15 * 0.5 + 0.1 * 1,
      12,
    );
    expect(scores['dance-battle']).toBeCloseTo(0.3 + 0.25 * 0.75 + 0.2 * 0.5 + 0.15 + 0.1 * 0.25, 12);
    expect(scores['guitar-lessons']).toBeCloseTo(0.3 * 0.5 + 0.25 * 0.5 + 0.2 + 0.15 * 0.75 + 0.1 * 0.75, 12);
    expect(scores['quiet-study']).toBeCloseTo(0.3 * 0.25 + 0.2 * 0.25 + 0.15 * 0.25 + 0.1 * 0.5, 12);
    // One minute in, the newcomer keeps 4/5 of the 0.10 freshness boost.
    expect(scores['first-stream']).toBeCloseTo(0.25 * 0.25 + 0.08, 12);
    const first = ranked.find((r) => r.sessionId === 'first-stream')!;
    expect(first.freshness).toBeCloseTo(0.08, 12);
    expect(first.explorer).toBe(true);
    expect(ranked.filter((r) => r.explorer).map((r) => r.sessionId)).toEqual(['quiet-study', 'first-stream']);
    const cooking = ranked[0]!;
    expect(cooking.creatorId).toBe('creator-cooking-night');
    expect(cooking.breakdown.find((b) => b.signal === 'watchTime')).toEqual({
      signal: 'watchTime',
      value: 120_000,
      percentile: 1,
      weight: 0.25,
      contribution: 0.25,
    });
  });

  it('breaks score ties by sessionId and normalises by the weight sum', () => {
    const doubled = { ...C, weights: { ...C.weights, engagement: 0.6, watchTime: 0.5 } };
    const rooms = [room('b', { engagement: 1 }), room('c', { engagement: 1 }), room('a', { engagement: 1 })];
    const ranked = rankRooms(rooms, doubled, NOW);
    expect(ranked.map((r) => r.sessionId)).toEqual(['a', 'b', 'c']);
    const total = 0.6 + 0.5 + 0.2 + 0.15 + 0.1;
    for (const b of ranked[0]!.breakdown) expect(b.contribution).toBe((b.weight * b.percentile) / total);
    expect(ranked[0]!.score).toBeCloseTo(0.5, 12);
    expect(rankRooms([], C, NOW)).toEqual([]);
  });

  it('raising one signal of one room never lowers its score nor lets another room pass it', () => {
    fc.assert(
      fc.property(
        arbRooms(25),
        fc.nat(),
        fc.constantFrom<Signal>(...SIGNALS),
        fc.integer({ min: 1, max: 8 }),
        (rooms, pick, signal, steps) => {
          const target = rooms[pick % rooms.length]!;
          const raised = rooms.map((r) =>
            r === target
              ? { ...r, [signal]: r[signal] + steps * (signal === 'watchTime' ? 15_000 : 0.25) }
              : r,
          );
          const before = rankRooms(rooms, C, NOW);
          const after = rankRooms(raised, C, NOW);
          const score = (ranked: RankedRoom[]) => ranked.find((r) => r.sessionId === target.sessionId)!.score;
          expect(score(after)).toBeGreaterThanOrEqual(score(before));
          expect(positionOf(after, target.sessionId)).toBeLessThanOrEqual(
            positionOf(before, target.sessionId),
          );
          for (const other of rooms) {
            if (other === target) continue;
            if (positionOf(before, target.sessionId) < positionOf(before, other.sessionId))
              expect(positionOf(after, target.sessionId)).toBeLessThan(positionOf(after, other.sessionId));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives every room a consistent score, breakdown and position', () => {
    fc.assert(
      fc.property(arbRooms(40), (rooms) => {
        const ranked = rankRooms(rooms, C, NOW);
        expect(ranked.map((r) => r.position)).toEqual(rooms.map((_, i) => i + 1));
        expect(new Set(ranked.map((r) => r.sessionId)).size).toBe(rooms.length);
        for (let i = 0; i < ranked.length; i++) {
          const r = ranked[i]!;
          const input = rooms.find((x) => x.sessionId === r.sessionId)!;
          expect(r.breakdown.map((b) => b.signal)).toEqual([...SIGNALS]);
          for (const b of r.breakdown) expect(b.value).toBe(input[b.signal]);
          const sum = r.breakdown.reduce((n, b) => n + b.contribution, 0);
          expect(r.score).toBeCloseTo(sum + r.freshness, 12);
          expect(r.freshness).toBe(freshness(NOW - input.startedAtMs, C));
          expect(r.explorer).toBe(input.followers < C.explorationMaxFollowers);
          const next = ranked[i + 1];
          if (next)
            expect(r.score > next.score || (r.score === next.score && r.sessionId < next.sessionId)).toBe(
              true,
            );
        }
      }),
    );
  });

  it('fades freshness linearly from freshnessBoost at 0 to nothing at freshnessMs', () => {
    expect(freshness(0, C)).toBe(C.freshnessBoost);
    expect(freshness(C.freshnessMs / 2, C)).toBeCloseTo(C.freshnessBoost / 2, 12);
    expect(freshness(C.freshnessMs, C)).toBe(0);
    expect(freshness(C.freshnessMs + 1, C)).toBe(0);
    expect(freshness(-5_000, C)).toBe(C.freshnessBoost);
    expect(freshness(0, { ...C, freshnessMs: 0 })).toBe(0);
    fc.assert(
      fc.property(fc.integer({ min: -MIN, max: 20 * MIN }), fc.nat(10 * MIN), (age, later) => {
        const f = freshness(age, C);
        expect(f).toBeGreaterThanOrEqual(0);
        expect(f).toBeLessThanOrEqual(C.freshnessBoost);
        expect(freshness(age + later, C)).toBeLessThanOrEqual(f);
      }),
    );
  });

  it('is a pure function on 10,000 rooms: same input, same output, input untouched', () => {
    const rooms = fc
      .sample(
        fc
          .nat(1_000)
          .chain((i) =>
            arbRoom(i).map((r) => ({ ...r, engagement: r.engagement * 1.37, watchTime: r.watchTime + i })),
          ),
        { numRuns: 10_000, seed: 20_240_601 },
      )
      .map((r, i) => ({ ...r, sessionId: `s-${i}`, creatorId: `c-${i}` }));
    const copy = structuredClone(rooms);
    const a = rankRooms(rooms, C, NOW);
    const b = rankRooms(copy, C, NOW);
    expect(b).toEqual(a);
    expect(rooms).toEqual(copy);
    expect(a).toHaveLength(10_000);
    expect(a.at(-1)!.position).toBe(10_000);
  });

  it('reads a missing (NaN) measurement as 0 instead of breaking the sort', () => {
    const ranked = rankRooms(
      [room('x', { engagement: Number.NaN, watchTime: 10 }), room('y', { engagement: 0, watchTime: 5 })],
      C,
      NOW,
    );
    expect(ranked.map((r) => r.sessionId)).toEqual(['x', 'y']);
    expect(ranked[0]!.breakdown[0]).toMatchObject({ signal: 'engagement', value: 0, percentile: 0.5 });
  });
});
