import { hash } from 'node:crypto';
import { conflict } from '../../errors.ts';

/** Fingerprint of what a request asked for, stored with its effect so a retry can be compared. */
export function requestHash(parts: readonly (string | number | null)[]): string {
  return hash('sha256', JSON.stringify(parts), 'base64url').slice(0, 32);
}

export const idempotencyConflict = () =>
  conflict(
    'request.idempotency_conflict',
    'This idempotency key was already used for a different request. Use a new key for a new request.',
  );
