import { randomBytes } from 'node:crypto';

/** "live_" + 160 random bits. Never contains "~", which separates a key from a per-broadcast suffix. */
export function newStreamKey(): string {
  return `live_${randomBytes(20).toString('base64url').replaceAll('-', 'x').replaceAll('_', 'z')}`;
}

/** OBS sends the bare key; browser go-live sends "<key>~<suffix>" so each broadcast is its own stream. */
export function keyFromStreamName(name: string): string {
  return name.split('~', 1)[0] ?? '';
}

/** For logs: enough to tell keys apart, never enough to use one. */
export function redactKey(key: string): string {
  return `${key.slice(0, 8)}…`;
}
