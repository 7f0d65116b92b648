import { z } from 'zod';
import { cleanString } from './text.ts';

/** The creator studio: per-session metrics, trends, audience, best times, coaching, live counters. */

const Count = z.number().int();
const Rate = z.number();

export const StudioUser = z
  .object({ id: z.string(), handle: z.string(), displayName: z.string(), avatarUrl: z.string().nullable() })
  .meta({ id: 'StudioUser' });
export type StudioUser = z.infer<typeof StudioUser>;

export const StudioSessionSummary = z
  .object({
    id: z.string(),
    title: z.string(),
    status: z.enum(['connecting', 'live', 'ended']),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    durationS: Count,
    uniqueViewers: Count,
    peakViewers: Count,
    totalWatchS: Count,
    avgWatchS: Count,
    comments: Count,
    hearts: Count,
    shares: Count,
    newFollowers: Count,
    gifts: Count,
    coins: Count,
    diamonds: Count,
    /** engaged viewers / unique viewers, 0..1 */
    engagementRate: Rate,
  })
  .meta({ id: 'StudioSessionSummary' });
export type StudioSessionSummary = z.infer<typeof StudioSessionSummary>;

export const StudioSessionList = z
  .object({ sessions: z.array(StudioSessionSummary), nextCursor: z.string().nullable() })
  .meta({ id: 'StudioSessionList' });
export type StudioSessionList = z.infer<typeof StudioSessionList>;

export const StudioSessionsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** The `nextCursor` of the previous page. */
  before: z.iso.datetime({ offset: true }).optional(),
});

export const MinuteBucket = z
  .object({
    minute: Count,
    viewers: Count,
    joins: Count,
    leaves: Count,
    comments: Count,
    hearts: Count,
    shares: Count,
    follows: Count,
    gifts: Count,
    coins: Count,
  })
  .meta({ id: 'StudioMinute' });
export type MinuteBucket = z.infer<typeof MinuteBucket>;

export const StudioBattle = z.object({
  opponent: StudioUser.nullable(),
  startedAt: z.string(),
  endedAt: z.string(),
  result: z.enum(['win', 'loss', 'draw', 'ongoing']),
  coins: Count,
});

export const StudioSessionDetail = StudioSessionSummary.extend({
  live: z.boolean(),
  peakAt: z.string().nullable(),
  reactions: Count,
  engagedViewers: Count,
  commentsPerMin: Rate,
  heartsPerMin: Rate,
  sharesPerMin: Rate,
  newViewers: Count,
  returningViewers: Count,
  earlyExits: Count,
  topSupporters: z.array(z.object({ user: StudioUser, coins: Count, gifts: Count })),
  /** New followers of this session by the share link that brought them (null: no link). */
  followSources: z.array(z.object({ sharer: StudioUser.nullable(), followers: Count })),
  battles: z.object({ wins: Count, losses: Count, draws: Count, list: z.array(StudioBattle) }),
  minutes: z.array(MinuteBucket),
  computedAt: z.string(),
}).meta({ id: 'StudioSessionDetail' });
export type StudioSessionDetail = z.infer<typeof StudioSessionDetail>;

export const TREND_BUCKETS = ['day', 'week', 'month'] as const;
/** Minutes to add to local time to get UTC, as the browser's Date#getTimezoneOffset() gives it. */
export const TzOffset = z.coerce.number().int().min(-840).max(840).default(0);
/**
 * An IANA zone ("Europe/London", the browser's `Intl.DateTimeFormat().resolvedOptions().timeZone`):
 * days, weeks and hours follow its DST rules. Wins over `tzOffsetMin`, which older clients send.
 */
export const StudioTimeZone = cleanString().min(1).max(64).optional();
/** The longest range one trends or export request may cover. */
export const MAX_RANGE_DAYS = 400;

export const StudioRangeQuery = z.object({
  from: z.iso.datetime({ offset: true }).or(z.iso.date()),
  to: z.iso.datetime({ offset: true }).or(z.iso.date()),
  bucket: z.enum(TREND_BUCKETS).default('day'),
  /** Kept for older clients: one offset for the whole range, an hour off across a DST change. */
  tzOffsetMin: TzOffset,
  tz: StudioTimeZone,
});

export const TrendPoint = z
  .object({
    start: z.string(),
    sessions: Count,
    durationS: Count,
    uniqueViewers: Count,
    peakViewers: Count,
    totalWatchS: Count,
    avgWatchS: Count,
    newFollowers: Count,
    gifts: Count,
    coins: Count,
    diamonds: Count,
  })
  .meta({ id: 'StudioTrendPoint' });
export type TrendPoint = z.infer<typeof TrendPoint>;

export const StudioTrends = z
  .object({
    bucket: z.enum(TREND_BUCKETS),
    /** The zone the buckets follow, when one was asked for (else `tzOffsetMin` applies). */
    timeZone: z.string().nullable(),
    from: z.string(),
    to: z.string(),
    points: z.array(TrendPoint),
  })
  .meta({ id: 'StudioTrends' });
export type StudioTrends = z.infer<typeof StudioTrends>;

export const AudienceClass = z.enum(['regular', 'returning', 'new']);

export const StudioFan = z.object({
  user: StudioUser,
  class: AudienceClass,
  follower: z.boolean(),
  sessions: Count,
  watchS: Count,
  comments: Count,
  hearts: Count,
  gifts: Count,
  coins: Count,
  lastSeenAt: z.string(),
});
export type StudioFan = z.infer<typeof StudioFan>;

export const StudioAudience = z
  .object({
    /** Sessions whose audience was classified (the last 5 decide who is a regular). */
    sessions: Count,
    classes: z.object({ regular: Count, returning: Count, new: Count }),
    supporters: z.array(z.object({ user: StudioUser, coins: Count, gifts: Count })),
    sharers: z.array(z.object({ user: StudioUser, links: Count, visits: Count, follows: Count })),
    fans: z.array(StudioFan),
  })
  .meta({ id: 'StudioAudience' });
export type StudioAudience = z.infer<typeof StudioAudience>;

export const StudioHeatmapQuery = z.object({
  /** Kept for older clients: one offset for the whole range, wrong across a DST change. */
  tzOffsetMin: TzOffset,
  /** An IANA zone ("Europe/London"): each hour placed by its own offset. Wins over `tzOffsetMin`. */
  tz: StudioTimeZone,
  days: z.coerce.number().int().min(7).max(90).default(28),
});

export const StudioHeatmap = z
  .object({
    tzOffsetMin: Count,
    /** The zone the cells are in, when one was asked for (else `tzOffsetMin` applies). */
    timeZone: z.string().nullable(),
    days: Count,
    followers: Count,
    /** 168 cells, Monday 00:00 first, local time: follower visits that started in that hour. */
    cells: z.array(Count).length(168),
    best: z.array(z.object({ hourOfWeek: Count, label: z.string(), visits: Count })),
  })
  .meta({ id: 'StudioHeatmap' });
export type StudioHeatmap = z.infer<typeof StudioHeatmap>;

export const StudioInsight = z
  .object({
    id: z.string(),
    kind: z.enum(['warning', 'opportunity', 'win']),
    title: z.string(),
    explanation: z.string(),
    metric: z.object({ name: z.string(), value: z.number(), threshold: z.number() }),
    action: z.string(),
  })
  .meta({ id: 'StudioInsight' });
export type StudioInsight = z.infer<typeof StudioInsight>;

export const StudioInsights = z
  .object({ sessions: Count, insights: z.array(StudioInsight) })
  .meta({ id: 'StudioInsights' });
export type StudioInsights = z.infer<typeof StudioInsights>;

export const StudioInsightsQuery = z.object({ tzOffsetMin: TzOffset, tz: StudioTimeZone });

export const StudioLive = z
  .object({
    live: z.boolean(),
    sessionId: z.string().nullable(),
    startedAt: z.string().nullable(),
    viewers: Count,
    peakViewers: Count,
    uniqueViewers: Count,
    /** Over the last full minute. */
    heartsPerMin: Count,
    commentsPerMin: Count,
    newFollowers: Count,
    gifts: Count,
    coins: Count,
    diamonds: Count,
    /** The last 30 minutes, oldest first. */
    recent: z.array(MinuteBucket),
    at: z.string(),
  })
  .meta({ id: 'StudioLive' });
export type StudioLive = z.infer<typeof StudioLive>;

export const STUDIO_DATASETS = ['sessions', 'minutes', 'trends', 'fans', 'heatmap'] as const;
export type StudioDataset = (typeof STUDIO_DATASETS)[number];

export const StudioExportQuery = z.object({
  dataset: z.enum(STUDIO_DATASETS),
  /** Required for `minutes`. */
  sessionId: z.uuid().optional(),
  /** Required for `trends`; optional for `sessions`. */
  from: StudioRangeQuery.shape.from.optional(),
  to: StudioRangeQuery.shape.to.optional(),
  bucket: StudioRangeQuery.shape.bucket,
  tzOffsetMin: TzOffset,
  /** The zone for trends buckets, calendar-date ranges and the heatmap's hours. */
  tz: StudioTimeZone,
  /** Comma-separated column names, in the order wanted; all columns when absent. */
  columns: z
    .string()
    .max(1000)
    .regex(/^[A-Za-z]+(,[A-Za-z]+)*$/, 'comma-separated column names')
    .optional(),
});
export type StudioExportQuery = z.infer<typeof StudioExportQuery>;
