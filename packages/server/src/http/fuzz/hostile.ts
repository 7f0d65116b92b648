import { isCleanText } from '@onair/protocol';
import fc from 'fast-check';

/**
 * What an attacker or a careless client types: each entry is a class of input that has broken a
 * server somewhere (a driver, a regex, a LIKE pattern, a log line, a terminal, a prototype).
 */
export const HOSTILE_PIECES: readonly string[] = [
  '\u0000',
  'a\u0000b',
  '\u0001\u0002\u0007\u0008',
  '\u001b[31mred\u001b[0m',
  '\u007f',
  '\u0085\u009b\u009f',
  '\r\n',
  '\t',
  '\u2028\u2029',
  '\ud800',
  'x\udfffy',
  '\udc00\ud800',
  '\uffff',
  '\ufffe',
  '\ufeffbom',
  '\u202eevil\u202c',
  '\u200f\u200e\u2066\u2069',
  '\u200b\u200c\u200d\u2060',
  '\u{10ffff}',
  '\u{e0001}',
  'e\u0301\u0301\u0301',
  '👩‍👩‍👧‍👦',
  '🏳️‍🌈',
  'Ｆｕｌｌ',
  'ß',
  'İ',
  '%',
  '_',
  '\\',
  "'",
  '"',
  '%_\\\'"',
  "' OR '1'='1",
  "'); drop table users; --",
  '$1',
  '%00',
  '%E0%A4%A',
  '%zz',
  '%25',
  '%2e%2e%2f',
  '../../etc/passwd',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as typed
  '${7*7}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '9007199254740993',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '',
  ' ',
  '   padded   ',
];

/**
 * The pieces a person may legitimately type (no control characters, no lone surrogates): text made of
 * these must be accepted and stored exactly, so it reaches the database, LIKE patterns and logs.
 */
export const LEGAL_PIECES = HOSTILE_PIECES.filter((p) => p.trim() !== '' && isCleanText(p));

export const legalHostileText: fc.Arbitrary<string> = fc
  .array(fc.constantFrom(...LEGAL_PIECES), { minLength: 1, maxLength: 4 })
  .map((a) => a.join(' '));

/** Long strings: past every field's limit, and big enough to stress a regex or a log line. */
const LONG = [
  'a'.repeat(10_000),
  '👩‍👩‍👧‍👦'.repeat(600),
  '\u0000'.repeat(2000),
  '%'.repeat(5000),
  `${'a_'.repeat(3000)}!`,
  'é'.repeat(3000),
];

/** Single code units that no person types and that break drivers, terminals and round trips. */
export const POISON = [
  '\u0000',
  '\u0001',
  '\u0008',
  '\u000b',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009b',
  '\ud800',
  '\udfff',
  '\uffff',
  '\ufffe',
  '\u202e',
  '\u200b',
  '\ufeff',
];

/**
 * A hostile string: ordinary text with one poisoned code unit in it, a known piece, several glued
 * together, one inside ordinary text, any code points, or one of the long ones.
 */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.string({ maxLength: 6 }), fc.constantFrom(...POISON), fc.string({ maxLength: 6 }))
      .map(([a, b, c]) => `${a}${b}${c}`),
  },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_PIECES) },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.constantFrom(...HOSTILE_PIECES), { minLength: 2, maxLength: 5 })
      .map((a) => a.join('')),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...HOSTILE_PIECES), fc.string({ maxLength: 8 }))
      .map(([a, b, c]) => `${a}${b}${c}`),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-composite', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(...LONG) },
);

/** Fits a hostile string into a field's length limits, so it passes the length check and reaches the code behind it. */
/**
 * `valid` with one poisoned code unit put in (U+0000 half the time: the one byte Postgres refuses),
 * still within `maxLength`, so only the poison can make it fail.
 */
export function poisoned(
  valid: fc.Arbitrary<string>,
  maxLength = Number.POSITIVE_INFINITY,
): fc.Arbitrary<string> {
  return fc
    .tuple(valid, fc.oneof(fc.constant('\u0000'), fc.constantFrom(...POISON)), fc.nat())
    .map(([v, poison, at]) => {
      const units = [...v];
      if (units.length >= maxLength) units.pop();
      units.splice(at % (units.length + 1), 0, poison);
      return units.join('');
    });
}

export function fitted(s: string, minLength = 0, maxLength = Number.POSITIVE_INFINITY): string {
  const cut = [...s].slice(0, Math.max(0, maxLength)).join('');
  return cut.length >= minLength ? cut : cut.padEnd(minLength, 'x');
}

/** Numbers at and past the edges: zero, negatives, floats, 2^31, 2^53 and beyond, the largest double. */
export const EDGE_NUMBERS: readonly number[] = [
  0,
  -0,
  -1,
  1,
  0.5,
  1.5,
  -1.5,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32,
  2 ** 53 - 1,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  1e21,
  1e308,
  -1e308,
  Number.MIN_VALUE,
  Number.EPSILON,
];

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(...EDGE_NUMBERS),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Numbers as text (query strings, numeric-looking strings where numbers are expected). */
export const NUMERIC_STRINGS: readonly string[] = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e3',
  '1e400',
  '0x10',
  '0b1',
  '1_000',
  '1.5',
  '-0',
  '+1',
  ' 1',
  '1 ',
  '01',
  '9'.repeat(400),
  '9007199254740993',
  '-9007199254740993',
];

/** Object keys that try to reach a prototype or confuse a parser. */
export const HOSTILE_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  '',
  'a\u0000b',
  '\ud800',
  'x'.repeat(2000),
  '$where',
  'role',
  'userId',
  'id',
];

/** Any JSON value, including ones of the wrong type for whatever field receives it. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, 2 ** 53 + 2, '', [], {}, [null], { a: null }),
  hostileString,
  hostileNumber,
  fc.array(fc.oneof(hostileString, hostileNumber), { maxLength: 4 }),
  fc.dictionary(fc.constantFrom(...HOSTILE_KEYS, 'a', 'b'), fc.oneof(hostileString, hostileNumber), {
    maxKeys: 3,
  }),
);

/** Sets `key` as an own property even when it is `__proto__`, so JSON.stringify sends it. */
export function withOwn(
  target: Record<string, unknown>,
  key: string,
  value: unknown,
): Record<string, unknown> {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
  return target;
}
