import { normalizeTimeZone, parseLocalDateTime, resolveLocalTime } from '@onair/core';
import { EVENT_MAX_DAYS_AHEAD } from '@onair/protocol';
import { badRequest } from '../../errors.ts';

const MINUTE = 60_000;
/** The reminder goes out this long before the start. */
export const REMINDER_BEFORE_MS = 10 * MINUTE;
/** Going LIVE this early still keeps the event. */
export const EARLY_START_MS = 15 * MINUTE;

/**
 * After this the event is `missed` if its creator never went LIVE: half the planned duration, and
 * never less than 30 minutes (a late start is still a start). `scheduledInWindow` in the repository
 * computes the same deadline in SQL; `events.db.test.ts` holds the two together at its edges.
 */
export function missedDeadline(startsAt: Date, durationMin: number): Date {
  return new Date(startsAt.getTime() + Math.max(30 * MINUTE, (durationMin * MINUTE) / 2));
}

export function reminderAt(startsAt: Date, now: number): Date {
  return new Date(Math.max(now, startsAt.getTime() - REMINDER_BEFORE_MS));
}

/**
 * A creator's local start in a zone → the instant it stands for, refusing unknown zones, impossible
 * dates and starts outside [now, now + 90 days]. DST gaps and overlaps resolve as `resolveLocalTime`
 * documents (forward; earlier). Returns the zone as stored.
 */
export function resolveStart(
  startsLocal: string,
  timeZone: string,
  now: number,
): { startsAt: Date; timeZone: string } {
  const zone = normalizeTimeZone(timeZone);
  if (!zone)
    throw badRequest(
      'events.unknown_time_zone',
      `"${timeZone}" is not a time zone we know (use an IANA name such as Europe/London).`,
    );
  const local = parseLocalDateTime(startsLocal);
  if (!local) throw badRequest('events.bad_local_time', `${startsLocal} is not a date and time that exists.`);
  const { at } = resolveLocalTime(local, zone);
  if (at <= now) throw badRequest('events.in_past', 'That time has already passed.');
  if (at > now + EVENT_MAX_DAYS_AHEAD * 86_400_000)
    throw badRequest(
      'events.too_far_ahead',
      `Events can be scheduled at most ${EVENT_MAX_DAYS_AHEAD} days ahead.`,
    );
  return { startsAt: new Date(at), timeZone: zone };
}
