/**
 * iCalendar (RFC 5545) for scheduled LIVEs: one event, or a creator's feed a calendar app
 * subscribes to. Written by hand: a VEVENT with a UTC start needs a few lines, and the rules that
 * matter (CRLF, folding at 75 octets without splitting a UTF-8 sequence, TEXT escaping) are below
 * and tested against a parser in `ical.test.ts`.
 */

export interface CalendarEvent {
  id: string;
  title: string;
  description: string;
  startsAt: Date;
  durationMin: number;
  /** The page of the event, absolute. */
  url: string;
  status: 'scheduled' | 'live' | 'kept' | 'missed' | 'cancelled';
  hashtags: readonly string[];
  updatedAt: Date;
  creatorName: string;
}

const CRLF = '\r\n';
const MAX_OCTETS = 75;

/** TEXT values (§3.3.11): backslash, semicolon, comma and newline escaped. */
export function escapeText(s: string): string {
  return s.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r?\n/g, '\\n');
}

/** `20260308T200000Z` (§3.3.5, form #2: UTC). */
export function utcStamp(d: Date): string {
  return d
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/**
 * Folds a content line (§3.1): at most 75 octets per physical line, continuation lines start with
 * one space (which counts towards their 75). Cuts only between code points.
 */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (octets + size > MAX_OCTETS) {
      out.push(current);
      current = ` ${ch}`;
      octets = 1 + size;
    } else {
      current += ch;
      octets += size;
    }
  }
  out.push(current);
  return out.join(CRLF);
}

function vevent(e: CalendarEvent, stamp: Date, host: string): string[] {
  const lines = [
    'BEGIN:VEVENT',
    `UID:${e.id}@${host}`,
    `DTSTAMP:${utcStamp(stamp)}`,
    `DTSTART:${utcStamp(e.startsAt)}`,
    `DURATION:PT${e.durationMin}M`,
    `SUMMARY:${escapeText(`${e.title} (LIVE with ${e.creatorName})`)}`,
    `URL:${e.url}`,
    `STATUS:${e.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'}`,
    // Calendar apps replace their copy when SEQUENCE grows: every edit moves updated_at forward.
    `SEQUENCE:${Math.max(0, Math.floor(e.updatedAt.getTime() / 1000) - 1_700_000_000)}`,
    `LAST-MODIFIED:${utcStamp(e.updatedAt)}`,
  ];
  const description = [e.description, e.url].filter((s) => s.length > 0).join('\n\n');
  lines.push(`DESCRIPTION:${escapeText(description)}`);
  if (e.hashtags.length > 0) lines.push(`CATEGORIES:${e.hashtags.map(escapeText).join(',')}`);
  lines.push('END:VEVENT');
  return lines;
}

export function renderCalendar(opts: {
  events: readonly CalendarEvent[];
  /** The calendar's name in the app that subscribes (a creator's feed). */
  name?: string;
  /** DTSTAMP: when this file was made. */
  now: Date;
  /** The server's host name, for globally unique UIDs. */
  host: string;
}): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//OnAir//LIVE events//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
  ];
  if (opts.name) lines.push(`X-WR-CALNAME:${escapeText(opts.name)}`);
  for (const e of opts.events) lines.push(...vevent(e, opts.now, opts.host));
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join(CRLF) + CRLF;
}
