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
