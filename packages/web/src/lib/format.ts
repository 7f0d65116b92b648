/** "Joined March 2025": months read the same everywhere, so no locale guessing. */
export function joinedLabel(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return `Joined ${date.toLocaleDateString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' })}`;
}

export function shortDate(iso: string): string {
  return new Date(iso).toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric' });
}

/** Up to two letters: "Ana Lima" → "AL", "ana" → "A". */
export function initials(name: string): string {
  const words = name
    .trim()
    .split(/[\s._-]+/)
    .filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[1]] : [words[0]];
  return (
    letters
      .map((w) => (w ? Array.from(w)[0] : ''))
      .join('')
      .toUpperCase() || '?'
  );
}

const AVATAR_COLORS = [
  '#fe2c55',
  '#25f4ee',
  '#7c5cff',
  '#ff9f1c',
  '#2ec4b6',
  '#e056fd',
  '#3a86ff',
  '#8ac926',
];

/** A stable color per handle, so a person keeps their color across pages and sessions. */
export function avatarColor(seed: string): string {
  let hash = 0;
  for (const ch of seed) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return AVATAR_COLORS[hash % AVATAR_COLORS.length] ?? '#fe2c55';
}

/** 1234 → "1.2K", as LIVE viewer counts read. */
export function compactCount(n: number): string {
  return new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

/** "just now", "5m ago", "3h ago", "2d ago", then a date: how notifications read. */
export function relativeTime(iso: string, now: number = Date.now()): string {
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return '';
  const s = Math.max(0, Math.round((now - then) / 1000));
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m}m ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h}h ago`;
  const d = Math.round(h / 24);
  if (d < 7) return `${d}d ago`;
  return shortDate(iso);
}

/** 3725 → "1h 2m 5s", 605 → "10m 5s", 42 → "42s": how long a LIVE lasted. */
export function durationLabel(totalSeconds: number): string {
  const t = Math.max(0, Math.round(totalSeconds));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = t % 60;
  if (h > 0) return `${h}h ${m}m ${s}s`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

/** "1 follower", "1.2K followers". */
export function followersLabel(n: number): string {
  return `${compactCount(n)} ${n === 1 ? 'follower' : 'followers'}`;
}
