import { z } from 'zod';
import { FanBadge, FanEntrance } from './fanclub.ts';
import { LeagueTierName } from './leagues.ts';
import { Text } from './text.ts';

/** Who said something in a room, as every viewer sees them. */
export const ChatUser = z.object({
  id: z.string(),
  handle: z.string(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
  /** host = the creator of the room; moderator = appointed by the creator. */
  badge: z.enum(['host', 'moderator', 'admin']).nullable(),
  /** The creator's fan-club badge and the user's level, when they are a member (absent otherwise). */
  fan: FanBadge.optional(),
});
export type ChatUser = z.infer<typeof ChatUser>;

export const COMMENT_MAX = 150;
export const CommentText = Text({ min: 1, max: COMMENT_MAX });

export const REACTIONS = ['laugh', 'wow', 'love', 'clap', 'fire', 'sad'] as const;
export const Reaction = z.enum(REACTIONS);
export type Reaction = z.infer<typeof Reaction>;

export const ChatComment = z.object({
  id: z.string(),
  user: ChatUser,
  text: z.string(),
  /** The comment this one answers (a creator's reply or callout). */
  replyTo: z.object({ id: z.string(), handle: z.string(), text: z.string() }).nullable(),
  mentions: z.array(z.string()),
  at: z.string(),
});
export type ChatComment = z.infer<typeof ChatComment>;

/**
 * Durable room events: each carries the room's sequence number, so a client that reconnects with
 * the last seq it saw receives exactly what it missed.
 */
export const RoomEvent = z.discriminatedUnion('kind', [
  z.object({ seq: z.number(), kind: z.literal('comment'), comment: ChatComment }),
  z.object({ seq: z.number(), kind: z.literal('comment_deleted'), id: z.string() }),
  z.object({ seq: z.number(), kind: z.literal('pinned'), comment: ChatComment.nullable() }),
  z.object({ seq: z.number(), kind: z.literal('share'), user: ChatUser }),
  z.object({ seq: z.number(), kind: z.literal('follow'), user: ChatUser }),
  z.object({
    seq: z.number(),
    kind: z.literal('moderation'),
    action: z.enum(['mute', 'unmute', 'ban', 'unban', 'moderator_added', 'moderator_removed']),
    user: ChatUser,
    until: z.string().nullable(),
  }),
  z.object({
    seq: z.number(),
    kind: z.literal('settings'),
    slowModeS: z.number(),
    /** Only fan-club members may comment (absent: unchanged or unknown to the sender). */
    fansOnly: z.boolean().optional(),
  }),
  z.object({ seq: z.number(), kind: z.literal('ended') }),
  /** The host was promoted at the end of the last league period (told at their next LIVE start). */
  z.object({
    seq: z.number(),
    kind: z.literal('league'),
    user: ChatUser,
    from: LeagueTierName,
    tier: LeagueTierName,
  }),
]);
export type RoomEvent = z.infer<typeof RoomEvent>;
/** A room event before the sequencer numbered it. */
export type RoomEventBody = RoomEvent extends infer E
  ? E extends { seq: number }
    ? Omit<E, 'seq'>
    : never
  : never;

export const RoomSnapshot = z.object({
  seq: z.number(),
  comments: z.array(ChatComment),
  pinned: ChatComment.nullable(),
  viewers: z.object({ current: z.number(), peak: z.number() }),
  slowModeS: z.number(),
  fansOnly: z.boolean().optional(),
});
export type RoomSnapshot = z.infer<typeof RoomSnapshot>;

/** One flush of a room: durable events in seq order plus aggregated signals since the last flush. */
export const RoomBatch = z.object({
  type: z.literal('batch'),
  room: z.string(),
  events: z.array(RoomEvent),
  hearts: z.number().optional(),
  reactions: z.partialRecord(Reaction, z.number()).optional(),
  joins: z.array(z.string()).optional(),
  joinedCount: z.number().optional(),
  /** Fan-club members among those who joined, with their badge (older clients read `joins` only). */
  fanJoins: z.array(FanEntrance).optional(),
  viewers: z.object({ current: z.number(), peak: z.number() }).optional(),
});
export type RoomBatch = z.infer<typeof RoomBatch>;

export const CommentPage = z.object({ comments: z.array(ChatComment), nextCursor: z.string().nullable() });
export type CommentPage = z.infer<typeof CommentPage>;

export const ShareLink = z.object({ code: z.string(), url: z.string() });
export type ShareLink = z.infer<typeof ShareLink>;

export const ModerationSettings = z.object({
  moderators: z.array(ChatUser),
  bannedWords: z.array(z.string()),
  slowModeS: z.number(),
  muted: z.array(z.object({ user: ChatUser, until: z.string() })),
  banned: z.array(ChatUser),
});
export type ModerationSettings = z.infer<typeof ModerationSettings>;

export const UpdateChatSettingsBody = z
  .object({
    bannedWords: z
      .array(Text({ min: 1, max: 40 }).toLowerCase())
      .max(200)
      .optional(),
    slowModeS: z.number().int().min(0).max(300).optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');

export const MuteBody = z
  .object({
    minutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60),
  })
  .strict();
export const ReportBody = z.object({ reason: Text({ min: 1, max: 300, multiline: true }) }).strict();
