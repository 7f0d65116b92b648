import { z } from 'zod';
import { PublicUser } from './accounts.ts';
import { LiveCard } from './live.ts';
import { Cursor, cleanString, Text } from './text.ts';

export const SEARCH_TYPES = ['all', 'creators', 'rooms', 'hashtags', 'events'] as const;
export const SearchType = z.enum(SEARCH_TYPES);
export type SearchType = z.infer<typeof SearchType>;

/** Query text is plain text: operators and wildcards are matched literally, never interpreted. */
export const SearchText = Text({ min: 1, max: 100 });

export const SearchQuery = z
  .object({
    q: SearchText,
    type: SearchType.default('all'),
    /** Single-type searches only; `all` shows the first few of each group. */
    cursor: Cursor(100).optional(),
    limit: z.coerce.number().int().min(1).max(50).optional(),
  })
  .strict();
export type SearchQuery = z.infer<typeof SearchQuery>;

export const CreatorHit = PublicUser.extend({
  followerCount: z.number(),
  live: z.boolean(),
}).meta({ id: 'CreatorHit' });
export type CreatorHit = z.infer<typeof CreatorHit>;

export const HashtagHit = z.object({ tag: z.string(), uses: z.number() }).meta({ id: 'HashtagHit' });
export type HashtagHit = z.infer<typeof HashtagHit>;

export const EventCard = z
  .object({
    id: z.string(),
    creator: PublicUser,
    title: z.string(),
    startsAt: z.string(),
    timeZone: z.string(),
    durationMin: z.number(),
    coverUrl: z.string().nullable(),
    hashtags: z.array(z.string()),
    rsvpCount: z.number(),
  })
  .meta({ id: 'EventCard' });
export type EventCard = z.infer<typeof EventCard>;

const group = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const SearchResults = z
  .object({
    q: z.string(),
    type: SearchType,
    creators: group(CreatorHit).optional(),
    rooms: group(LiveCard).optional(),
    hashtags: group(HashtagHit).optional(),
    events: group(EventCard).optional(),
  })
  .meta({ id: 'SearchResults' });
export type SearchResults = z.infer<typeof SearchResults>;

export const TagParams = z.object({ tag: cleanString().max(200) });
export type TagParams = z.infer<typeof TagParams>;

export const TopCreator = PublicUser.extend({
  followerCount: z.number(),
  uses: z.number(),
}).meta({ id: 'TopCreator' });
export type TopCreator = z.infer<typeof TopCreator>;

export const TagPage = z
  .object({
    tag: z.string(),
    live: z.array(LiveCard),
    upcoming: z.array(EventCard),
    topCreators: z.array(TopCreator),
  })
  .meta({ id: 'TagPage' });
export type TagPage = z.infer<typeof TagPage>;

export const TrendingQuery = z.object({ limit: z.coerce.number().int().min(1).max(50).default(10) }).strict();
export const TrendingTag = z
  .object({
    tag: z.string(),
    /** comments + shares + gifts + hearts in the last hour, in LIVE sessions carrying the tag. */
    engagement: z.number(),
    comments: z.number(),
    shares: z.number(),
    gifts: z.number(),
    hearts: z.number(),
  })
  .meta({ id: 'TrendingTag' });
export type TrendingTag = z.infer<typeof TrendingTag>;
export const TrendingTags = z.object({ tags: z.array(TrendingTag) }).meta({ id: 'TrendingTags' });
export type TrendingTags = z.infer<typeof TrendingTags>;
