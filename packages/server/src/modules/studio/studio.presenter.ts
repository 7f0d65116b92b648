import type { SessionMetrics } from '@onair/core';
import type { StudioSessionDetail, StudioSessionSummary, StudioUser } from '@onair/protocol';
import type { SessionInfo } from './studio.read-model.ts';
import type { FollowSource, UserRef } from './studio.repository.ts';

export const presentUser = (u: UserRef): StudioUser => ({
  id: u.id,
  handle: u.handle,
  displayName: u.displayName,
  avatarUrl: u.avatarUrl,
});

/** Figures a list row shows; a session nobody has computed yet shows zeros rather than nothing. */
type ListFigures = Pick<
  SessionMetrics,
  | 'durationS'
  | 'uniqueViewers'
  | 'peakViewers'
  | 'totalWatchS'
  | 'avgWatchS'
  | 'comments'
  | 'hearts'
  | 'shares'
  | 'newFollowers'
  | 'gifts'
  | 'coins'
  | 'engagementRate'
>;

const ZERO: ListFigures = {
  durationS: 0,
  uniqueViewers: 0,
  peakViewers: 0,
  totalWatchS: 0,
  avgWatchS: 0,
  comments: 0,
  hearts: 0,
  shares: 0,
  newFollowers: 0,
  gifts: 0,
  coins: 0,
  engagementRate: 0,
};

export function presentSummary(
  s: SessionInfo,
  m: ListFigures | null,
  diamonds: number,
): StudioSessionSummary {
  const f = m ?? ZERO;
  return {
    id: s.id,
    title: s.title,
    status: s.status,
    startedAt: (s.liveAt ?? s.startedAt).toISOString(),
    endedAt: s.endedAt?.toISOString() ?? null,
    durationS: f.durationS,
    uniqueViewers: f.uniqueViewers,
    peakViewers: f.peakViewers,
    totalWatchS: f.totalWatchS,
    avgWatchS: f.avgWatchS,
    comments: f.comments,
    hearts: f.hearts,
    shares: f.shares,
    newFollowers: f.newFollowers,
    gifts: f.gifts,
    coins: f.coins,
    diamonds,
    engagementRate: f.engagementRate,
  };
}

const RESULT = { 1: 'win', 0: 'draw', [-1]: 'loss' } as const;

export function presentDetail(
  s: SessionInfo,
  m: SessionMetrics,
  extra: { diamonds: number; followSources: FollowSource[]; computedAt: Date },
  people: Map<string, UserRef>,
): StudioSessionDetail {
  const user = (id: string | null) => {
    const u = id ? people.get(id) : undefined;
    return u ? presentUser(u) : null;
  };
  return {
    ...presentSummary(s, m, extra.diamonds),
    live: s.status !== 'ended',
    peakAt: m.peakAt === null ? null : new Date(m.peakAt).toISOString(),
    reactions: m.reactions,
    engagedViewers: m.engagedViewers,
    commentsPerMin: m.commentsPerMin,
    heartsPerMin: m.heartsPerMin,
    sharesPerMin: m.sharesPerMin,
    newViewers: m.newViewers,
    returningViewers: m.returningViewers,
    earlyExits: m.earlyExits,
    topSupporters: m.topSupporters.flatMap((t) => {
      const u = user(t.viewerId);
      return u ? [{ user: u, coins: t.coins, gifts: t.gifts }] : [];
    }),
    followSources: extra.followSources.map((f) => ({ sharer: user(f.sharerId), followers: f.followers })),
    battles: {
      wins: m.battles.wins,
      losses: m.battles.losses,
      draws: m.battles.draws,
      list: m.battles.list.map((b) => ({
        opponent: user(b.opponentId),
        startedAt: new Date(b.startedAt).toISOString(),
        endedAt: new Date(b.endedAt).toISOString(),
        result: b.result === null ? 'ongoing' : RESULT[b.result],
        coins: b.coins,
      })),
    },
    minutes: m.minutes,
    computedAt: extra.computedAt.toISOString(),
  };
}

/** Everyone a detail names: supporters, sharers and battle opponents. */
export function peopleIn(m: SessionMetrics, sources: FollowSource[]): string[] {
  return [
    ...m.topSupporters.map((t) => t.viewerId),
    ...sources.flatMap((f) => (f.sharerId ? [f.sharerId] : [])),
    ...m.battles.list.map((b) => b.opponentId),
  ];
}
