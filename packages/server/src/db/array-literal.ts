/**
 * Postgres array literals for the few hot statements that send thousands of array elements at a
 * time. The driver's generic conversion inspects, escapes and re-allocates element by element; these
 * build the same text in one pass. The statement casts the parameter (`$1::int[]`), so the text is
 * read exactly as the driver's own would be.
 */

/** `{1,2,3}`; every element must be a safe integer. */
export function intArrayLiteral(values: readonly number[]): string {
  for (const v of values)
    if (!Number.isSafeInteger(v)) throw new TypeError(`array element ${String(v)} is not an integer`);
  return `{${values.join(',')}}`;
}

const NEEDS_ESCAPE = /["\\]/;

/**
 * `{"a","b"}`: every element quoted, so commas, braces, spaces and the word NULL stay text; quotes and
 * backslashes are escaped.
 */
export function textArrayLiteral(values: readonly string[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (i > 0) out += ',';
    out += `"${NEEDS_ESCAPE.test(v) ? v.replace(/["\\]/g, '\\$&') : v}"`;
  }
  return `${out}}`;
}
