import type { FanEntrance, RoomBatch, RoomEvent } from '@onair/protocol';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { type Bus, topics } from './bus.ts';
import type { RoomMessage } from './room-log.ts';

/** Close code for a client that could not keep up; it may reconnect and resume from its last seq. */
export const CLOSE_SLOW_CONSUMER = 4008;

export interface HubClient {
  socket: WebSocket;
  userId: string | null;
  /** Authors this client has blocked: their events are filtered out for this client only. */
  hidden: Set<string> | null;
  /** Per room: the seq up to which this client already has events (after a replay or snapshot). */
  floors: Map<string, number>;
}

export interface RoomHubOptions {
  bus: Bus;
  nodeId: string;
  /** How often a room flushes what it collected, as one frame per client. */
  batchMs: number;
  /** A client whose unsent bytes exceed this is cut off rather than allowed to slow the room. */
  maxBufferedBytes: number;
  log: Logger;
  /** A room's `ended` event reached this node: its peak is final as far as this node saw it. */
  onEnded?: (room: string, viewers: { current: number; peak: number }) => Promise<void>;
}

interface RoomState {
  clients: Set<HubClient>;
  /**
   * Clients attached but not yet given their snapshot or replay: their live batches wait here, so
   * nothing live reaches them before what they missed (`release` sends these, minus what it covered).
   */
  held: Map<HubClient, { batches: RoomBatch[]; events: number }>;
  off: Promise<() => Promise<void>>;
  pending: RoomEvent[];
  hearts: number;
  reactions: Record<string, number>;
  joins: string[];
  joinedCount: number;
  /** Fan-club members among the joins, with their badge (the join notice shows it). */
  fanJoins: FanEntrance[];
  presence: Map<string, { count: number; at: number }>;
  viewers: { current: number; peak: number };
  viewersChanged: boolean;
  timer: NodeJS.Timeout | null;
  /** Signals raised on this node, summed here and sent to the bus once per batch. */
  outHearts: number;
  outReactions: Record<string, number>;
  lastPresenceCount: number;
  lastPresenceAt: number;
}

const PRESENCE_FRESH_MS = 12_000;
const PRESENCE_HEARTBEAT_MS = 5_000;
const MAX_JOIN_NAMES = 3;
/** Live events held for one joining client; a join that takes this long is cut off like a slow client. */
const MAX_HELD_EVENTS = 1000;

/** Whether a batch says something besides its events (worth sending to a client who has all of them). */
const hasSignalsIn = (b: RoomBatch): boolean =>
  b.hearts !== undefined ||
  b.reactions !== undefined ||
  b.joinedCount !== undefined ||
  b.viewers !== undefined;

const authorOf = (e: RoomEvent): string | null =>
  e.kind === 'comment' ? e.comment.user.id : e.kind === 'share' || e.kind === 'follow' ? e.user.id : null;

/**
 * One per node. Holds the sockets of this node's viewers per room, subscribes to a room's bus topic
 * only while it has local viewers, and flushes each room every `batchMs`: durable events in seq order
 * plus aggregated hearts, reactions, joins and viewer counts, serialized once and sent as the same
 * string to every client (a per-client copy is made only for a client catching up or with blocks).
 */
export function createRoomHub({ bus, nodeId, batchMs, maxBufferedBytes, log, onEnded }: RoomHubOptions) {
  const rooms = new Map<string, RoomState>();

  const schedule = (room: string, r: RoomState) => {
    r.timer ??= setTimeout(() => flush(room, r), batchMs);
  };

  function recomputeViewers(r: RoomState, now: number) {
    let current = 0;
    for (const [node, p] of r.presence) {
      if (now - p.at > PRESENCE_FRESH_MS && node !== nodeId) r.presence.delete(node);
      else current += p.count;
    }
    if (current !== r.viewers.current) {
      r.viewers = { current, peak: Math.max(r.viewers.peak, current) };
      r.viewersChanged = true;
    }
  }

  function onMessage(room: string, r: RoomState, message: unknown) {
    const m = message as RoomMessage;
    switch (m.k) {
      case 'e':
        r.pending.push(m.e);
        if (m.e.kind === 'ended' && onEnded) {
          onEnded(room, r.viewers).catch((err) => log.warn({ err, room }, 'recording the peak failed'));
        }
        break;
      case 'h':
        r.hearts += m.n;
        break;
      case 'r':
        r.reactions[m.r] = (r.reactions[m.r] ?? 0) + m.n;
        break;
      case 'j':
        r.joinedCount++;
        if (r.joins.length < MAX_JOIN_NAMES) r.joins.push(m.name);
        if (m.fan && r.fanJoins.length < MAX_JOIN_NAMES) r.fanJoins.push(m.fan);
        break;
      case 'p':
        if (m.node !== nodeId) r.presence.set(m.node, { count: m.count, at: m.at });
        recomputeViewers(r, Date.now());
        if (!r.viewersChanged) return;
        break;
      default:
        return;
    }
    schedule(room, r);
  }

  function publishSignals(room: string, r: RoomState) {
    const topic = topics.room(room);
    if (r.outHearts > 0) {
      void bus.publish(topic, { k: 'h', n: r.outHearts } satisfies RoomMessage);
      r.outHearts = 0;
    }
    for (const [reaction, n] of Object.entries(r.outReactions)) {
      void bus.publish(topic, { k: 'r', r: reaction, n } satisfies RoomMessage);
    }
    r.outReactions = {};
  }

  function flush(room: string, r: RoomState) {
    r.timer = null;
    publishSignals(room, r);
    const events = r.pending;
    const hasSignals =
      r.hearts > 0 || r.joinedCount > 0 || r.viewersChanged || Object.keys(r.reactions).length > 0;
    if (events.length === 0 && !hasSignals) return;
    const batch: RoomBatch = { type: 'batch', room, events };
    if (r.hearts > 0) batch.hearts = r.hearts;
    if (Object.keys(r.reactions).length > 0) batch.reactions = r.reactions;
    if (r.joinedCount > 0) {
      batch.joins = r.joins;
      batch.joinedCount = r.joinedCount;
      if (r.fanJoins.length > 0) batch.fanJoins = r.fanJoins;
    }
    if (r.viewersChanged) batch.viewers = r.viewers;
    r.pending = [];
    r.hearts = 0;
    r.reactions = {};
    r.joins = [];
    r.joinedCount = 0;
    r.fanJoins = [];
    r.viewersChanged = false;

    // Encoded once: sending the string would make ws measure and UTF-8-encode it again per socket
    // (measured 15–25% of a flush at 2000 viewers). Sent as a text frame all the same.
    const payload = Buffer.from(JSON.stringify(batch));
    for (const client of r.clients) {
      const { socket } = client;
      if (socket.readyState !== socket.OPEN) continue;
      if (socket.bufferedAmount > maxBufferedBytes) {
        log.warn({ room, buffered: socket.bufferedAmount }, 'cutting off a slow client');
        socket.close(CLOSE_SLOW_CONSUMER, 'too slow: reconnect and resume from your last seq');
        continue;
      }
      const held = r.held.get(client);
      if (!held) {
        deliver(room, client, batch, hasSignals, payload);
        continue;
      }
      held.batches.push(batch);
      held.events += events.length;
      if (held.events > MAX_HELD_EVENTS) {
        log.warn({ room, held: held.events }, 'cutting off a client whose join did not finish');
        socket.close(CLOSE_SLOW_CONSUMER, 'too slow: reconnect and resume from your last seq');
      }
    }
  }

  /** Sends a batch to one client, without the events at or below its floor or by authors it blocked. */
  function deliver(room: string, client: HubClient, batch: RoomBatch, signals: boolean, payload?: Buffer) {
    const { socket } = client;
    const { events } = batch;
    const lastSeq = events.at(-1)?.seq;
    const floor = client.floors.get(room);
    const hidden = client.hidden;
    const needsCopy =
      (floor !== undefined && events.length > 0 && events[0]!.seq <= floor) ||
      (hidden !== null && events.some((e) => hidden.has(authorOf(e) ?? '')));
    if (floor !== undefined && lastSeq !== undefined && lastSeq > floor) client.floors.delete(room);
    if (!needsCopy) {
      socket.send(payload ?? JSON.stringify(batch), { binary: false });
      return;
    }
    const own = events.filter(
      (e) => (floor === undefined || e.seq > floor) && !hidden?.has(authorOf(e) ?? ''),
    );
    if (own.length === 0 && !signals) return;
    socket.send(JSON.stringify({ ...batch, events: own }));
  }

  // Presence: each node tells the others how many viewers it holds per room, on change and as a heartbeat.
  const presenceTimer = setInterval(() => {
    const now = Date.now();
    for (const [room, r] of rooms) {
      const count = r.clients.size;
      if (count === r.lastPresenceCount && now - r.lastPresenceAt < PRESENCE_HEARTBEAT_MS) continue;
      r.lastPresenceCount = count;
      r.lastPresenceAt = now;
      r.presence.set(nodeId, { count, at: now });
      recomputeViewers(r, now);
      if (r.viewersChanged) schedule(room, r);
      void bus.publish(topics.room(room), { k: 'p', node: nodeId, count, at: now } satisfies RoomMessage);
    }
  }, 1000);
  presenceTimer.unref();

  function state(room: string): RoomState {
    let r = rooms.get(room);
    if (!r) {
      const created: RoomState = {
        clients: new Set(),
        held: new Map(),
        off: Promise.resolve(async () => {}),
        pending: [],
        hearts: 0,
        reactions: {},
        joins: [],
        joinedCount: 0,
        fanJoins: [],
        presence: new Map(),
        viewers: { current: 0, peak: 0 },
        viewersChanged: false,
        timer: null,
        outHearts: 0,
        outReactions: {},
        lastPresenceCount: -1,
        lastPresenceAt: 0,
      };
      created.off = bus.subscribe(topics.room(room), (m) => onMessage(room, created, m));
      rooms.set(room, created);
      r = created;
    }
    return r;
  }

  return {
    /**
     * Adds the client, holding its live batches until `release`; resolves once this node receives the
     * room's events (read the snapshot or replay after this, so nothing falls between the two).
     */
    async attach(room: string, client: HubClient): Promise<void> {
      const r = state(room);
      r.clients.add(client);
      if (!r.held.has(client)) r.held.set(client, { batches: [], events: 0 });
      await r.off;
    },

    /**
     * The client has been sent its snapshot or replay, up to `floor`: the live batches held since
     * `attach` follow, without anything at or below `floor`, and from now on it gets each flush.
     */
    release(room: string, client: HubClient, floor: number): void {
      const r = rooms.get(room);
      const held = r?.held.get(client);
      if (!r || !held) return;
      r.held.delete(client);
      client.floors.set(room, floor);
      const { socket } = client;
      if (socket.readyState !== socket.OPEN) return;
      for (const batch of held.batches) deliver(room, client, batch, hasSignalsIn(batch));
    },

    detach(room: string, client: HubClient): void {
      const r = rooms.get(room);
      if (!r?.clients.delete(client)) return;
      r.held.delete(client);
      client.floors.delete(room);
      if (r.clients.size > 0) return;
      // Last local viewer left: tell the others, stop listening.
      rooms.delete(room);
      if (r.timer) clearTimeout(r.timer);
      publishSignals(room, r);
      void bus.publish(topics.room(room), {
        k: 'p',
        node: nodeId,
        count: 0,
        at: Date.now(),
      } satisfies RoomMessage);
      void r.off.then((off) => off());
    },

    isAttached: (room: string, client: HubClient) => rooms.get(room)?.clients.has(client) ?? false,

    hearts(room: string, n: number): void {
      const r = rooms.get(room);
      if (!r) return;
      r.outHearts += n;
      schedule(room, r);
    },

    react(room: string, reaction: string): void {
      const r = rooms.get(room);
      if (!r) return;
      r.outReactions[reaction] = (r.outReactions[reaction] ?? 0) + 1;
      schedule(room, r);
    },

    joined(room: string, name: string, fan?: FanEntrance | null): void {
      const message: RoomMessage = fan ? { k: 'j', name, fan } : { k: 'j', name };
      void bus.publish(topics.room(room), message);
    },

    viewers(room: string): { current: number; peak: number } {
      const r = rooms.get(room);
      if (!r) return { current: 0, peak: 0 };
      recomputeViewers(r, Date.now());
      return r.viewers;
    },

    localRooms: () => rooms.size,

    close(): void {
      clearInterval(presenceTimer);
      for (const [room, r] of rooms) {
        if (r.timer) clearTimeout(r.timer);
        rooms.delete(room);
        void r.off.then((off) => off());
      }
    },
  };
}

export type RoomHub = ReturnType<typeof createRoomHub>;
