/**
 * The battle state machine, as a pure reducer: invited → connecting → active → result → ended.
 *
 * Sides are arrays of members so a 2v2 team battle is the same machine with two members per side;
 * today's flows create one member per side. Every time is a number of milliseconds on one clock (the
 * database's), so the same events always give the same battle, whichever node applies them.
 */
export type BattleStatus = 'invited' | 'connecting' | 'active' | 'result' | 'ended';
export const BATTLE_STATUSES = ['invited', 'connecting', 'active', 'result', 'ended'] as const;

/** Why a battle ended: finished on time, someone left, or it never started. */
export type BattleEndReason = 'finished' | 'forfeit' | 'declined' | 'cancelled' | 'expired';

export interface BattleSettings {
  /** How long an invite stays open. */
  inviteMs: number;
  /** Countdown between accept and the first second that counts. */
  connectMs: number;
  durationMs: number;
  /** The punishment/result phase after the end; 0 skips it. */
  resultMs: number;
}

export interface BattleState {
  status: BattleStatus;
  /** Member user ids per side; side 0 invited side 1 (or was matched first). */
  sides: string[][];
  settings: BattleSettings;
  invitedAt: number;
  expiresAt: number | null;
  startsAt: number | null;
  /** Scoring window: [startedAt, endsAt). */
  startedAt: number | null;
  endsAt: number | null;
  extensions: number;
  resultEndsAt: number | null;
  endedAt: number | null;
  reason: BattleEndReason | null;
  /** Final scores per side (set when the battle leaves `active`). */
  scores: number[] | null;
  /** Winning side; null while undecided or for a draw. */
  winner: number | null;
  /** The member who left, when the battle was forfeited. */
  forfeitBy: string | null;
}

export type BattleEvent =
  | { type: 'accept'; by: string; at: number }
  | { type: 'decline'; by: string; at: number }
  /** A member leaves (or their LIVE ends); `scores` are the scores as of `at`, needed while active. */
  | { type: 'leave'; by: string; at: number; scores?: number[] }
  /** The pending deadline of the current state came due (invite expiry, countdown end, result end). */
  | { type: 'timer'; at: number }
  /** The active window's deadline came due; `scores` are computed from the ledger. */
  | { type: 'finish'; at: number; scores: number[] }
  /** A time-extension booster moved the end. */
  | { type: 'extend'; at: number; byMs: number; max: number };

export type BattleErrorCode =
  | 'battle.invite_expired'
  | 'battle.not_invited'
  | 'battle.not_member'
  | 'battle.ended'
  | 'battle.state';

export type Transition = { ok: true; state: BattleState } | { ok: false; code: BattleErrorCode };

const fail = (code: BattleErrorCode): Transition => ({ ok: false, code });
const ok = (state: BattleState): Transition => ({ ok: true, state });

export function sideOf(state: BattleState, userId: string): number {
  return state.sides.findIndex((members) => members.includes(userId));
}

/** A new invite from `inviter` to `invitee` (quick matches skip it with {@link newMatch}). */
export function newInvite(sides: string[][], settings: BattleSettings, at: number): BattleState {
  return {
    status: 'invited',
    sides,
    settings,
    invitedAt: at,
    expiresAt: at + settings.inviteMs,
    startsAt: null,
    startedAt: null,
    endsAt: null,
    extensions: 0,
    resultEndsAt: null,
    endedAt: null,
    reason: null,
    scores: null,
    winner: null,
    forfeitBy: null,
  };
}

/** A battle both sides already agreed to (random match): straight to the countdown. */
export function newMatch(sides: string[][], settings: BattleSettings, at: number): BattleState {
  return {
    ...newInvite(sides, settings, at),
    status: 'connecting',
    expiresAt: null,
    startsAt: at + settings.connectMs,
  };
}

/** Side with the higher score, or null for a draw. */
export function winnerOf(scores: number[]): number | null {
  let best = -1;
  let winner: number | null = null;
  scores.forEach((s, i) => {
    if (s > best) {
      best = s;
      winner = i;
    } else if (s === best) winner = null;
  });
  return winner;
}

function close(state: BattleState, at: number, reason: BattleEndReason): BattleState {
  return { ...state, status: 'ended', endedAt: at, reason, expiresAt: null, startsAt: null };
}

/** Leaves `active` (or `connecting`) with final scores: into the result phase, or ended without one. */
function decide(
  state: BattleState,
  at: number,
  scores: number[],
  reason: 'finished' | 'forfeit',
  forfeitBy: string | null,
): BattleState {
  const forfeitSide = forfeitBy === null ? -1 : sideOf(state, forfeitBy);
  // A forfeit hands the win to the other side of a two-sided battle whatever the scores.
  const winner =
    forfeitSide >= 0 && state.sides.length === 2
      ? 1 - forfeitSide
      : forfeitSide >= 0
        ? null
        : winnerOf(scores);
  const decided: BattleState = {
    ...state,
    scores,
    winner,
    forfeitBy,
    reason,
    startsAt: null,
    startedAt: state.startedAt ?? at,
    endsAt: reason === 'forfeit' ? Math.min(state.endsAt ?? at, at) : state.endsAt,
  };
  if (state.settings.resultMs > 0)
    return { ...decided, status: 'result', resultEndsAt: at + state.settings.resultMs };
  return { ...decided, status: 'ended', endedAt: at };
}

export function reduce(state: BattleState, event: BattleEvent): Transition {
  if (state.status === 'ended') return fail('battle.ended');
  const member = 'by' in event ? sideOf(state, event.by) : -1;
  if ('by' in event && member < 0) return fail('battle.not_member');

  switch (state.status) {
    case 'invited':
      switch (event.type) {
        case 'accept':
          if (member === 0) return fail('battle.not_invited');
          if (event.at >= state.expiresAt!) return fail('battle.invite_expired');
          return ok({
            ...state,
            status: 'connecting',
            expiresAt: null,
            startsAt: event.at + state.settings.connectMs,
          });
        case 'decline':
          if (member === 0) return fail('battle.not_invited');
          return ok(close(state, event.at, 'declined'));
        case 'leave':
          // The inviter withdrawing is a cancel; the invitee leaving is a decline.
          return ok(close(state, event.at, member === 0 ? 'cancelled' : 'declined'));
        case 'timer':
          if (event.at < state.expiresAt!) return fail('battle.state');
          return ok(close(state, state.expiresAt!, 'expired'));
        default:
          return fail('battle.state');
      }
    case 'connecting':
      switch (event.type) {
        case 'timer': {
          if (event.at < state.startsAt!) return fail('battle.state');
          // The window starts at the scheduled second, not when a (possibly late) worker got to it.
          const startedAt = state.startsAt!;
          return ok({
            ...state,
            status: 'active',
            startsAt: null,
            startedAt,
            endsAt: startedAt + state.settings.durationMs,
          });
        }
        case 'leave':
          return ok(
            decide(
              state,
              event.at,
              state.sides.map(() => 0),
              'forfeit',
              event.by,
            ),
          );
        default:
          return fail('battle.state');
      }
    case 'active':
      switch (event.type) {
        case 'finish':
          if (event.at < state.endsAt!) return fail('battle.state');
          if (event.scores.length !== state.sides.length) return fail('battle.state');
          return ok(decide(state, state.endsAt!, event.scores, 'finished', null));
        case 'leave': {
          // Past the deadline the battle is over on time: it is finished first, then left.
          if (event.at >= state.endsAt!) return fail('battle.state');
          const scores = event.scores ?? state.sides.map(() => 0);
          if (scores.length !== state.sides.length) return fail('battle.state');
          return ok(decide(state, event.at, scores, 'forfeit', event.by));
        }
        case 'extend':
          if (event.at >= state.endsAt! || state.extensions >= event.max) return fail('battle.state');
          return ok({ ...state, endsAt: state.endsAt! + event.byMs, extensions: state.extensions + 1 });
        default:
          return fail('battle.state');
      }
    case 'result':
      switch (event.type) {
        case 'timer':
          if (event.at < state.resultEndsAt!) return fail('battle.state');
          return ok({ ...state, status: 'ended', endedAt: state.resultEndsAt! });
        case 'leave':
          // The result stands; leaving only cuts the punishment phase short.
          return ok({ ...state, status: 'ended', endedAt: event.at });
        default:
          return fail('battle.state');
      }
  }
}

/** When the current state's deadline falls due (the durable timer), or null once ended. */
export function deadlineOf(state: BattleState): number | null {
  switch (state.status) {
    case 'invited':
      return state.expiresAt;
    case 'connecting':
      return state.startsAt;
    case 'active':
      return state.endsAt;
    case 'result':
      return state.resultEndsAt;
    case 'ended':
      return null;
  }
}

/** Open battles hold their members: a creator is in at most one at a time. */
export const isOpen = (state: Pick<BattleState, 'status'>) => state.status !== 'ended';
