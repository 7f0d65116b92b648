import { hourOfWeekInZone } from '../time/zoned.ts';
import { hourOfWeek } from './audience.ts';
import type { SessionMetrics } from './session.ts';

export interface InsightSession {
  id: string;
  startedAt: number;
  metrics: Pick<
    SessionMetrics,
    | 'durationS'
    | 'uniqueViewers'
    | 'totalWatchS'
    | 'avgWatchS'
    | 'engagementRate'
    | 'newFollowers'
    | 'earlyExits'
    | 'coins'
    | 'returningViewers'
    | 'battles'
  >;
}

export interface Insight {
  /** Stable per rule, so a client can remember "dismissed". */
  id: string;
  kind: 'warning' | 'opportunity' | 'win';
  title: string;
  /** Why the rule fired, in words, with the numbers. */
  explanation: string;
  /** The figure that triggered it. */
  metric: { name: string; value: number; threshold: number };
  action: string;
}

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export function slotLabel(how: number): string {
  const day = DAYS[Math.floor(how / 24)]!;
  const h = how % 24;
  const hour = h === 0 ? '12 am' : h < 12 ? `${h} am` : h === 12 ? '12 pm' : `${h - 12} pm`;
  return `${day} ${hour}`;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const pct = (n: number) => `${Math.round(n * 100)}%`;

/** Rules need this many viewers before a percentage means anything. */
const MIN_VIEWERS = 5;

/**
 * Rule-based coaching over the creator's recent sessions (newest first). Each rule names the figure
 * that fired it and one concrete thing to do; rules stay silent without enough data.
 */
export function coachingInsights(
  sessions: readonly InsightSession[],
  /** `timeZone` (IANA) places each session by the offset in force then; it wins over `tzOffsetMin`. */
  opts: { tzOffsetMin?: number; timeZone?: string; opponentName?: (id: string) => string } = {},
): Insight[] {
  const out: Insight[] = [];
  const tz = opts.tzOffsetMin ?? 0;
  const latest = sessions[0];

  // 1. Viewers who leave in the first two minutes and never come back.
  if (latest && latest.metrics.uniqueViewers >= MIN_VIEWERS) {
    const share = latest.metrics.earlyExits / latest.metrics.uniqueViewers;
    if (share >= 0.4) {
      out.push({
        id: 'early-exits',
        kind: 'warning',
        title: 'Viewers leave in the first 2 minutes',
        explanation: `${pct(share)} of your last session's viewers (${latest.metrics.earlyExits} of ${latest.metrics.uniqueViewers}) left within 2 minutes and did not come back.`,
        metric: { name: 'earlyExitRate', value: round1(share * 100) / 100, threshold: 0.4 },
        action: 'Open with a question or a hook in the first minute, and greet newcomers by name.',
      });
    }
  }

  // 2. A weekly slot whose sessions hold viewers much longer than the rest.
  const slots = new Map<number, InsightSession[]>();
  for (const s of sessions) {
    const how = opts.timeZone ? hourOfWeekInZone(s.startedAt, opts.timeZone) : hourOfWeek(s.startedAt, tz);
    slots.set(how, [...(slots.get(how) ?? []), s]);
  }
  const avgWatch = (list: readonly InsightSession[]) =>
    list.reduce((n, s) => n + s.metrics.avgWatchS, 0) / Math.max(1, list.length);
  let best: { how: number; ratio: number; count: number } | null = null;
  for (const [how, list] of slots) {
    if (list.length < 2) continue;
    const others = sessions.filter((s) => !list.includes(s));
    if (others.length < 2) continue;
    const base = avgWatch(others);
    if (base <= 0) continue;
    const ratio = avgWatch(list) / base;
    if (ratio >= 1.5 && (!best || ratio > best.ratio)) best = { how, ratio, count: list.length };
  }
  if (best) {
    out.push({
      id: 'best-slot',
      kind: 'opportunity',
      title: `Your ${slotLabel(best.how)} sessions get ${round1(best.ratio)}× watch time`,
      explanation: `Across ${best.count} sessions started ${slotLabel(best.how)}, viewers watched ${round1(best.ratio)}× longer on average than in your other sessions.`,
      metric: { name: 'avgWatchRatio', value: round1(best.ratio), threshold: 1.5 },
      action: `Schedule your next LIVEs for ${slotLabel(best.how)} and announce it in advance.`,
    });
  }

  // 3. Battles that raised gifts: coins per minute during battles vs the rest of the time.
  let battleCoins = 0;
  let battleMs = 0;
  let restCoins = 0;
  let restMs = 0;
  const byOpponent = new Map<string, { coins: number; ms: number }>();
  for (const s of sessions) {
    let inBattleCoins = 0;
    let inBattleMs = 0;
    for (const b of s.metrics.battles.list) {
      const ms = Math.max(1, b.endedAt - b.startedAt);
      inBattleCoins += b.coins;
      inBattleMs += ms;
      const o = byOpponent.get(b.opponentId) ?? { coins: 0, ms: 0 };
      o.coins += b.coins;
      o.ms += ms;
      byOpponent.set(b.opponentId, o);
    }
    battleCoins += inBattleCoins;
    battleMs += inBattleMs;
    restCoins += Math.max(0, s.metrics.coins - inBattleCoins);
    restMs += Math.max(0, s.metrics.durationS * 1000 - inBattleMs);
  }
  if (battleMs > 0 && battleCoins > 0) {
    const perMinBattle = battleCoins / (battleMs / 60_000);
    const perMinRest = restMs > 0 ? restCoins / (restMs / 60_000) : 0;
    const ratio = perMinRest > 0 ? perMinBattle / perMinRest : Number.POSITIVE_INFINITY;
    if (ratio >= 2) {
      const [topId] = [...byOpponent.entries()].sort(
        (a, b) => b[1].coins / b[1].ms - a[1].coins / a[1].ms,
      )[0]!;
      const name = opts.opponentName?.(topId) ?? topId;
      const shown = Number.isFinite(ratio) ? `${round1(ratio)}×` : 'far more';
      out.push({
        id: 'battles-raise-gifts',
        kind: 'win',
        title: `Battles raised gifts ${shown}`,
        explanation: `During battles you received ${Math.round(perMinBattle)} coins a minute, against ${Math.round(perMinRest)} the rest of the time.`,
        metric: {
          name: 'battleGiftRatio',
          value: Number.isFinite(ratio) ? round1(ratio) : 999,
          threshold: 2,
        },
        action: `Partner with ${name} again: your battles with them brought the most gifts a minute.`,
      });
    }
  }

  // 4. Watching but not taking part.
  if (latest && latest.metrics.uniqueViewers >= 10 && latest.metrics.engagementRate < 0.1) {
    out.push({
      id: 'low-engagement',
      kind: 'warning',
      title: 'Few viewers take part',
      explanation: `Only ${pct(latest.metrics.engagementRate)} of your last session's ${latest.metrics.uniqueViewers} viewers commented, tapped hearts, shared, followed or gifted.`,
      metric: { name: 'engagementRate', value: latest.metrics.engagementRate, threshold: 0.1 },
      action: 'Ask a question every few minutes and call out the first viewers who answer.',
    });
  }

  // 5. Viewers who do not turn into followers.
  if (latest && latest.metrics.uniqueViewers >= 20) {
    const per100 = (latest.metrics.newFollowers / latest.metrics.uniqueViewers) * 100;
    if (per100 < 2) {
      out.push({
        id: 'few-follows',
        kind: 'opportunity',
        title: 'Viewers rarely follow',
        explanation: `${round1(per100)} new followers per 100 viewers last session.`,
        metric: { name: 'followsPer100Viewers', value: round1(per100), threshold: 2 },
        action: 'Pin a comment asking viewers to follow, and thank each new follower out loud.',
      });
    }
  }

  // 6. Short sessions: too little time for viewers to find the LIVE.
  const recent = sessions.slice(0, 5);
  if (recent.length >= 3) {
    const avgMin = recent.reduce((n, s) => n + s.metrics.durationS, 0) / recent.length / 60;
    if (avgMin < 15) {
      out.push({
        id: 'short-sessions',
        kind: 'opportunity',
        title: 'Your sessions are short',
        explanation: `Your last ${recent.length} sessions lasted ${round1(avgMin)} minutes on average.`,
        metric: { name: 'avgDurationMin', value: round1(avgMin), threshold: 15 },
        action: 'Stay LIVE for at least 30 minutes: new viewers keep arriving after the start.',
      });
    }
    // 7. Nobody comes back.
    const viewers = recent.reduce((n, s) => n + s.metrics.uniqueViewers, 0);
    const returning = recent.reduce((n, s) => n + s.metrics.returningViewers, 0);
    if (viewers >= 20 && returning / viewers < 0.2) {
      out.push({
        id: 'few-returning',
        kind: 'warning',
        title: 'Few viewers come back',
        explanation: `Only ${pct(returning / viewers)} of the viewers in your last ${recent.length} sessions had watched you before.`,
        metric: {
          name: 'returningRate',
          value: Math.round((returning / viewers) * 100) / 100,
          threshold: 0.2,
        },
        action: 'Go LIVE at the same times each week and tell viewers when you are back before you end.',
      });
    }
  }
  return out;
}
