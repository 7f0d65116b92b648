import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, liftAdvice } from './advice.ts';
import { DEFAULT_RANKING as C, SIGNALS, type Signal } from './config.ts';
import type { SignalBreakdown } from './rank.ts';

const breakdown = (entries: Record<Signal, [value: number, percentile: number]>): SignalBreakdown[] =>
  SIGNALS.map((signal) => {
    const [value, percentile] = entries[signal];
    const weight = C.weights[signal];
    return { signal, value, percentile, weight, contribution: weight * percentile };
  });

describe('lift advice', () => {
  it('picks the signal with the most score left on the table and quotes its value', () => {
    const room = {
      breakdown: breakdown({
        engagement: [1.8, 0.9],
        watchTime: [40_000, 0.2],
        newFollowers: [6, 0.8],
        consistency: [0.6, 0.5],
        retention: [0.3, 0.1],
      }),
    };
    // Gains: engagement 0.03, watchTime 0.2, newFollowers 0.04, consistency 0.075, retention 0.09.
    const advice = liftAdvice(room, C);
    expect(advice.signal).toBe('watchTime');
    expect(advice.gain).toBeCloseTo(0.2, 12);
    expect(advice.message).toBe(
      'Viewers leave after 40 s on average: open with a question and keep the first minute moving.',
    );
  });

  it('writes a concrete message for every signal', () => {
    const only = (signal: Signal, value: number) =>
      liftAdvice(
        {
          breakdown: breakdown({
            engagement: [0, 1],
            watchTime: [0, 1],
            newFollowers: [0, 1],
            consistency: [0, 1],
            retention: [0, 1],
            [signal]: [value, 0],
          }),
        },
        C,
      );
    expect(only('engagement', 0.4321).message).toBe(
      'Few viewers interact (0.43 per viewer-minute): ask for comments, run a poll, thank gifters by name.',
    );
    expect(only('newFollowers', 1.25).message).toBe(
      'Only 1.3 new followers per 100 viewers: ask viewers to follow and say when you are LIVE next.',
    );
    expect(only('retention', 0.12).message).toBe(
      'Few returning viewers (12%): go LIVE at the same times each week and schedule your next LIVE.',
    );
    expect(only('consistency', 0.35).message).toContain('your consistency is 35%');
    const lowConsistency = {
      breakdown: breakdown({
        engagement: [0, 1],
        watchTime: [0, 1],
        newFollowers: [0, 1],
        consistency: [0.35, 0],
        retention: [0, 1],
      }),
    };
    const withDays = liftAdvice(lowConsistency, C, { liveDays28: 6 });
    expect(withDays.message).toBe(
      'Go LIVE on more days and keep your scheduled events: 6 LIVE days in the last 4 weeks.',
    );
    expect(only('watchTime', 125_000).message).toContain('after 2 min 5 s on average');
  });

  it('always chooses a signal whose gain is the largest, for any breakdown', () => {
    fc.assert(
      fc.property(
        fc.tuple(
          ...SIGNALS.map(() =>
            fc.tuple(
              fc.nat(100_000),
              fc.integer({ min: 0, max: 20 }).map((p) => p / 20),
            ),
          ),
        ),
        (pairs) => {
          const b = breakdown(
            Object.fromEntries(SIGNALS.map((s, i) => [s, pairs[i]!])) as Record<Signal, [number, number]>,
          );
          const advice = liftAdvice({ breakdown: b }, C);
          const gains = b.map((x) => x.weight * (1 - x.percentile));
          expect(advice.gain).toBeCloseTo(Math.max(...gains), 12);
          const chosen = b.find((x) => x.signal === advice.signal)!;
          expect(chosen.weight * (1 - chosen.percentile)).toBeCloseTo(Math.max(...gains), 12);
        },
      ),
    );
  });

  it('tells a room at the top of every signal to keep going', () => {
    const top = breakdown({
      engagement: [3, 1],
      watchTime: [300_000, 1],
      newFollowers: [9, 1],
      consistency: [1, 1],
      retention: [0.8, 1],
    });
    const advice = liftAdvice({ breakdown: top }, C);
    expect(advice.gain).toBe(0);
    expect(advice.message).toContain('every signal');
  });

  it('formats durations the way creators read them', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(40_400)).toBe('40 s');
    expect(formatDuration(59_600)).toBe('1 min');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(3_600_000 + 10 * 60_000 + 7_000)).toBe('1 h 10 min');
  });
});
