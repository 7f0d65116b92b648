import { isoWeekNumber, localDayNumber } from '../time/zoned.ts';

/**
 * How regularly a creator goes LIVE, from the instants their sessions went LIVE, in their zone.
 *
 * - `weeklyStreak`: consecutive ISO weeks (Monday first, local) with at least one LIVE, ending with
 *   this week, or with last week while this week has none yet: a week still under way has not
 *   broken the streak.
 * - `liveDays28`: distinct local days with a LIVE in the 28 days up to `now`.
 */
export function liveConsistency(
  liveStarts: readonly number[],
  now: number,
  zone: string,
): { weeklyStreak: number; liveDays28: number } {
  const weeks = new Set<number>();
  const days = new Set<number>();
  const since = now - 28 * 86_400_000;
  for (const at of liveStarts) {
    if (at > now) continue;
    weeks.add(isoWeekNumber(at, zone));
    if (at > since) days.add(localDayNumber(at, zone));
  }
  let week = isoWeekNumber(now, zone);
  if (!weeks.has(week)) week -= 7;
  let weeklyStreak = 0;
  while (weeks.has(week)) {
    weeklyStreak++;
    week -= 7;
  }
  return { weeklyStreak, liveDays28: days.size };
}
