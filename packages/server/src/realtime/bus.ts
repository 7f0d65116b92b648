import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';

export type BusHandler = (message: unknown) => void;

/**
 * Topic pub/sub between server nodes. In-process by default; Redis when REDIS_URL is set, so an event
 * raised on one node (a creator going LIVE) reaches sockets held by every other node.
 */
export interface Bus {
  readonly kind: 'in-process' | 'redis';
  publish(topic: string, message: unknown): Promise<void>;
  /** Resolves once the subscription is active; the returned function removes it. */
  subscribe(topic: string, handler: BusHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export function createInProcessBus(): Bus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    kind: 'in-process',
    async publish(topic, message) {
      // Deliver on a later tick, as Redis would: publishers never run subscriber code inline.
      setImmediate(() => emitter.emit(topic, message));
    },
    async subscribe(topic, handler) {
      emitter.on(topic, handler);
      return async () => {
        emitter.off(topic, handler);
      };
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}

/** Redis pub/sub with one SUBSCRIBE per topic per node, however many local handlers share it. */
export function createRedisBus(redis: Redis): Bus {
  // No ready check: its INFO would race a SUBSCRIBE queued while connecting and be refused.
  const sub = redis.duplicate({ enableReadyCheck: false });
  const handlers = new Map<string, Set<BusHandler>>();
  sub.on('messageBuffer', (channel: Buffer, payload: Buffer) => {
    const set = handlers.get(channel.toString());
    if (!set) return;
    let message: unknown;
    try {
      message = JSON.parse(payload.toString());
    } catch {
      return;
    }
    for (const h of set) h(message);
  });
  return {
    kind: 'redis',
    async publish(topic, message) {
      await redis.publish(topic, JSON.stringify(message));
    },
    async subscribe(topic, handler) {
      let set = handlers.get(topic);
      if (!set) {
        set = new Set();
        handlers.set(topic, set);
        await sub.subscribe(topic);
      }
      set.add(handler);
      return async () => {
        const current = handlers.get(topic);
        if (!current?.delete(handler) || current.size > 0) return;
        handlers.delete(topic);
        await sub.unsubscribe(topic);
      };
    },
    async close() {
      handlers.clear();
      await sub.quit().catch(() => sub.disconnect());
    },
  };
}

export const topics = {
  user: (userId: string) => `onair:user:${userId}`,
  stream: (sessionId: string) => `onair:stream:${sessionId}`,
  room: (sessionId: string) => `onair:room:${sessionId}`,
  /** Credentials that must stop working now (logout, revoke, role change) on every node. */
  auth: 'onair:auth',
};
