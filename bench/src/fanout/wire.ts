/**
 * What the fan-out benchmark's processes agree on: the clock, how a publisher stamps a comment and
 * how a client reads the stamps back out of a frame without parsing all of it.
 */

/**
 * Milliseconds of CLOCK_MONOTONIC (since boot), with sub-millisecond resolution: one clock for every
 * process on the host, so a send time taken in one process and a receipt time taken in another can
 * be subtracted (wall-clock time could be stepped or slewed in between, and each process's
 * `performance.timeOrigin` is fixed at its own start).
 */
export const clockMs = () => Number(process.hrtime.bigint()) / 1e6;

/** Comments are this long, like a full chat line (the protocol's maximum is 150). */
export const COMMENT_CHARS = 150;
const FILLER = ' lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor'.repeat(3);

/** A ~150-character comment that starts with its send time: `t=<clockMs> i=<n> lorem …`. */
export function stampedText(sentAt: number, i: number): string {
  const head = `t=${sentAt.toFixed(3)} i=${i}`;
  return (head + FILLER).slice(0, COMMENT_CHARS).trimEnd();
}

/** The send time a stamped text carries, or NaN. */
export function stampOf(text: string): number {
  return text.startsWith('t=') ? Number.parseFloat(text.slice(2)) : Number.NaN;
}

const SEQ_KEY = '"seq":';
const STAMP_KEY = '"text":"t=';
// What is searched for: the key's tail from a character that is rare in these frames ('q' and 'x'
// appear in no other key, no UUID, no date and not in the filler text), which string search skips
// through several times faster than a pattern starting with '"' (in every other byte of JSON). Each
// hit is then checked against the whole key.
const SEQ_PROBE = 'q":';
const STAMP_PROBE = 'xt":"t=';

/**
 * Reads every `"seq":N` and every stamped `"text":"t=<ms>` of a batch frame (decoded as latin1: the
 * keys and digits are ASCII, so no UTF-8 decoding is needed) into `seqs`/`stamps`, in order. JSON
 * escapes quotes inside strings, so neither key can be forged by a comment's text. Returns false
 * when the two counts differ (an event that is not a stamped comment): the caller then parses the
 * frame properly.
 */
export function scanBatch(frame: string, seqs: number[], stamps: number[]): boolean {
  seqs.length = 0;
  stamps.length = 0;
  for (let p = frame.indexOf(SEQ_PROBE); p >= 0; p = frame.indexOf(SEQ_PROBE, p)) {
    p += SEQ_PROBE.length;
    if (p - SEQ_KEY.length < 0 || !frame.startsWith(SEQ_KEY, p - SEQ_KEY.length)) continue;
    let n = 0;
    let c = frame.charCodeAt(p);
    while (c >= 48 && c <= 57) {
      n = n * 10 + (c - 48);
      c = frame.charCodeAt(++p);
    }
    seqs.push(n);
  }
  for (let q = frame.indexOf(STAMP_PROBE); q >= 0; q = frame.indexOf(STAMP_PROBE, q)) {
    q += STAMP_PROBE.length;
    if (q - STAMP_KEY.length < 0 || !frame.startsWith(STAMP_KEY, q - STAMP_KEY.length)) continue;
    let whole = 0;
    let c = frame.charCodeAt(q);
    while (c >= 48 && c <= 57) {
      whole = whole * 10 + (c - 48);
      c = frame.charCodeAt(++q);
    }
    let fraction = 0;
    let scale = 1;
    if (c === 46) {
      c = frame.charCodeAt(++q);
      while (c >= 48 && c <= 57) {
        fraction = fraction * 10 + (c - 48);
        scale *= 10;
        c = frame.charCodeAt(++q);
      }
    }
    stamps.push(whole + fraction / scale);
  }
  return seqs.length === stamps.length;
}
