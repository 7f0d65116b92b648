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
