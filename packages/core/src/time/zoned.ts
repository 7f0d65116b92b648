/**
 * Wall-clock times in IANA time zones, on the engine's own tz database (`Intl`), so no zone data is
 * shipped or kept up to date by hand. A scheduled LIVE is planned as "20:00 in Europe/London" and
 * stored as the instant it resolves to; heatmaps and streaks read instants back as local hours, days
 * and ISO weeks of a zone.
 *
 * Local times a zone skips or repeats resolve deterministically:
 * - in a spring-forward gap (02:30 on the day New York jumps from 02:00 to 03:00) the time moves
 *   forward by the length of the gap (03:30 EDT): what a clock that was not changed would show;
 * - in a fall-back overlap (01:30 happens twice) the earlier instant wins (01:30 EDT, not EST).
 */

export interface LocalDateTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second?: number;
}

export interface ZonedParts extends Required<LocalDateTime> {
  /** 0 = Monday … 6 = Sunday (ISO order). */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
      era: 'short',
    });
    formatters.set(zone, f);
  }
  return f;
}

// IANA names only: letters first, then letters, digits, `_`, `-`, `+` and `/` (Etc/GMT+5). Bare
// offsets ("+05:00") are refused even where an engine accepts them: they have no DST rules.
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

/**
 * The zone's name as it should be stored, or null when it is not an IANA zone (or alias) the engine
 * knows. Case is fixed when the engine's canonical name differs only in case ("europe/paris");
 * an alias keeps its own spelling ("Asia/Kolkata" stays, although ICU calls it "Asia/Calcutta").
 */
export function normalizeTimeZone(name: string): string | null {
  if (!ZONE_NAME.test(name)) return null;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  return resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
}

export const isTimeZone = (name: string): boolean => normalizeTimeZone(name) !== null;

const WEEKDAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

/** The wall-clock reading of an instant in a zone. Throws a RangeError for an unknown zone. */
export function zonedParts(atMs: number, zone: string): ZonedParts {
  const out: Record<string, string> = {};
  for (const p of formatter(zone).formatToParts(new Date(atMs))) out[p.type] = p.value;
  const year = Number(out.year);
  return {
    year: out.era === 'BC' ? 1 - year : year,
    month: Number(out.month),
    day: Number(out.day),
    hour: Number(out.hour),
    minute: Number(out.minute),
    second: Number(out.second),
    weekday: WEEKDAYS[out.weekday ?? ''] ?? 0,
  };
}

const wallMs = (t: LocalDateTime) => Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second ?? 0);

/** Minutes the zone is ahead of UTC at an instant (New York in summer: -240). */
export function zoneOffsetMin(atMs: number, zone: string): number {
  const whole = Math.floor(atMs / 1000) * 1000;
  return Math.round((wallMs(zonedParts(whole, zone)) - whole) / 60_000);
}

export interface ResolvedLocalTime {
  /** Milliseconds since the epoch. */
  at: number;
  /** `gap`: the local time does not exist and moved forward; `overlap`: it happened twice, the earlier is taken. */
  adjustment: 'none' | 'gap' | 'overlap';
}

/** The instant a local date-time in a zone stands for, with the gap and overlap rules above. */
export function resolveLocalTime(local: LocalDateTime, zone: string): ResolvedLocalTime {
  const wall = wallMs(local);
  // No zone moves its offset twice within a day either side, so the offsets a day apart bound it.
  const offsets = new Set([zoneOffsetMin(wall - 86_400_000, zone), zoneOffsetMin(wall + 86_400_000, zone)]);
  for (const o of [...offsets]) offsets.add(zoneOffsetMin(wall - o * 60_000, zone));
  const valid = [...offsets]
    .map((o) => wall - o * 60_000)
    .filter((at) => zoneOffsetMin(at, zone) * 60_000 === wall - at)
    .sort((a, b) => a - b);
  const [first, second] = valid;
  if (first !== undefined)
    return { at: first, adjustment: second !== undefined && second !== first ? 'overlap' : 'none' };
  // A gap: read the wall time with the offset in force just before it, which lands after the gap.
  const before = zoneOffsetMin(wall - 86_400_000, zone);
  const after = zoneOffsetMin(wall + 86_400_000, zone);
  return { at: wall - Math.min(before, after) * 60_000, adjustment: 'gap' };
}

/** `2026-03-08T02:30` (seconds optional) → its parts; null when malformed or not a calendar date. */
export function parseLocalDateTime(s: string): LocalDateTime | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? 0)) as number[];
  const t = { year: year!, month: month!, day: day!, hour: hour!, minute: minute!, second: second ?? 0 };
  const d = new Date(wallMs(t));
  if (
    d.getUTCFullYear() !== t.year ||
    d.getUTCMonth() + 1 !== t.month ||
    d.getUTCDate() !== t.day ||
    t.hour > 23 ||
    t.minute > 59 ||
    t.second > 59
  )
    return null;
  return t;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `2026-03-08T03:30`: the wall-clock reading of an instant in a zone, to the minute. */
export function formatLocalDateTime(atMs: number, zone: string): string {
  const p = zonedParts(atMs, zone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** Hour of the week in a zone: 0 = Monday 00:00 … 167 = Sunday 23:00 local time. */
export function hourOfWeekInZone(atMs: number, zone: string): number {
  const p = zonedParts(atMs, zone);
  return p.weekday * 24 + p.hour;
}

/** The local calendar date in a zone, as days since 1970-01-01 (to count distinct days). */
export function localDayNumber(atMs: number, zone: string): number {
  const p = zonedParts(atMs, zone);
  return Math.floor(Date.UTC(p.year, p.month - 1, p.day) / 86_400_000);
}

/**
 * The ISO week (Monday first) an instant falls in, in a zone, as the day number of its Monday:
 * consecutive weeks differ by exactly 7, whatever the year boundary or the zone's DST.
 */
export function isoWeekNumber(atMs: number, zone: string): number {
  const day = localDayNumber(atMs, zone);
  // 1970-01-01 was a Thursday: day 0 is weekday 3 in ISO order.
  return day - ((((day + 3) % 7) + 7) % 7);
}
