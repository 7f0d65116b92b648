import { z } from 'zod';
import { Handle } from './accounts.ts';

/** LIVE battles: wire shapes for the battle routes and the `battle` realtime frame. */

export const BattleStatus = z.enum(['invited', 'connecting', 'active', 'result', 'ended']);
export type BattleStatus = z.infer<typeof BattleStatus>;
export const BattleEndReason = z.enum(['finished', 'forfeit', 'declined', 'cancelled', 'expired']);

const BattleUser = z.object({
  id: z.string(),
  handle: z.string(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
});

export const BattleSupporter = z.object({ user: BattleUser, points: z.number().int() });
export type BattleSupporter = z.infer<typeof BattleSupporter>;

export const BattleSide = z.object({
  members: z.array(BattleUser.extend({ sessionId: z.string().nullable() })),
  /** null while the other side's mist hides it from this audience. */
  score: z.number().int().nullable(),
  /** Win streak of the side's (first) creator, as of the last finished battle. */
  winStreak: z.number().int(),
  /** Top 3 supporters; filled in when the battle is decided. */
  mvps: z.array(BattleSupporter),
});
export type BattleSide = z.infer<typeof BattleSide>;

export const BattleBoost = z.object({
  kind: z.enum(['multiplier', 'extension', 'mist', 'speed']),
  /** The side whose supporters triggered it; -1 for the speed round (both). */
  side: z.number().int(),
  factor: z.number().int(),
  from: z.string(),
  until: z.string(),
});
export type BattleBoost = z.infer<typeof BattleBoost>;

export const Battle = z
  .object({
    id: z.string(),
    status: BattleStatus,
    reason: BattleEndReason.nullable(),
    mode: z.enum(['invite', 'match', 'rematch']),
    sides: z.array(BattleSide),
    invitedAt: z.string(),
    expiresAt: z.string().nullable(),
    startsAt: z.string().nullable(),
    startedAt: z.string().nullable(),
    endsAt: z.string().nullable(),
    resultEndsAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    extensions: z.number().int(),
    boosts: z.array(BattleBoost),
    /** Winning side index; null for a draw or while undecided. */
    winner: z.number().int().nullable(),
    forfeitBy: z.string().nullable(),
    /** The server's clock when this view was made, so clients can correct their countdowns. */
    serverNow: z.string(),
  })
  .meta({ id: 'Battle' });
export type Battle = z.infer<typeof Battle>;

export const BattleOrNull = z.object({ battle: Battle.nullable() });
export type BattleOrNull = z.infer<typeof BattleOrNull>;

const durations = {
  /** Active phase length; default from BATTLE_DURATION_S. */
  durationS: z.number().int().min(5).max(3600).optional(),
  /** Result (punishment) phase; 0 skips it. Default from BATTLE_RESULT_S. */
  resultS: z.number().int().min(0).max(600).optional(),
};

export const BattleInviteBody = z.object({ handle: Handle, ...durations }).strict();
export type BattleInviteBody = z.infer<typeof BattleInviteBody>;

export const BattleMatchBody = z
  .object({
    /** Only match with creators who follow you and whom you follow. */
    friendsOnly: z.boolean().default(false),
    ...durations,
  })
  .strict();
export type BattleMatchBody = z.input<typeof BattleMatchBody>;

export const BattleMatchResult = z.object({
  /** `matched`: a battle was created; `waiting`: you are in the queue until someone else asks. */
  status: z.enum(['matched', 'waiting']),
  battle: Battle.nullable(),
});
export type BattleMatchResult = z.infer<typeof BattleMatchResult>;

export const BattleRecord = z.object({
  battles: z.number().int(),
  wins: z.number().int(),
  losses: z.number().int(),
  draws: z.number().int(),
  winStreak: z.number().int(),
  bestStreak: z.number().int(),
});
export type BattleRecord = z.infer<typeof BattleRecord>;

export const BattleHistoryItem = z.object({
  id: z.string(),
  opponent: BattleUser,
  result: z.enum(['win', 'loss', 'draw']),
  reason: BattleEndReason,
  score: z.number().int(),
  opponentScore: z.number().int(),
  endedAt: z.string(),
});
export type BattleHistoryItem = z.infer<typeof BattleHistoryItem>;

export const BattleHistoryQuery = z
  .object({
    /** Head-to-head against this creator. */
    vs: Handle.optional(),
    limit: z.coerce.number().int().min(1).max(50).default(20),
  })
  .strict();

export const BattleHistory = z
  .object({
    record: BattleRecord,
    /** The record against `vs`, when asked. */
    headToHead: z
      .object({ opponent: BattleUser, wins: z.number(), losses: z.number(), draws: z.number() })
      .nullable(),
    battles: z.array(BattleHistoryItem),
  })
  .meta({ id: 'BattleHistory' });
export type BattleHistory = z.infer<typeof BattleHistory>;

/**
 * Pushed to both rooms' stream topics (and to the creators) on every change: invite, accept, start,
 * score, booster, result. `giftIds`: the gifts this score update counted.
 */
export const BattleFrame = z.object({
  type: z.literal('battle'),
  battle: Battle,
  giftIds: z.array(z.string()).optional(),
});
export type BattleFrame = z.infer<typeof BattleFrame>;
