import { localDayNumber, resolveLocalTime } from '../time/zoned.ts';

/**
 * Calendar periods in a zone (league seasons, weekly missions, daily leaderboards). Boundaries are
 * local midnights resolved with the zone's own DST rules, so a March period in London starts at
 * 00:00 GMT and an April one at 00:00 BST, and a week across a clock change is 167 or 169 hours.
 */
export type PeriodRule =
  | { kind: 'daily' }
  | { kind: 'weekly' }
  | { kind: 'monthly' }
  /** Periods of `days` local days, one of them starting on `anchor` (`YYYY-MM-DD`). */
  | { kind: 'days'; days: number; anchor: string };

export interface Period {
  /** Stable, sortable name: `2026-03-08`, `2026-W10`, `2026-03`, `2026-03-02/P14D`. */
  key: string;
  /** First instant of the period (ms). */
  start: number;
  /** First instant after it (ms): periods are half-open, [start, end). */
  end: number;
}

const DAY_MS = 86_400_000;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

interface CivilDate {
  year: number;
  month: number;
  day: number;
}

const dateOfDay = (dayNumber: number): CivilDate => {
  const d = new Date(dayNumber * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
};
const dayOfDate = (d: CivilDate) => Math.floor(Date.UTC(d.year, d.month - 1, d.day) / DAY_MS);
const isoDate = (d: CivilDate) => `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`;

/**
 * The instant a local calendar day begins in a zone. Where a zone skips midnight (a few move their
 * clocks at 00:00) the day begins when the clock lands, as `resolveLocalTime` rules.
 */
export function localMidnight(dayNumber: number, zone: string): number {
  return resolveLocalTime({ ...dateOfDay(dayNumber), hour: 0, minute: 0 }, zone).at;
}

/** `YYYY-MM-DD` → day number, or null when it is not a calendar date. */
export function parseLocalDate(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const n = dayOfDate(d);
  const back = dateOfDay(n);
  return back.year === d.year && back.month === d.month && back.day === d.day ? n : null;
}

/** ISO 8601 week name of the week starting on Monday `monday`: the year is the one its Thursday falls in. */
function isoWeekKey(monday: number): string {
  const thursday = dateOfDay(monday + 3);
  const jan1 = dayOfDate({ year: thursday.year, month: 1, day: 1 });
  return `${pad(thursday.year, 4)}-W${pad(Math.floor((monday + 3 - jan1) / 7) + 1)}`;
}

/** The first and one-past-last local day of the period a local day falls in, and its key. */
function periodDays(day: number, rule: PeriodRule): { from: number; to: number; key: string } {
  switch (rule.kind) {
    case 'daily':
      return { from: day, to: day + 1, key: isoDate(dateOfDay(day)) };
    case 'weekly': {
      // 1970-01-01 was a Thursday: day 0 is weekday 3 in ISO order.
      const monday = day - ((((day + 3) % 7) + 7) % 7);
      return { from: monday, to: monday + 7, key: isoWeekKey(monday) };
    }
    case 'monthly': {
      const d = dateOfDay(day);
      const from = dayOfDate({ ...d, day: 1 });
      const to = dayOfDate({ year: d.month === 12 ? d.year + 1 : d.year, month: (d.month % 12) + 1, day: 1 });
      return { from, to, key: `${pad(d.year, 4)}-${pad(d.month)}` };
    }
    case 'days': {
      const anchor = parseLocalDate(rule.anchor);
      if (anchor === null || !Number.isInteger(rule.days) || rule.days < 1)
        throw new RangeError(`bad period rule: ${rule.days} days from ${rule.anchor}`);
      const from = anchor + Math.floor((day - anchor) / rule.days) * rule.days;
      return { from, to: from + rule.days, key: `${isoDate(dateOfDay(from))}/P${rule.days}D` };
    }
  }
}

/** The period an instant falls in, in a zone. */
export function periodAt(at: number, rule: PeriodRule, zone: string): Period {
  let day = localDayNumber(at, zone);
  // Where midnight repeats (a fall-back at 00:00) the repeated hour reads as the day before although
  // it comes after the day's first midnight; step until the instant is inside [start, end).
  for (let i = 0; i < 3; i++) {
    const { from, to, key } = periodDays(day, rule);
    const start = localMidnight(from, zone);
    const end = localMidnight(to, zone);
    if (at < start) day = from - 1;
    else if (at >= end) day = to;
    else return { key, start, end };
  }
  throw new RangeError(`no ${rule.kind} period holds ${new Date(at).toISOString()} in ${zone}`);
}

export const nextPeriod = (p: Period, rule: PeriodRule, zone: string): Period => periodAt(p.end, rule, zone);
export const previousPeriod = (p: Period, rule: PeriodRule, zone: string): Period =>
  periodAt(p.start - 1, rule, zone);

/** Problems with a period rule, worded for the operator; [] when usable. */
export function validatePeriodRule(rule: PeriodRule): string[] {
  if (rule.kind !== 'days')
    return ['daily', 'weekly', 'monthly'].includes(rule.kind) ? [] : ['unknown period kind'];
  const problems: string[] = [];
  if (!Number.isInteger(rule.days) || rule.days < 1 || rule.days > 366)
    problems.push(`period days must be a whole number from 1 to 366 (got ${String(rule.days)})`);
  if (parseLocalDate(rule.anchor) === null)
    problems.push(`period anchor must be a date like 2026-01-05 (got ${String(rule.anchor)})`);
  return problems;
}
