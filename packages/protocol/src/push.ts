import { z } from 'zod';
import { Text } from './text.ts';

/**
 * Web Push: a signed-in user's devices (one browser push subscription each), what each device is
 * told about, and the user's quiet hours. The server encrypts every payload for its device
 * (RFC 8291) and signs its requests with its VAPID key (RFC 8292).
 */

/** What a push can be about; each device turns each kind on or off. */
export const PUSH_KINDS = ['live', 'reminders', 'battles', 'money'] as const;
export const PushKind = z.enum(PUSH_KINDS);
export type PushKind = z.infer<typeof PushKind>;

export const PushKinds = z.object({
  live: z.boolean(),
  reminders: z.boolean(),
  battles: z.boolean(),
  money: z.boolean(),
});
export type PushKinds = z.infer<typeof PushKinds>;

/** The application server key a browser subscribes with (`pushManager.subscribe`). */
export const PushKey = z.object({ publicKey: z.string() });
export type PushKey = z.infer<typeof PushKey>;

/** The browser's `PushSubscription.toJSON()`, as the page sends it. */
export const PushSubscriptionJson = z
  .object({
    endpoint: Text({ min: 1, max: 2048 }),
    expirationTime: z.number().nullable().optional(),
    keys: z.object({ p256dh: z.string().max(200), auth: z.string().max(100) }).strict(),
  })
  .strict();
export type PushSubscriptionJson = z.infer<typeof PushSubscriptionJson>;

export const AddPushDeviceBody = z
  .object({
    subscription: PushSubscriptionJson,
    /** A name the user recognises ("Pixel 8 · Chrome"); the server derives one when absent. */
    name: Text({ max: 80 }).optional(),
  })
  .strict();
export type AddPushDeviceBody = z.infer<typeof AddPushDeviceBody>;

export const PushDevice = z.object({
  id: z.string(),
  name: z.string(),
  /** Host of the push service ("fcm.googleapis.com"): which browser family delivers it. */
  service: z.string(),
  kinds: PushKinds,
  createdAt: z.string(),
  lastSentAt: z.string().nullable(),
});
export type PushDevice = z.infer<typeof PushDevice>;

export const UpdatePushDeviceBody = z
  .object({ name: Text({ max: 80 }).optional(), kinds: PushKinds.partial().strict().optional() })
  .strict();
export type UpdatePushDeviceBody = z.infer<typeof UpdatePushDeviceBody>;

/** "HH:MM" on a 24-hour clock. */
export const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

/** No push between `start` and `end` (may span midnight), in the user's time zone. */
export const QuietHours = z
  .object({ start: ClockTime, end: ClockTime, timeZone: Text({ min: 1, max: 64 }) })
  .strict();
export type QuietHours = z.infer<typeof QuietHours>;

export const PushSettings = z.object({
  devices: z.array(PushDevice),
  quietHours: QuietHours.nullable(),
  /** Pushes about LIVEs and reminders one user gets per hour at most, across devices. */
  maxPerHour: z.number().int(),
});
export type PushSettings = z.infer<typeof PushSettings>;

export const UpdatePushSettingsBody = z.object({ quietHours: QuietHours.nullable() }).strict();
export type UpdatePushSettingsBody = z.infer<typeof UpdatePushSettingsBody>;

/**
 * What the service worker receives, decrypted. `tag` is the same for every copy of one message,
 * so a message delivered twice replaces itself on screen instead of showing twice.
 */
export const PushPayload = z.object({
  kind: z.union([PushKind, z.literal('test')]),
  title: z.string(),
  body: z.string(),
  /** Same-origin path the tap opens ("/@ana/live"). */
  url: z.string(),
  tag: z.string(),
  icon: z.string().optional(),
  sentAt: z.string(),
});
export type PushPayload = z.infer<typeof PushPayload>;
