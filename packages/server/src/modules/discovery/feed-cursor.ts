import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../errors.ts';

/**
 * The For You cursor: which rooms the viewer has already been shown, by 48-bit short id, signed.
 * The order changes every few seconds, so an offset or a score keyset would repeat rooms that fell
 * and skip rooms that rose; excluding what was shown and taking the best of the rest does neither.
 * Signed so a tampered cursor is refused rather than trusted; bounded, so the feed ends after
 * `MAX_SEEN` rooms instead of growing the URL without end.
 */
export const MAX_SEEN = 300;
const VERSION = 1;
const ID_BYTES = 6;
const MAC_BYTES = 12;

export interface FeedPosition {
  /** Pages served so far (seeds the exploration picks, so each page offers other newcomers). */
  page: number;
  seen: number[];
}

const mac = (key: string, body: Buffer) =>
  createHmac('sha256', key).update(body).digest().subarray(0, MAC_BYTES);

export function encodeFeedCursor(key: string, pos: FeedPosition): string {
  const body = Buffer.alloc(3 + pos.seen.length * ID_BYTES);
  body.writeUInt8(VERSION, 0);
  body.writeUInt16BE(Math.min(pos.page, 0xffff), 1);
  pos.seen.forEach((id, i) => {
    body.writeUIntBE(id, 3 + i * ID_BYTES, ID_BYTES);
  });
  return Buffer.concat([body, mac(key, body)]).toString('base64url');
}

const malformed = () =>
  new AppError('request.invalid_cursor', 400, 'This feed cursor is not one the server made.');

export function decodeFeedCursor(key: string, cursor: string): FeedPosition {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw malformed();
  const raw = Buffer.from(cursor, 'base64url');
  // Base64 decoding forgives stray trailing characters; a cursor must be exactly what was issued.
  if (raw.toString('base64url') !== cursor) throw malformed();
  if (raw.length < 3 + MAC_BYTES || (raw.length - 3 - MAC_BYTES) % ID_BYTES !== 0) throw malformed();
  const body = raw.subarray(0, raw.length - MAC_BYTES);
  const given = raw.subarray(raw.length - MAC_BYTES);
  if (!timingSafeEqual(given, mac(key, body)) || body.readUInt8(0) !== VERSION) throw malformed();
  const seen: number[] = [];
  for (let at = 3; at < body.length; at += ID_BYTES) seen.push(body.readUIntBE(at, ID_BYTES));
  if (seen.length > MAX_SEEN) throw malformed();
  return { page: body.readUInt16BE(1), seen };
}
