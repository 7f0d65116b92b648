/** Time zones in the browser: its own, every IANA zone it knows, and times shown in either. */

/** The browser's zone ("Europe/London"); UTC when the engine cannot tell. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

let zones: string[] | null = null;

/** Every zone the browser knows, sorted, with UTC and the browser's own always present. */
export function allTimeZones(): string[] {
  if (!zones) {
    const list = new Set<string>(
      typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [],
    );
    list.add('UTC');
    list.add(browserTimeZone());
    zones = [...list].sort();
  }
  return zones;
}

const LONG: Intl.DateTimeFormatOptions = {
  weekday: 'long',
  month: 'long',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZoneName: 'short',
};

/** "Saturday, March 14, 8:00 PM GMT": an instant as read in a zone (the browser's when omitted). */
export function formatInZone(iso: string, timeZone?: string): string {
  try {
    return new Intl.DateTimeFormat(undefined, { ...LONG, ...(timeZone ? { timeZone } : {}) }).format(
      new Date(iso),
    );
  } catch {
    return new Intl.DateTimeFormat(undefined, LONG).format(new Date(iso));
  }
}

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function partsIn(ms: number, timeZone: string): Parts {
  const out: Record<string, string> = {};
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    weekday: 'short',
  });
  for (const p of f.formatToParts(new Date(ms))) out[p.type] = p.value;
  return {
    year: Number(out.year),
    month: Number(out.month),
    day: Number(out.day),
    hour: Number(out.hour),
    minute: Number(out.minute),
    weekday: WEEKDAYS.indexOf(out.weekday ?? ''),
  };
}

const pad = (n: number) => String(n).padStart(2, '0');
const localString = (p: Pick<Parts, 'year' | 'month' | 'day'>, hour: number, minute: number) =>
  `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(hour)}:${pad(minute)}`;

/** A local date-time (`2027-03-14T20:00`, what `<input type="datetime-local">` holds) `ms` from now in a zone. */
export function localInZone(ms: number, timeZone: string): string {
  const p = partsIn(Date.now() + ms, timeZone);
  return localString(p, p.hour, p.minute);
}

/**
 * The next time it is `weekday` (0 = Monday) at `hour`:00 in a zone, as a local date-time: today
 * if that hour is still ahead, else within the week. The server resolves it (DST included).
 */
export function nextWeekdayHour(weekday: number, hour: number, timeZone: string): string {
  const now = Date.now();
  const today = partsIn(now, timeZone);
  for (let d = 0; d <= 7; d++) {
    const p = partsIn(now + d * 86_400_000, timeZone);
    if (p.weekday !== weekday) continue;
    if (d === 0 && today.hour >= hour) continue;
    return localString(p, hour, 0);
  }
  return localString(today, hour, 0);
}

export const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

const sameDay = (a: Parts, b: Parts) => a.year === b.year && a.month === b.month && a.day === b.day;

/**
 * When an event starts, as someone glancing at the feed reads it, in `timeZone` (the browser's by
 * default): "In 25 min" within the hour, then "Today 20:00", "Tomorrow 20:00", "Sat 20:00" within
 * the week, "Dec 14, 20:00" after that. Days are the zone's calendar days, so "Tomorrow" is right
 * on the night a DST change makes a day 23 or 25 hours long.
 */
export function startLabel(
  iso: string,
  now: number = Date.now(),
  timeZone: string = browserTimeZone(),
): string {
  const at = new Date(iso).getTime();
  if (Number.isNaN(at)) return '';
  const minutes = Math.round((at - now) / 60_000);
  if (minutes < 1) return 'Starting now';
  if (minutes < 60) return `In ${minutes} min`;
  const p = partsIn(at, timeZone);
  const time = `${pad(p.hour)}:${pad(p.minute)}`;
  const today = partsIn(now, timeZone);
  if (sameDay(p, today)) return `Today ${time}`;
  // Noon today plus a day is always tomorrow's date, whatever DST does at midnight.
  const noon = now + (12 - today.hour) * 3_600_000;
  if (sameDay(p, partsIn(noon + 86_400_000, timeZone))) return `Tomorrow ${time}`;
  for (let d = 2; d < 7; d++)
    if (sameDay(p, partsIn(noon + d * 86_400_000, timeZone))) return `${WEEKDAYS[p.weekday]} ${time}`;
  const date = new Intl.DateTimeFormat('en-US', { timeZone, month: 'short', day: 'numeric' }).format(at);
  return `${date}, ${time}`;
}
