import type { FanEntrance, RoomEvent, RoomEventBody } from '@onair/protocol';
import type { Redis } from 'ioredis';
import { type Bus, topics } from './bus.ts';

/** Room-topic messages on the bus: a numbered event, or one of the aggregated signals. */
export type RoomMessage =
  | { k: 'e'; e: RoomEvent }
  | { k: 'h'; n: number }
  | { k: 'r'; r: string; n: number }
  | { k: 'j'; name: string; fan?: FanEntrance }
  | { k: 'p'; node: string; count: number; at: number };

/**
 * The ordered log of a room's durable events. `append` gives the event the room's next sequence
 * number, keeps it for replay and publishes it, as one step: with Redis a Lua script does all three
 * atomically, so every node receives a room's events in sequence order whichever node appended them.
 */
export interface RoomLog {
  append(room: string, body: RoomEventBody): Promise<RoomEvent>;
  /** Events after `seq`, or null when some of them are no longer kept (the client needs a snapshot). */
  since(room: string, seq: number): Promise<RoomEvent[] | null>;
  head(room: string): Promise<number>;
}

export const REPLAY_EVENTS = 500;

/** One log per in-process bus: everything sharing the bus shares the sequence (as with Redis). */
const inProcessLogs = new WeakMap<Bus, RoomLog>();

export function createInProcessRoomLog(bus: Bus, keep = REPLAY_EVENTS): RoomLog {
  const existing = inProcessLogs.get(bus);
  if (existing) return existing;
  const log = newInProcessRoomLog(bus, keep);
  inProcessLogs.set(bus, log);
  return log;
}

function newInProcessRoomLog(bus: Bus, keep: number): RoomLog {
  const rooms = new Map<string, { seq: number; events: RoomEvent[] }>();
  const state = (room: string) => {
    let s = rooms.get(room);
    if (!s) {
      s = { seq: 0, events: [] };
      rooms.set(room, s);
    }
    return s;
  };
  return {
    async append(room, body) {
      const s = state(room);
      const event = { ...body, seq: ++s.seq } as RoomEvent;
      s.events.push(event);
      if (s.events.length > keep) s.events.splice(0, s.events.length - keep);
      // Same tick as the increment: publish order is seq order.
      await bus.publish(topics.room(room), { k: 'e', e: event } satisfies RoomMessage);
      return event;
    },
    async since(room, seq) {
      return replayAfter(state(room).events, state(room).seq, seq);
    },
    async head(room) {
      return state(room).seq;
    },
  };
}

const APPEND_SCRIPT = `
local seq = redis.call('INCR', KEYS[1])
local event = '{"seq":' .. seq .. ',' .. string.sub(ARGV[1], 2)
redis.call('RPUSH', KEYS[2], event)
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('PUBLISH', KEYS[3], '{"k":"e","e":' .. event .. '}')
return event`;

const ROOM_TTL_S = 12 * 3600;

export function createRedisRoomLog(redis: Redis, keep = REPLAY_EVENTS): RoomLog {
  const keys = (room: string) => [`onair:room:${room}:seq`, `onair:room:${room}:log`, topics.room(room)];
  return {
    async append(room, body) {
      const json = JSON.stringify(body);
      const event = (await redis.eval(APPEND_SCRIPT, 3, ...keys(room), json, keep, ROOM_TTL_S)) as string;
      return JSON.parse(event) as RoomEvent;
    },
    async since(room, seq) {
      const [seqKey, logKey] = keys(room);
      const [head, raw] = await Promise.all([redis.get(seqKey!), redis.lrange(logKey!, 0, -1)]);
      return replayAfter(
        raw.map((r) => JSON.parse(r) as RoomEvent),
        Number(head ?? 0),
        seq,
      );
    },
    async head(room) {
      return Number((await redis.get(keys(room)[0]!)) ?? 0);
    },
  };
}

/** The events after `seq` from a kept window ending at `head`; null if the window starts too late. */
export function replayAfter(kept: RoomEvent[], head: number, seq: number): RoomEvent[] | null {
  if (seq >= head) return [];
  const oldest = kept[0]?.seq ?? head + 1;
  if (seq + 1 < oldest) return null;
  return kept.filter((e) => e.seq > seq);
}
