import { createHmac, randomBytes } from 'node:crypto';

export type TokenKind = 'session' | 'api';

const PREFIX: Record<TokenKind, string> = { session: 'oas_', api: 'oat_' };

/** 256 random bits; the prefix lets secret scanners and people tell an OnAir token at a glance. */
export function newToken(kind: TokenKind): string {
  return PREFIX[kind] + randomBytes(32).toString('base64url');
}

/** Only this keyed hash is stored, so a copy of the database alone cannot be used to sign in. */
export function hashToken(secretKey: string, token: string): string {
  return createHmac('sha256', secretKey).update(token).digest('base64url');
}

export function looksLikeToken(value: string): boolean {
  return /^oa[st]_[A-Za-z0-9_-]{43}$/.test(value);
}
