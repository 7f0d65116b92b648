import { z } from 'zod';
import { PublicUser } from './accounts.ts';
import { Hashtag } from './live.ts';
import { cleanString, Text } from './text.ts';

/** Scheduled LIVE events: a creator announces a LIVE at a local time in an IANA zone. */

export const EVENT_STATUSES = ['scheduled', 'live', 'kept', 'missed', 'cancelled'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];
/** The expected length of a scheduled LIVE, in minutes. */
export const EVENT_DURATION_MIN = { min: 15, max: 720 } as const;
/** How far ahead an event may be scheduled. */
export const EVENT_MAX_DAYS_AHEAD = 90;
/** Scheduled events in the future one creator may have at once. */
export const EVENT_MAX_UPCOMING = 20;

/**
 * An IANA zone name ("Europe/London", or an alias such as "US/Eastern"). Only its shape is checked
 * here; whether the zone exists is the server's answer (`events.unknown_time_zone`), from its tz data.
 */
export const TimeZoneName = cleanString().min(1).max(64);

/** A wall-clock date-time with no zone, `2026-03-08T20:00` (seconds optional). */
export const LocalDateTimeString = cleanString().regex(
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/,
  'a local date-time like 2026-03-08T20:00',
);

/** Covers load from the creator's own host or a CDN; plain http would be mixed content on the page. */
export const CoverUrl = cleanString()
  .max(2000)
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'https:' && u.hostname.length > 0 && u.username === '' && u.password === '';
    } catch {
      return false;
    }
  }, 'an https:// URL');

const EventFields = {
  title: Text({ min: 1, max: 80 }),
  description: Text({ max: 2000, multiline: true }),
  /** Local date-time in `timeZone`; a time a DST change skips moves forward, a repeated one takes the earlier. */
  startsLocal: LocalDateTimeString,
  timeZone: TimeZoneName,
  durationMin: z.number().int().min(EVENT_DURATION_MIN.min).max(EVENT_DURATION_MIN.max),
  coverUrl: CoverUrl.nullable(),
  hashtags: z.array(Hashtag).max(10),
};

export const CreateEventBody = z
  .object({
    ...EventFields,
    description: EventFields.description.default(''),
    coverUrl: EventFields.coverUrl.optional(),
    hashtags: EventFields.hashtags.default([]),
  })
  .strict();
export type CreateEventBody = z.infer<typeof CreateEventBody>;
export type CreateEventInput = z.input<typeof CreateEventBody>;

/** Any subset; `startsLocal` and `timeZone` are read together (the missing one is the event's own). */
export const UpdateEventBody = z
  .object(EventFields)
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');
export type UpdateEventBody = z.infer<typeof UpdateEventBody>;
export type UpdateEventInput = z.input<typeof UpdateEventBody>;

export const EventIdParams = z.object({ id: z.uuid() });

export const LiveEvent = z
  .object({
    id: z.string(),
    creator: PublicUser,
    title: z.string(),
    description: z.string(),
    /** The start, ISO 8601 in UTC; clients show it in their own zone. */
    startsAt: z.string(),
    endsAt: z.string(),
    /** The zone the creator planned in, and the start as a wall-clock time there. */
    timeZone: z.string(),
    startsLocal: z.string(),
    durationMin: z.number().int(),
    coverUrl: z.string().nullable(),
    hashtags: z.array(z.string()),
    status: z.enum(EVENT_STATUSES),
    /** The LIVE session that kept the event, once the creator went LIVE in its window. */
    sessionId: z.string().nullable(),
    rsvpCount: z.number().int(),
    /** Whether the signed-in viewer asked for a reminder (null when nobody is signed in). */
    rsvped: z.boolean().nullable(),
    /** Path of the event's iCalendar file. */
    icsUrl: z.string(),
  })
  .meta({ id: 'LiveEvent' });
export type LiveEvent = z.infer<typeof LiveEvent>;

export const EventList = z.object({ items: z.array(LiveEvent) }).meta({ id: 'EventList' });
export type EventList = z.infer<typeof EventList>;

export const CreatorEventsQuery = z.object({
  /** `upcoming` (scheduled, not started), or `past` (everything that started or was cancelled). */
  when: z.enum(['upcoming', 'past']).default('upcoming'),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

/** The feed's "Upcoming" row: events soonest first, for a signed-in viewer followed creators' and their RSVPs first. */
export const UpcomingEventsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(50).default(12),
});

export const RsvpState = z
  .object({ eventId: z.string(), rsvped: z.boolean(), rsvpCount: z.number().int() })
  .meta({ id: 'RsvpState' });
export type RsvpState = z.infer<typeof RsvpState>;

/** The creator's own upcoming events with how many asked for a reminder (the Studio's list). */
export const MyEventsList = z
  .object({
    items: z.array(LiveEvent),
    totalRsvps: z.number().int(),
  })
  .meta({ id: 'MyEventsList' });
export type MyEventsList = z.infer<typeof MyEventsList>;

export const StudioConsistencyQuery = z.object({
  /** The creator's zone, for weeks, days and the best hour. */
  tz: TimeZoneName.default('UTC'),
});

export const StudioConsistency = z
  .object({
    timeZone: z.string(),
    /** Consecutive ISO weeks (Monday first, in `timeZone`) with at least one LIVE, up to this week. */
    weeklyStreak: z.number().int(),
    /** Distinct local days with a LIVE in the last 28 days. */
    liveDays28: z.number().int(),
    /** Events whose start fell in the last 28 days, not cancelled; and those the creator went LIVE for. */
    eventsScheduled: z.number().int(),
    eventsKept: z.number().int(),
    /** kept / scheduled, null with nothing scheduled. */
    keptShare: z.number().nullable(),
    /** The heatmap's best hour, when followers visited at all: weekday 0 = Monday. */
    bestTime: z
      .object({ weekday: z.number().int(), hour: z.number().int(), timeZone: z.string() })
      .nullable(),
  })
  .meta({ id: 'StudioConsistency' });
export type StudioConsistency = z.infer<typeof StudioConsistency>;
