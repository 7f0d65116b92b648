import { z } from 'zod';

/**
 * Every string a user supplies goes through one of these types. Postgres refuses U+0000 outright (a
 * raw `z.string()` let it reach the database and come back as a masked 500), and the other C0/C1
 * controls are never typed by a person: they are how a client smuggles terminal escapes, fake line
 * breaks and invisible padding into other people's screens and logs. Lone surrogates are refused
 * too: a driver would silently turn them into U+FFFD, so what is stored would not be what was sent.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching controls is the point.
const CONTROLS_SINGLE_LINE = /[\u0000-\u001f\u007f-\u009f]/;
/** Newlines (and tabs, which a pasted paragraph holds) are the only controls multi-line text keeps. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching controls is the point.
const CONTROLS_MULTILINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** Half of a surrogate pair with no other half (`String.prototype.isWellFormed` is too new for some browsers). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const CONTROL_CHARACTERS_MESSAGE = 'must not contain control characters';

/** True when `s` holds no control character (newlines and tabs allowed when `multiline`). */
export function isCleanText(s: string, multiline = false): boolean {
  return !(multiline ? CONTROLS_MULTILINE : CONTROLS_SINGLE_LINE).test(s) && !LONE_SURROGATE.test(s);
}

/** A raw string with no control characters or lone surrogates; chain `.min/.max/.regex` on it. */
export const cleanString = (options: { multiline?: boolean } = {}) =>
  z.string().refine((s) => isCleanText(s, options.multiline), CONTROL_CHARACTERS_MESSAGE);

/**
 * A user-visible text field: trimmed, `min`..`max` characters, no control characters (single line
 * unless `multiline`, where `\r\n` becomes `\n`).
 */
export function Text(options: { min?: number; max: number; multiline?: false }): z.ZodString;
export function Text(options: {
  min?: number;
  max: number;
  multiline: true;
}): z.ZodPipe<z.ZodPipe<z.ZodString, z.ZodTransform<string, string>>, z.ZodString>;
export function Text({
  min = 0,
  max,
  multiline = false,
}: {
  min?: number;
  max: number;
  multiline?: boolean;
}) {
  const text = z
    .string()
    .trim()
    .min(min, min === 1 ? 'must not be empty' : `at least ${min} characters`)
    .max(max, `at most ${max} characters`)
    .refine((s) => isCleanText(s, multiline), CONTROL_CHARACTERS_MESSAGE);
  return multiline
    ? z
        .string()
        .transform((s) => s.replace(/\r\n?/g, '\n'))
        .pipe(text)
    : text;
}

/** An opaque pagination cursor a client echoes back: printable, bounded. */
export const Cursor = (max = 200) => cleanString().max(max);
