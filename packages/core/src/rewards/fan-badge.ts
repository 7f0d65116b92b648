/**
 * The fan-club badge name a creator picks, shown beside every member's name in chat. Core has no
 * dependencies, so the check is written here rather than borrowed from protocol's text rules; it
 * refuses the same control characters and lone surrogates, and also the invisible characters that
 * would let a badge reorder or hide the chat line around it.
 */

export const FAN_BADGE_MAX_CHARACTERS = 8;

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching controls is the point.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/;
/** Bidirectional overrides and isolates, line and paragraph separators, zero-width space and BOM. */
const INVISIBLE = /[\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** Characters as a reader counts them: a flag or a family emoji is one, not four code units. */
export const countCharacters = (s: string): number => [...segmenter.segment(s)].length;

export type FanBadgeCheck = { ok: true; name: string } | { ok: false; problems: string[] };

/** The name to store (trimmed, NFC) or what is wrong with it. */
export function checkFanBadgeName(raw: string): FanBadgeCheck {
  const problems: string[] = [];
  if (typeof raw !== 'string') return { ok: false, problems: ['the badge name must be text'] };
  if (CONTROLS.test(raw) || LONE_SURROGATE.test(raw))
    problems.push('the badge name must not contain control characters');
  if (INVISIBLE.test(raw)) problems.push('the badge name must not contain invisible or direction characters');
  const name = raw.trim().normalize('NFC');
  const length = countCharacters(name);
  if (length === 0) problems.push('the badge name must not be empty');
  if (length > FAN_BADGE_MAX_CHARACTERS)
    problems.push(`the badge name must be at most ${FAN_BADGE_MAX_CHARACTERS} characters (got ${length})`);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, name };
}
