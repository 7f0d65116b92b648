import type { ErrorCode } from '@onair/protocol';
import type { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { AppError } from '../errors.ts';

/**
 * Every rate limit in OnAir is one of these: `points` actions per `durationS` per key.
 *
 * `cluster` limits are shared by every node through Redis when REDIS_URL is set (what an attacker
 * could otherwise multiply by the number of nodes: logins, sign-ups, tokens, comments); if Redis
 * stops answering they fall back to this node's memory rather than failing open or refusing
 * everyone. `node` limits are flood control on hot paths (hearts, gifts, WebSocket frames), where a
 * Redis round trip per action would cost more than the abuse it stops.
 */
export interface LimitSpec {
  points: number;
  durationS: number;
  scope: 'cluster' | 'node';
}

export interface Limiter {
  /** Takes `points` for `key`: 0 when allowed, else the milliseconds until it would be. */
  take(key: string, points?: number): Promise<number>;
  /** Refused now, without taking anything: the milliseconds until allowed, or 0. */
  peek(key: string): Promise<number>;
  /** Forgets `key` (a successful login clears the handle's failed attempts). */
  reset(key: string): Promise<void>;
  /** Takes a point or throws a 429 AppError with `retryAfterMs`. */
  consume(key: string, code: ErrorCode, message: string): Promise<void>;
}

export function createLimiter(name: string, spec: LimitSpec, redis?: Redis): Limiter {
  const memory = new RateLimiterMemory({ keyPrefix: name, points: spec.points, duration: spec.durationS });
  const store: RateLimiterAbstract =
    spec.scope === 'cluster' && redis
      ? new RateLimiterRedis({
          storeClient: redis,
          keyPrefix: `onair:rl:${name}`,
          points: spec.points,
          duration: spec.durationS,
          insuranceLimiter: memory,
        })
      : memory;

  const take = async (key: string, points = 1) => {
    try {
      await store.consume(key, points);
      return 0;
    } catch (res) {
      if (res instanceof RateLimiterRes) return Math.max(1, res.msBeforeNext);
      throw res;
    }
  };

  return {
    take,
    async peek(key) {
      const res = await store.get(key);
      return res && res.remainingPoints <= 0 ? Math.max(1, res.msBeforeNext) : 0;
    },
    async reset(key) {
      await store.delete(key);
    },
    async consume(key, code, message) {
      const wait = await take(key);
      if (wait > 0) throw tooMany(code, message, wait);
    },
  };
}

export function tooMany(code: ErrorCode, message: string, retryAfterMs: number): AppError {
  const s = Math.ceil(retryAfterMs / 1000);
  return new AppError(code, 429, `${message} Try again in ${s} s.`, { retryAfterMs });
}
