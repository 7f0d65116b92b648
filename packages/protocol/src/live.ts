import { z } from 'zod';
import { PublicUser } from './accounts.ts';
import { Cursor, Text } from './text.ts';

export const Hashtag = z
  .string()
  .trim()
  .transform((t) => t.replace(/^#/, '').toLowerCase())
  .pipe(
    z
      .string()
      .min(1)
      .max(30)
      .regex(/^[\p{L}\p{N}_]+$/u, 'letters, digits and _ only'),
  );

export const TOPICS = [
  'just_chatting',
  'gaming',
  'music',
  'cooking',
  'fitness',
  'education',
  'art',
  'sports',
  'travel',
  'other',
] as const;
export const Topic = z.enum(TOPICS);
export type Topic = z.infer<typeof Topic>;

export const UpdateRoomBody = z
  .object({
    title: Text({ max: 80 }).optional(),
    topic: Topic.optional(),
    hashtags: z.array(Hashtag).max(10).optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');
export type UpdateRoomBody = z.infer<typeof UpdateRoomBody>;

export const LiveSession = z
  .object({
    id: z.string(),
    status: z.enum(['connecting', 'live', 'ended']),
    title: z.string(),
    source: z.enum(['rtmp', 'browser']),
    startedAt: z.string(),
    liveAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    endReason: z.string().nullable(),
    durationS: z.number().nullable(),
    video: z
      .object({
        codec: z.string().nullable(),
        width: z.number().nullable(),
        height: z.number().nullable(),
        fps: z.number().nullable(),
      })
      .nullable(),
    flvUrl: z.string(),
    hlsUrl: z.string(),
    thumbnailUrl: z.string().nullable(),
  })
  .meta({ id: 'LiveSession' });
export type LiveSession = z.infer<typeof LiveSession>;

export const Room = z
  .object({
    creator: PublicUser,
    title: z.string(),
    topic: Topic,
    hashtags: z.array(z.string()),
    state: z.enum(['offline', 'live']),
    /** The broadcast in progress, or the most recent one. */
    session: LiveSession.nullable(),
    followerCount: z.number(),
  })
  .meta({ id: 'Room' });
export type Room = z.infer<typeof Room>;

/** The creator's own view of their room: includes the secret ingest settings. */
export const MyRoom = Room.extend({
  ingest: z.object({ server: z.string(), streamKey: z.string() }),
}).meta({ id: 'MyRoom' });
export type MyRoom = z.infer<typeof MyRoom>;

export const LiveCard = z
  .object({
    sessionId: z.string(),
    creator: PublicUser,
    title: z.string(),
    topic: Topic,
    hashtags: z.array(z.string()),
    liveAt: z.string(),
    thumbnailUrl: z.string().nullable(),
    viewerCount: z.number(),
    /** Where the For You ranking placed the room; absent outside ranked lists. */
    ranking: z
      .object({
        position: z.number().int().nullable(),
        /** Shown in an exploration slot: a creator with few followers getting seen. */
        explore: z.boolean(),
      })
      .optional(),
  })
  .meta({ id: 'LiveCard' });
export type LiveCard = z.infer<typeof LiveCard>;

export const FeedQuery = z.object({
  tab: z.enum(['foryou', 'following']).default('foryou'),
  limit: z.coerce.number().int().min(1).max(60).default(30),
  /** A category page: only rooms of this topic, ranked the same way. */
  topic: Topic.optional(),
  /** From the previous page's `nextCursor`: the rooms already shown, so none repeats. */
  cursor: Cursor(2_600).optional(),
});
export type FeedQuery = z.infer<typeof FeedQuery>;
export const Feed = z.object({ items: z.array(LiveCard), nextCursor: z.string().nullable().optional() });
export type Feed = z.infer<typeof Feed>;
