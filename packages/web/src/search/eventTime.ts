/** "Sat, Dec 12, 8:00 PM CET": an event's start in the zone its creator planned it in. */
export function eventTimeLabel(startsAt: string, timeZone: string): string {
  const options: Intl.DateTimeFormatOptions = {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  };
  try {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone }).format(new Date(startsAt));
  } catch {
    return new Intl.DateTimeFormat(undefined, options).format(new Date(startsAt));
  }
}
