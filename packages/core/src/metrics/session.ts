import { ENGAGEMENT_KINDS, EventKind, type MetricEvent } from './events.ts';

export interface Interval {
  start: number;
  end: number;
}

/** Leaving within this long of arriving, and not coming back, is an early exit. */
export const EARLY_EXIT_MS = 120_000;
const MINUTE = 60_000;

/**
 * Sorts and merges overlapping or touching intervals. Two tabs, or a reconnect that overlaps the old
 * socket's close, are one stretch of watching.
 */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out.at(-1);
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ start: i.start, end: i.end });
  }
  return out;
}

/**
 * Per viewer, the stretches they watched: view starts and ends are counted like open sockets (a
 * viewer with two sockets is watching until both close), an end without a start is ignored, and
 * anything still open when the session ends is closed at the end. Clamped to [from, to].
 */
export function viewIntervals(
  events: readonly MetricEvent[],
  from: number,
  to: number,
): Map<string, Interval[]> {
  const byViewer = new Map<string, MetricEvent[]>();
  for (const e of events) {
    if (e.kind !== EventKind.viewStart && e.kind !== EventKind.viewEnd) continue;
    let list = byViewer.get(e.viewerId);
    if (!list) {
      list = [];
      byViewer.set(e.viewerId, list);
    }
    list.push(e);
  }
  const out = new Map<string, Interval[]>();
  for (const [viewer, list] of byViewer) {
    list.sort((a, b) => a.at - b.at || a.kind - b.kind);
    const raw: Interval[] = [];
    let depth = 0;
    let openedAt = 0;
    for (const e of list) {
      if (e.kind === EventKind.viewStart) {
        if (depth === 0) openedAt = e.at;
        depth++;
      } else if (depth > 0) {
        depth--;
        if (depth === 0) raw.push({ start: openedAt, end: e.at });
      }
    }
    if (depth > 0) raw.push({ start: openedAt, end: Math.max(openedAt, to) });
    const clamped = raw
      .map((i) => ({
        start: Math.max(from, Math.min(i.start, to)),
        end: Math.max(from, Math.min(i.end, to)),
      }))
      .filter((i) => i.end >= i.start);
    if (clamped.length > 0) out.set(viewer, mergeIntervals(clamped));
  }
  return out;
}

/** Highest number of viewers watching at once, and when that was first reached. */
export function peakConcurrency(perViewer: Iterable<readonly Interval[]>): {
  peak: number;
  at: number | null;
} {
  const points: [number, number][] = [];
  for (const list of perViewer) {
    for (const i of list) {
      if (i.end <= i.start) continue;
      points.push([i.start, 1], [i.end, -1]);
    }
  }
  // Leaves before joins at the same instant: a hand-over is not two viewers at once.
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let peak = 0;
  let at: number | null = null;
  for (const [t, d] of points) {
    current += d;
    if (current > peak) {
      peak = current;
      at = t;
    }
  }
  return { peak, at };
}

/** For each minute of [from, to), the most viewers watching at once during it. */
export function concurrentPerMinute(
  perViewer: Iterable<readonly Interval[]>,
  from: number,
  minutes: number,
): number[] {
  const out = new Array<number>(minutes).fill(0);
  const points: [number, number][] = [];
  for (const list of perViewer) {
    for (const i of list) if (i.end > i.start) points.push([i.start, 1], [i.end, -1]);
  }
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  for (let k = 0; k < points.length; k++) {
    current += points[k]![1];
    const segStart = points[k]![0];
    const segEnd = k + 1 < points.length ? points[k + 1]![0] : segStart;
    if (current <= 0 || segEnd <= segStart) continue;
    const first = Math.max(0, Math.floor((segStart - from) / MINUTE));
    const last = Math.min(minutes - 1, Math.floor((segEnd - 1 - from) / MINUTE));
    for (let m = first; m <= last; m++) if (current > out[m]!) out[m] = current;
  }
  return out;
}

export interface MinuteBucket {
  /** Minutes since the session started. */
  minute: number;
  viewers: number;
  joins: number;
  leaves: number;
  comments: number;
  hearts: number;
  shares: number;
  follows: number;
  gifts: number;
  coins: number;
}

export interface ViewerSummary {
  viewerId: string;
  /** Epoch ms of their first view start (or first action, for someone who never watched). */
  firstAt: number;
  watchMs: number;
  comments: number;
  hearts: number;
  shares: number;
  gifts: number;
  coins: number;
  followed: boolean;
  engaged: boolean;
}

export interface BattleResult {
  opponentId: string;
  startedAt: number;
  endedAt: number;
  /** 1 win, 0 draw, -1 loss; null while the battle is still on. */
  result: 1 | 0 | -1 | null;
  /** Coins gifted in this session while the battle was on. */
  coins: number;
}

export interface SessionMetrics {
  durationS: number;
  uniqueViewers: number;
  peakViewers: number;
  /** Epoch ms when the peak was first reached. */
  peakAt: number | null;
  totalWatchS: number;
  avgWatchS: number;
  comments: number;
  hearts: number;
  shares: number;
  reactions: number;
  newFollowers: number;
  gifts: number;
  coins: number;
  engagedViewers: number;
  /** engaged viewers / unique viewers, 0..1. */
  engagementRate: number;
  commentsPerMin: number;
  heartsPerMin: number;
  sharesPerMin: number;
  newViewers: number;
  returningViewers: number;
  /** Viewers whose only visit lasted under two minutes. */
  earlyExits: number;
  topSupporters: { viewerId: string; coins: number; gifts: number }[];
  battles: { wins: number; losses: number; draws: number; list: BattleResult[] };
  minutes: MinuteBucket[];
}

export interface SessionInput {
  creatorId: string;
  startedAt: number;
  /** The end, or "now" for a session still LIVE. */
  endedAt: number;
  events: readonly MetricEvent[];
  /** Viewers seen in this creator's earlier sessions (decides returning vs new). */
  priorViewers?: ReadonlySet<string>;
}

const rate = (n: number, durationMs: number) =>
  durationMs > 0 ? Math.round((n / (durationMs / MINUTE)) * 100) / 100 : 0;

/** Every per-session figure from the raw events. The creator's own views and actions do not count. */
export function computeSessionMetrics(input: SessionInput): {
  metrics: SessionMetrics;
  viewers: ViewerSummary[];
} {
  const { creatorId, startedAt } = input;
  const endedAt = Math.max(startedAt, input.endedAt);
  const durationMs = endedAt - startedAt;
  const minutesCount = Math.max(1, Math.ceil(durationMs / MINUTE));
  const events = input.events.filter((e) => e.viewerId !== creatorId || isBattle(e.kind));
  const intervals = viewIntervals(events, startedAt, endedAt);
  const { peak, at: peakAt } = peakConcurrency(intervals.values());
  const perMinute = concurrentPerMinute(intervals.values(), startedAt, minutesCount);
  const minutes: MinuteBucket[] = perMinute.map((viewers, minute) => ({
    minute,
    viewers,
    joins: 0,
    leaves: 0,
    comments: 0,
    hearts: 0,
    shares: 0,
    follows: 0,
    gifts: 0,
    coins: 0,
  }));
  const bucket = (at: number) =>
    minutes[Math.min(minutesCount - 1, Math.max(0, Math.floor((at - startedAt) / MINUTE)))]!;

  const summaries = new Map<string, ViewerSummary>();
  const summary = (viewerId: string, at: number) => {
    let s = summaries.get(viewerId);
    if (!s) {
      s = {
        viewerId,
        firstAt: at,
        watchMs: 0,
        comments: 0,
        hearts: 0,
        shares: 0,
        gifts: 0,
        coins: 0,
        followed: false,
        engaged: false,
      };
      summaries.set(viewerId, s);
    } else if (at < s.firstAt) s.firstAt = at;
    return s;
  };

  let totalWatchMs = 0;
  let earlyExits = 0;
  for (const [viewer, list] of intervals) {
    const s = summary(viewer, list[0]!.start);
    for (const i of list) {
      s.watchMs += i.end - i.start;
      bucket(i.start).joins++;
      if (i.end < endedAt) bucket(i.end).leaves++;
    }
    totalWatchMs += s.watchMs;
    const only = list.length === 1 ? list[0]! : null;
    if (only && only.end < endedAt && only.end - only.start < EARLY_EXIT_MS) earlyExits++;
  }

  let comments = 0;
  let hearts = 0;
  let shares = 0;
  let reactions = 0;
  let gifts = 0;
  let coins = 0;
  const followers = new Set<string>();
  const battleStarts = new Map<string, number>();
  const battles: BattleResult[] = [];
  const giftTimes: { at: number; coins: number }[] = [];
  for (const e of events) {
    switch (e.kind) {
      case EventKind.comment:
        comments++;
        summary(e.viewerId, e.at).comments++;
        bucket(e.at).comments++;
        break;
      case EventKind.heart:
        hearts += e.value;
        summary(e.viewerId, e.at).hearts += e.value;
        bucket(e.at).hearts += e.value;
        break;
      case EventKind.share:
        shares++;
        summary(e.viewerId, e.at).shares++;
        bucket(e.at).shares++;
        break;
      case EventKind.reaction:
        reactions++;
        summary(e.viewerId, e.at);
        break;
      case EventKind.follow:
        if (!followers.has(e.viewerId)) {
          followers.add(e.viewerId);
          bucket(e.at).follows++;
        }
        summary(e.viewerId, e.at).followed = true;
        break;
      case EventKind.gift: {
        gifts++;
        coins += e.value;
        const s = summary(e.viewerId, e.at);
        s.gifts++;
        s.coins += e.value;
        const b = bucket(e.at);
        b.gifts++;
        b.coins += e.value;
        giftTimes.push({ at: e.at, coins: e.value });
        break;
      }
      case EventKind.battleStart:
        battleStarts.set(e.viewerId, e.at);
        break;
      case EventKind.battleEnd: {
        const start = battleStarts.get(e.viewerId) ?? e.at;
        battleStarts.delete(e.viewerId);
        battles.push({
          opponentId: e.viewerId,
          startedAt: start,
          endedAt: e.at,
          result: e.value > 0 ? 1 : e.value < 0 ? -1 : 0,
          coins: 0,
        });
        break;
      }
    }
  }
  for (const [opponentId, start] of battleStarts) {
    battles.push({ opponentId, startedAt: start, endedAt, result: null, coins: 0 });
  }
  battles.sort((a, b) => a.startedAt - b.startedAt);
  for (const b of battles) {
    for (const g of giftTimes) if (g.at >= b.startedAt && g.at <= b.endedAt) b.coins += g.coins;
  }

  for (const e of events) if (ENGAGEMENT_KINDS.has(e.kind)) summary(e.viewerId, e.at).engaged = true;
  const uniqueViewers = intervals.size;
  let engagedViewers = 0;
  let returningViewers = 0;
  for (const viewer of intervals.keys()) {
    if (summaries.get(viewer)?.engaged) engagedViewers++;
    if (input.priorViewers?.has(viewer)) returningViewers++;
  }

  const topSupporters = [...summaries.values()]
    .filter((s) => s.coins > 0)
    .sort((a, b) => b.coins - a.coins || b.gifts - a.gifts || a.viewerId.localeCompare(b.viewerId))
    .slice(0, 10)
    .map((s) => ({ viewerId: s.viewerId, coins: s.coins, gifts: s.gifts }));

  const metrics: SessionMetrics = {
    durationS: Math.round(durationMs / 1000),
    uniqueViewers,
    peakViewers: peak,
    peakAt,
    totalWatchS: Math.round(totalWatchMs / 1000),
    avgWatchS: uniqueViewers > 0 ? Math.round(totalWatchMs / uniqueViewers / 1000) : 0,
    comments,
    hearts,
    shares,
    reactions,
    newFollowers: followers.size,
    gifts,
    coins,
    engagedViewers,
    engagementRate: uniqueViewers > 0 ? Math.round((engagedViewers / uniqueViewers) * 1000) / 1000 : 0,
    commentsPerMin: rate(comments, durationMs),
    heartsPerMin: rate(hearts, durationMs),
    sharesPerMin: rate(shares, durationMs),
    newViewers: uniqueViewers - returningViewers,
    returningViewers,
    earlyExits,
    topSupporters,
    battles: {
      wins: battles.filter((b) => b.result === 1).length,
      losses: battles.filter((b) => b.result === -1).length,
      draws: battles.filter((b) => b.result === 0).length,
      list: battles,
    },
    minutes,
  };
  return { metrics, viewers: [...summaries.values()] };
}

function isBattle(kind: number): boolean {
  return kind === EventKind.battleStart || kind === EventKind.battleEnd;
}
