import type { BattleState, ScoreWindow } from '@onair/core';
import type { BattleRow } from '../../db/schema.ts';
import type { MemberRow } from './battles.repository.ts';

export const ms = (d: Date | null): number | null => (d === null ? null : d.getTime());
const date = (n: number | null): Date | null => (n === null ? null : new Date(n));

/** The state machine's view of a stored battle. */
export function stateOf(row: BattleRow, members: MemberRow[]): BattleState {
  const sides: string[][] = [];
  for (const m of members) {
    const side = sides[m.side] ?? [];
    side[m.slot] = m.userId;
    sides[m.side] = side;
  }
  return {
    status: row.status,
    sides: sides.map((s) => s.filter(Boolean)),
    settings: {
      inviteMs: row.inviteMs,
      connectMs: row.connectMs,
      durationMs: row.durationMs,
      resultMs: row.resultMs,
    },
    invitedAt: row.invitedAt.getTime(),
    expiresAt: ms(row.expiresAt),
    startsAt: ms(row.startsAt),
    startedAt: ms(row.startedAt),
    endsAt: ms(row.endsAt),
    extensions: row.extensions,
    resultEndsAt: ms(row.resultEndsAt),
    endedAt: ms(row.endedAt),
    reason: row.reason,
    scores: row.final ? (row.scores as number[]) : null,
    winner: row.winner,
    forfeitBy: row.forfeitBy,
  };
}

/** The columns a state writes back. */
export function patchOf(s: BattleState) {
  return {
    status: s.status,
    reason: s.reason,
    expiresAt: date(s.expiresAt),
    startsAt: date(s.startsAt),
    startedAt: date(s.startedAt),
    endsAt: date(s.endsAt),
    resultEndsAt: date(s.resultEndsAt),
    endedAt: date(s.endedAt),
    extensions: s.extensions,
    winner: s.winner,
    forfeitBy: s.forfeitBy,
    ...(s.scores ? { scores: JSON.stringify(s.scores), final: true } : {}),
  };
}

/** The scoring window of a battle: from its scheduled start, to its end before extensions. */
export function windowOf(row: BattleRow, sides: number, stopAt: number | null): ScoreWindow {
  const startedAt = ms(row.startedAt) ?? ms(row.startsAt) ?? 0;
  return { seed: row.id, sides, startedAt, baseEndsAt: startedAt + row.durationMs, stopAt };
}
