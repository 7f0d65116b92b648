import { z } from 'zod';

/**
 * Fan clubs (TikTok's "Heart Me" team): a viewer joins a creator's club by sending the club gift,
 * earns points by watching, commenting, sharing and gifting, and wears the club's badge with their
 * level beside their name in that creator's chat.
 */

/** The 1-coin gift that joins the receiving creator's fan club (seeded in the catalog). */
export const FAN_CLUB_GIFT_ID = 'heart_me';

/** From this level on, a member entering the room gets a highlighted join notice. */
export const FAN_SPOTLIGHT_LEVEL = 10;

/** A member's badge as shown beside their name in the creator's room. */
export const FanBadge = z.object({ name: z.string(), level: z.number().int() });
export type FanBadge = z.infer<typeof FanBadge>;

/** A member entering the room, for the join notice (`spotlight` from FAN_SPOTLIGHT_LEVEL on). */
export const FanEntrance = z.object({ name: z.string(), fan: FanBadge, spotlight: z.boolean() });
export type FanEntrance = z.infer<typeof FanEntrance>;

/** What anyone may see of a creator's club, and the caller's own membership if signed in. */
export const FanClubInfo = z.object({
  creatorId: z.string(),
  badgeName: z.string(),
  members: z.number().int(),
  fansOnly: z.boolean(),
  giftId: z.string(),
  me: z
    .object({
      points: z.number().int(),
      level: z.number().int(),
      nextLevelAt: z.number().int().nullable(),
      joinedAt: z.string(),
    })
    .nullable(),
});
export type FanClubInfo = z.infer<typeof FanClubInfo>;

export const FanClubSettings = z.object({ badgeName: z.string(), fansOnly: z.boolean() });
export type FanClubSettings = z.infer<typeof FanClubSettings>;

/**
 * The badge name is checked by core's `checkFanBadgeName` (grapheme count, invisible characters)
 * in the service, so the coded error names what is wrong; here only a loose bound on the raw text.
 */
export const UpdateFanClubBody = z
  .object({ badgeName: z.string().max(64).optional(), fansOnly: z.boolean().optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');
export type UpdateFanClubBody = z.infer<typeof UpdateFanClubBody>;

export const FansOnlyBody = z.object({ fansOnly: z.boolean() }).strict();

export const FanMember = z.object({
  user: z.object({
    id: z.string(),
    handle: z.string(),
    displayName: z.string(),
    avatarUrl: z.string().nullable(),
  }),
  points: z.number().int(),
  level: z.number().int(),
  active: z.boolean(),
  joinedAt: z.string(),
  lastPointAt: z.string(),
});
export type FanMember = z.infer<typeof FanMember>;

export const FanList = z.object({
  badgeName: z.string(),
  fansOnly: z.boolean(),
  total: z.number().int(),
  active: z.number().int(),
  members: z.array(FanMember),
});
export type FanList = z.infer<typeof FanList>;

export const FanListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const FAN_CSV_COLUMNS = [
  'handle',
  'display_name',
  'level',
  'points',
  'active',
  'joined_at',
  'last_point_at',
] as const;
export const FanCsvQuery = z.object({ columns: z.string().max(500).optional() });
