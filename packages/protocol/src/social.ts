import { z } from 'zod';
import { PublicUser } from './accounts.ts';
import { Cursor } from './text.ts';

export const FollowState = z
  .object({ following: z.boolean(), notify: z.boolean(), followerCount: z.number() })
  .meta({ id: 'FollowState' });
export type FollowState = z.infer<typeof FollowState>;

export const SetNotifyBody = z.object({ notify: z.boolean() }).strict();

export const FollowingList = z.object({
  users: z.array(PublicUser.extend({ notify: z.boolean(), live: z.boolean() })),
});
export type FollowingList = z.infer<typeof FollowingList>;

export const Notification = z
  .object({
    id: z.string(),
    /** `event_*`: about a scheduled LIVE you asked to be reminded of (`eventId`). */
    kind: z.enum(['live_started', 'event_reminder', 'event_live', 'event_cancelled']),
    actor: PublicUser.nullable(),
    sessionId: z.string().nullable(),
    eventId: z.string().nullable(),
    text: z.string(),
    createdAt: z.string(),
    readAt: z.string().nullable(),
  })
  .meta({ id: 'Notification' });
export type Notification = z.infer<typeof Notification>;

export const NotificationList = z.object({
  items: z.array(Notification),
  unread: z.number(),
  nextCursor: z.string().nullable(),
});
export type NotificationList = z.infer<typeof NotificationList>;

export const NotificationsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: Cursor().optional(),
});

export const MarkReadBody = z.object({ ids: z.array(z.uuid()).max(100).optional() }).strict();
