import { hourOfWeekInZone } from '../time/zoned.ts';

export type AudienceClass = 'regular' | 'returning' | 'new';

/** A regular watched at least this many of the creator's last REGULAR_WINDOW sessions. */
export const REGULAR_MIN = 3;
export const REGULAR_WINDOW = 5;

/**
 * Classifies one viewer from the sessions they watched, given as indexes into the creator's
 * sessions newest first (0 = the latest). Regular: ≥ 3 of the last 5; returning: more than one
 * session ever; new: exactly one.
 */
export function classifyViewer(sessionIndexes: readonly number[]): AudienceClass {
  const recent = sessionIndexes.filter((i) => i < REGULAR_WINDOW).length;
  if (recent >= REGULAR_MIN) return 'regular';
  return new Set(sessionIndexes).size > 1 ? 'returning' : 'new';
}

/** Counts per class over everyone who watched any of the sessions. */
export function classifyAudience(
  viewerSessions: ReadonlyMap<string, readonly number[]>,
): Record<AudienceClass, number> {
  const out: Record<AudienceClass, number> = { regular: 0, returning: 0, new: 0 };
  for (const indexes of viewerSessions.values()) out[classifyViewer(indexes)]++;
  return out;
}

export type TrendBucket = 'day' | 'week' | 'month';

/**
 * The start (UTC, shifted by the viewer's offset so buckets follow their calendar) of the bucket
 * an instant falls in. Weeks start on Monday.
 */
export function bucketStart(at: number, bucket: TrendBucket, tzOffsetMin = 0): number {
  const shift = -tzOffsetMin * 60_000;
  const d = new Date(at + shift);
  d.setUTCHours(0, 0, 0, 0);
  if (bucket === 'week') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  if (bucket === 'month') d.setUTCDate(1);
  return d.getTime() - shift;
}

/** Hour of the week (0 = Monday 00:00 … 167 = Sunday 23:00) in the viewer's local time. */
export function hourOfWeek(at: number, tzOffsetMin = 0): number {
  const d = new Date(at - tzOffsetMin * 60_000);
  return ((d.getUTCDay() + 6) % 7) * 24 + d.getUTCHours();
}

/**
 * Turns hour-of-week counts kept in UTC into the viewer's local hours (offsets are rounded to the
 * hour: the heatmap has hour cells).
 */
export function rotateHourOfWeek(utcCounts: readonly number[], tzOffsetMin: number): number[] {
  const shift = Math.round(-tzOffsetMin / 60);
  const out = new Array<number>(168).fill(0);
  for (let h = 0; h < 168; h++) out[(((h + shift) % 168) + 168) % 168] = utcCounts[h] ?? 0;
  return out;
}

/**
 * Hour-of-week counts in an IANA zone from counts per UTC hour (`hourStart`: ms at the top of a UTC
 * hour). Each hour is placed by its own offset, so a DST change moves the hours after it and not the
 * ones before, which a single offset for the whole range cannot do. In a zone whose offset is not a
 * whole hour (Asia/Kolkata) a UTC hour lands in the local hour it starts in.
 */
export function hourOfWeekCellsInZone(
  hourly: readonly { hourStart: number; visits: number }[],
  zone: string,
): number[] {
  const out = new Array<number>(168).fill(0);
  for (const h of hourly) out[hourOfWeekInZone(h.hourStart, zone)]! += h.visits;
  return out;
}
