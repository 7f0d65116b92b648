/**
 * "Why am I ranked here, and what would lift me": the signal where the room leaves the most score
 * on the table, and a concrete thing to do about it, quoting the room's own figure.
 */
import { type RankingConfig, SIGNALS, type Signal, weightSum } from './config.ts';
import type { SignalBreakdown } from './rank.ts';

export interface LiftAdvice {
  signal: Signal;
  /** Score points still available on this signal: weight * (1 - percentile) / sum(weights). */
  gain: number;
  message: string;
}

/** Facts the breakdown does not carry, for a more concrete consistency message. */
export interface AdviceFacts {
  liveDays28?: number;
}

/** "40 s", "2 min 5 s", "2 min", "1 h 10 min". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  if (total < 60) return `${total} s`;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  return s > 0 ? `${m} min ${s} s` : `${m} min`;
}

/** Up to `digits` decimals, without trailing zeros: 0.4, 1.25, 3. */
const decimal = (v: number, digits: number) => String(Number(v.toFixed(digits)));
const percent = (share: number) => `${Math.round(share * 100)}%`;

function message(signal: Signal, value: number, facts: AdviceFacts): string {
  switch (signal) {
    case 'watchTime':
      return `Viewers leave after ${formatDuration(value)} on average: open with a question and keep the first minute moving.`;
    case 'engagement':
      return `Few viewers interact (${decimal(value, 2)} per viewer-minute): ask for comments, run a poll, thank gifters by name.`;
    case 'newFollowers':
      return `Only ${decimal(value, 1)} new followers per 100 viewers: ask viewers to follow and say when you are LIVE next.`;
    case 'consistency':
      return facts.liveDays28 !== undefined
        ? `Go LIVE on more days and keep your scheduled events: ${facts.liveDays28} LIVE days in the last 4 weeks.`
        : `Go LIVE on more days and keep your scheduled events: your consistency is ${percent(value)}.`;
    case 'retention':
      return `Few returning viewers (${percent(value)}): go LIVE at the same times each week and schedule your next LIVE.`;
  }
}

/**
 * The signal with the largest gain (ties: in SIGNALS order) and what to do about it. A room at the
 * top of every signal is told so instead.
 */
export function liftAdvice(
  room: { breakdown: readonly SignalBreakdown[] },
  c: RankingConfig,
  facts: AdviceFacts = {},
): LiftAdvice {
  const total = weightSum(c.weights);
  let best: { entry: SignalBreakdown; gain: number } | null = null;
  for (const signal of SIGNALS) {
    const entry = room.breakdown.find((b) => b.signal === signal);
    if (!entry) continue;
    const gain = total > 0 ? (c.weights[signal] * (1 - entry.percentile)) / total : 0;
    if (best === null || gain > best.gain) best = { entry, gain };
  }
  if (best === null) throw new RangeError('liftAdvice needs a ranked room with a signal breakdown');
  if (best.gain <= 0)
    return {
      signal: best.entry.signal,
      gain: 0,
      message:
        'You lead the rooms LIVE now on every signal: keep your schedule so your viewers find you again.',
    };
  return {
    signal: best.entry.signal,
    gain: best.gain,
    message: message(best.entry.signal, best.entry.value, facts),
  };
}
