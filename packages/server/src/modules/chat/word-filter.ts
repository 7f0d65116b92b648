/** True when `text` contains one of `words` as a whole word (case-insensitive, any script). */
export function containsBannedWord(text: string, words: readonly string[]): string | null {
  if (words.length === 0) return null;
  const tokens = new Set(
    text
      .toLowerCase()
      .normalize('NFKC')
      .split(/[^\p{L}\p{N}_]+/u),
  );
  const lowered = text.toLowerCase().normalize('NFKC');
  for (const word of words) {
    const w = word.toLowerCase().normalize('NFKC');
    // Multi-word entries match as a phrase; single words match whole tokens so "class" passes "ass".
    if (w.includes(' ') ? lowered.includes(w) : tokens.has(w)) return word;
  }
  return null;
}

/** @handles mentioned in a comment, lowercased, at most 5. */
export function mentionsIn(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/(?:^|[^\w@])@([a-z0-9_.]{2,24})/gi)) {
    found.add(m[1]!.toLowerCase().replace(/\.+$/, ''));
    if (found.size === 5) break;
  }
  return [...found];
}
