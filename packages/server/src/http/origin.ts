import type { IncomingHttpHeaders } from 'node:http';

/**
 * Whether a browser request may act with the session cookie it carries. A page on another site can
 * make the browser send our cookie (a form post, a WebSocket: SameSite=Lax covers most of that in
 * today's browsers, not all of it), but it cannot choose the Origin or Sec-Fetch-Site the browser
 * stamps on the request. So: an Origin must be ours (PUBLIC_URL, the Host the request was sent to,
 * or ALLOWED_ORIGINS); without an Origin, Sec-Fetch-Site must say same-origin or user-initiated;
 * with neither it is not a browser (curl, an SDK), which a cross-site page cannot impersonate.
 */
export function isSameOriginRequest(headers: IncomingHttpHeaders, allowed: ReadonlySet<string>): boolean {
  const origin = headers.origin;
  if (origin !== undefined) {
    if (allowed.has(origin)) return true;
    try {
      // 'null' (sandboxed frames, file://) fails to parse and is refused.
      return new URL(origin).host === headers.host;
    } catch {
      return false;
    }
  }
  const site = headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' || site === 'none';
  return true;
}

/** Methods that change state; GETs must not, so they are never refused for their origin. */
export const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function allowedOrigins(publicUrl: string, extra: readonly string[]): ReadonlySet<string> {
  return new Set([new URL(publicUrl).origin, ...extra]);
}
