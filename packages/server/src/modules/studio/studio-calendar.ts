/**
 * The creator's calendar for trends, ranges and exports: days, ISO weeks (Monday first) and months
 * in an IANA zone, each bucket starting at local midnight by the offset in force on that day, so a
 * day that springs forward has 23 hours and one that falls back 25 (`zonedParts` and
 * `resolveLocalTime` in core/time). Older clients send one fixed `tzOffsetMin` instead; that
 * calendar is kept as it was, wrong by an hour across a DST change.
 */
import { bucketStart, normalizeTimeZone, resolveLocalTime, type TrendBucket, zonedParts } from '@onair/core';
import { badRequest } from '../../errors.ts';

const DAY_MS = 86_400_000;

export interface StudioCalendar {
  /** The IANA zone, or null for the fixed-offset calendar. */
  timeZone: string | null;
  /** The start of the bucket `at` falls in. */
  bucketStart(at: number, bucket: TrendBucket): number;
  /** The start of the bucket after the one starting at `start`. */
  nextBucket(start: number, bucket: TrendBucket): number;
  /** The first instant of a calendar date (`2026-03-08`) and of the day after it. */
  day(date: string): { start: number; end: number };
}

/**
 * The calendar a request asks for: `tz` wins over `tzOffsetMin`. An unknown zone is a coded 400
 * (`studio.time_zone_invalid`), as on the heatmap.
 */
export function studioCalendar(q: { tz?: string | undefined; tzOffsetMin: number }): StudioCalendar {
  if (q.tz === undefined) return offsetCalendar(q.tzOffsetMin);
  const zone = normalizeTimeZone(q.tz);
  if (!zone) throw badRequest('studio.time_zone_invalid', `"${q.tz}" is not a time zone we know.`);
  return zoneCalendar(zone);
}

/** A UTC date (ms at 00:00Z) → local midnight there; a midnight a DST gap skips moves to the gap's end. */
const midnight = (utcDate: number, zone: string) => {
  const d = new Date(utcDate);
  return resolveLocalTime(
    { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: 0, minute: 0 },
    zone,
  ).at;
};

/** The local calendar date of an instant, as ms at 00:00Z of that date (date arithmetic only). */
const localDate = (at: number, zone: string) => {
  const p = zonedParts(at, zone);
  return { date: Date.UTC(p.year, p.month - 1, p.day), weekday: p.weekday };
};

function zoneCalendar(zone: string): StudioCalendar {
  return {
    timeZone: zone,
    bucketStart(at, bucket) {
      const { date, weekday } = localDate(at, zone);
      if (bucket === 'day') return midnight(date, zone);
      if (bucket === 'week') return midnight(date - weekday * DAY_MS, zone);
      const d = new Date(date);
      return midnight(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), zone);
    },
    nextBucket(start, bucket) {
      const d = new Date(localDate(start, zone).date);
      if (bucket === 'day') d.setUTCDate(d.getUTCDate() + 1);
      else if (bucket === 'week') d.setUTCDate(d.getUTCDate() + 7);
      else d.setUTCMonth(d.getUTCMonth() + 1, 1);
      return midnight(d.getTime(), zone);
    },
    day(date) {
      const utc = Date.parse(`${date}T00:00:00Z`);
      return { start: midnight(utc, zone), end: midnight(utc + DAY_MS, zone) };
    },
  };
}

function offsetCalendar(tzOffsetMin: number): StudioCalendar {
  const shift = tzOffsetMin * 60_000;
  return {
    timeZone: null,
    bucketStart: (at, bucket) => bucketStart(at, bucket, tzOffsetMin),
    nextBucket(start, bucket) {
      const next = new Date(start - shift);
      if (bucket === 'day') next.setUTCDate(next.getUTCDate() + 1);
      else if (bucket === 'week') next.setUTCDate(next.getUTCDate() + 7);
      else next.setUTCMonth(next.getUTCMonth() + 1);
      return next.getTime() + shift;
    },
    day(date) {
      const start = Date.parse(`${date}T00:00:00Z`) + shift;
      return { start, end: start + DAY_MS };
    },
  };
}
