import type { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import { createLimiter, type Limiter } from './rate-limits.ts';

/**
 * Every limit the server applies, in one place (the README's "Security" section lists them).
 * Keys: a client address for anonymous actions, a user id or handle otherwise, a socket for frames.
 */
export function createRateLimits(config: Config, redis?: Redis) {
  const chatWindowS = Math.max(1, Math.ceil(config.CHAT_BURST / config.CHAT_RATE_PER_S));
  return {
    /** Login and sign-up attempts per client address. */
    authByAddress: createLimiter(
      'auth-address',
      { points: config.LOGIN_RATE_LIMIT, durationS: 60, scope: 'cluster' },
      redis,
    ),
    /** Failed logins per handle from anywhere: what stops guessing from many addresses. */
    loginFailuresByHandle: createLimiter(
      'login-handle',
      { points: config.LOGIN_HANDLE_FAILURES, durationS: 15 * 60, scope: 'cluster' },
      redis,
    ),
    /** API tokens created per user. */
    tokens: createLimiter(
      'tokens',
      { points: config.TOKEN_RATE_LIMIT, durationS: 3600, scope: 'cluster' },
      redis,
    ),
    /** Comments per user: CHAT_BURST at once, CHAT_RATE_PER_S on average. */
    comments: createLimiter(
      'comments',
      { points: config.CHAT_BURST, durationS: chatWindowS, scope: 'cluster' },
      redis,
    ),
    /** Reports per user (each lands in a moderator's queue). */
    reports: createLimiter('reports', { points: 30, durationS: 3600, scope: 'cluster' }, redis),
    /** Gifts per sender: a combo is fast, a script is faster; the coins bound the rest. */
    gifts: createLimiter('gifts', { points: config.GIFT_RATE_PER_S, durationS: 1, scope: 'node' }),
    /** Scheduled-LIVE changes per creator (create, edit, cancel): each one reschedules jobs and may notify RSVPers. */
    eventWrites: createLimiter('event-writes', { points: 60, durationS: 3600, scope: 'cluster' }, redis),
    /** "Remind me" toggles per user. */
    rsvps: createLimiter('rsvps', { points: 120, durationS: 60, scope: 'cluster' }, redis),
    /** Heart taps and reactions per user: over the rate they are dropped quietly, like a double tap. */
    hearts: createLimiter('hearts', { points: 20, durationS: 2, scope: 'node' }),
    /** Searches (and tag pages) per client address: typing with suggestions is a few a second. */
    search: createLimiter('search', {
      points: config.SEARCH_RATE_LIMIT_PER_MIN,
      durationS: 60,
      scope: 'node',
    }),
    /** CSP violation reports per client address: a page's handful, not a log flood. */
    cspReports: createLimiter('csp-reports', { points: 30, durationS: 60, scope: 'node' }),
    /** Frames per WebSocket: past this the socket is closed with 1008. */
    frames: createLimiter('ws-frames', { points: 60, durationS: 2, scope: 'node' }),
  } satisfies Record<string, Limiter>;
}

export type RateLimits = ReturnType<typeof createRateLimits>;
