import { type Boost, type BoosterRules, mistedSides, speedRound } from '@onair/core';
import type { Battle, BattleBoost, BattleHistory } from '@onair/protocol';
import type { BattleRow } from '../../db/schema.ts';
import type * as repo from './battles.repository.ts';
import type { MemberRow } from './battles.repository.ts';

export interface BattleUserRow {
  id: string;
  handle: string;
  displayName: string;
  avatarUrl: string | null;
}

export interface ViewParts {
  row: BattleRow;
  members: MemberRow[];
  /** Win streak per member. */
  streaks: Map<string, number>;
  /** Users named in the MVP lists. */
  users: Map<string, BattleUserRow>;
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());
const isoMs = (ms: number) => new Date(ms).toISOString();

function presentBoost(b: Boost): BattleBoost {
  return { kind: b.kind, side: b.side, factor: b.factor, from: isoMs(b.from), until: isoMs(b.until) };
}

/**
 * One audience's view of a battle: `audienceSide` is the side whose room (or creator) it is for; while
 * the other side's mist is up, that side's score is null. Outsiders (null) see no misted score at all.
 */
export function presentBattle(
  { row, members, streaks, users }: ViewParts,
  rules: BoosterRules,
  audienceSide: number | null,
  now: number,
): Battle {
  const sideCount = Math.max(2, ...members.map((m) => m.side + 1));
  const boosts = (row.boosts as Boost[]).slice();
  const live = row.status === 'active' || row.status === 'connecting';
  const endsAt = row.endsAt ?? (row.startsAt ? new Date(row.startsAt.getTime() + row.durationMs) : null);
  if (live && endsAt) {
    const speed = speedRound(rules, endsAt.getTime());
    if (speed) boosts.push(speed);
  }
  const misted = live ? mistedSides(boosts, now) : new Set<number>();
  const scores = row.scores as number[];
  const mvps = row.mvps as { userId: string; points: number }[][];
  return {
    id: row.id,
    status: row.status,
    reason: row.reason,
    mode: row.mode,
    sides: Array.from({ length: sideCount }, (_, side) => {
      const own = members.filter((m) => m.side === side);
      return {
        members: own.map((m) => ({
          id: m.userId,
          handle: m.handle,
          displayName: m.displayName,
          avatarUrl: m.avatarUrl,
          sessionId: m.sessionId,
        })),
        score: misted.has(side) && side !== audienceSide ? null : (scores[side] ?? 0),
        winStreak: own[0] ? (streaks.get(own[0].userId) ?? 0) : 0,
        mvps: (mvps[side] ?? []).flatMap((s) => {
          const user = users.get(s.userId);
          return user ? [{ user, points: s.points }] : [];
        }),
      };
    }),
    invitedAt: row.invitedAt.toISOString(),
    expiresAt: iso(row.expiresAt),
    startsAt: iso(row.startsAt),
    startedAt: iso(row.startedAt),
    endsAt: iso(row.endsAt),
    resultEndsAt: iso(row.resultEndsAt),
    endedAt: iso(row.endedAt),
    extensions: row.extensions,
    boosts: boosts.map(presentBoost),
    winner: row.winner,
    forfeitBy: row.forfeitBy,
    serverNow: isoMs(now),
  };
}

type StatsRow = Awaited<ReturnType<typeof repo.stats>>[number];
type HistoryRow = Awaited<ReturnType<typeof repo.history>>[number];

/** A creator's record, their decided battles and, against one opponent, the head-to-head. */
export function presentHistory(
  stats: StatsRow | undefined,
  rows: HistoryRow[],
  vs: { user: BattleUserRow; h2h: { wins: number; losses: number; draws: number } } | null,
): BattleHistory {
  return {
    record: {
      battles: stats?.battles ?? 0,
      wins: stats?.wins ?? 0,
      losses: stats?.losses ?? 0,
      draws: stats?.draws ?? 0,
      winStreak: stats?.winStreak ?? 0,
      bestStreak: stats?.bestStreak ?? 0,
    },
    headToHead: vs
      ? {
          opponent: {
            id: vs.user.id,
            handle: vs.user.handle,
            displayName: vs.user.displayName,
            avatarUrl: vs.user.avatarUrl,
          },
          ...vs.h2h,
        }
      : null,
    battles: rows.map((r) => ({
      id: r.battleId,
      opponent: r.opponent,
      result: r.winner === null ? 'draw' : r.winner === r.side ? 'win' : 'loss',
      reason: r.reason,
      score: r.scores[r.side] ?? 0,
      opponentScore: r.scores[1 - r.side] ?? 0,
      endedAt: new Date(r.endedAt).toISOString(),
    })),
  };
}
