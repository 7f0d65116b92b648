import { randomUUID } from 'node:crypto';
import { EventKind } from '@onair/core';
import type { HubClient, RoomHub } from '../../realtime/room-hub.ts';
import type { RoomLog } from '../../realtime/room-log.ts';
import type { MetricsRecorder } from './recorder.ts';

/**
 * Taps on the paths events already take, so no other module has to know about the studio: each tap
 * records after the real work is done and never waits for the database.
 */

/** Comments, shares and follows: every durable room event passes through the room log once. */
export function captureRoomLog(log: RoomLog, recorder: MetricsRecorder): RoomLog {
  return {
    since: (room, seq) => log.since(room, seq),
    head: (room) => log.head(room),
    async append(room, body) {
      const event = await log.append(room, body);
      // Stamped now, on the recorder's clock like every other event, not with the comment's own
      // time: the two differ by the chat's write batch (milliseconds), and one clock keeps a test
      // server's moved clock consistent across kinds.
      if (body.kind === 'comment') {
        recorder.record(room, body.comment.user.id, EventKind.comment);
      } else if (body.kind === 'share') {
        recorder.record(room, body.user.id, EventKind.share);
      } else if (body.kind === 'follow') {
        recorder.record(room, body.user.id, EventKind.follow);
      }
      return event;
    },
  };
}

/** Accepted heart taps and reactions, per viewer (the gateway checked the rate and room already). */
export function captureSignal(recorder: MetricsRecorder) {
  return (room: string, userId: string, kind: 'heart' | 'react', count: number) => {
    if (kind === 'heart') recorder.hearts(room, userId, count);
    else recorder.record(room, userId, EventKind.reaction);
  };
}

const SESSION_CACHE_MS = 10_000;

/**
 * View starts and ends: a socket attaching to a room starts a view, detaching (leave, close, cut
 * off) ends it. Only rooms that are LIVE sessions count, checked once per room every few seconds off
 * the join path. Signed-out viewers get an id per socket: counted as viewers, never as returning.
 */
export function captureViews(
  hub: RoomHub,
  recorder: MetricsRecorder,
  isLive: (sessionId: string) => Promise<boolean>,
): RoomHub {
  const anonymous = new WeakMap<HubClient, string>();
  const open = new Map<string, Set<HubClient>>();
  const liveRooms = new Map<string, { at: number; live: Promise<boolean> }>();
  const viewerOf = (c: HubClient) => {
    if (c.userId) return c.userId;
    let id = anonymous.get(c);
    if (!id) {
      id = randomUUID();
      anonymous.set(c, id);
    }
    return id;
  };
  const checkLive = (room: string) => {
    const hit = liveRooms.get(room);
    if (hit && Date.now() - hit.at < SESSION_CACHE_MS) return hit.live;
    const live = isLive(room).catch(() => false);
    if (liveRooms.size > 10_000) liveRooms.clear();
    liveRooms.set(room, { at: Date.now(), live });
    return live;
  };

  return {
    ...hub,
    async attach(room, client) {
      const already = hub.isAttached(room, client);
      await hub.attach(room, client);
      if (already) return;
      const at = recorder.now();
      void checkLive(room).then((live) => {
        if (!live || !hub.isAttached(room, client)) return;
        let set = open.get(room);
        if (!set) {
          set = new Set();
          open.set(room, set);
        }
        if (set.has(client)) return;
        set.add(client);
        recorder.record(room, viewerOf(client), EventKind.viewStart, at);
      });
    },
    detach(room, client) {
      hub.detach(room, client);
      const set = open.get(room);
      if (!set?.delete(client)) return;
      if (set.size === 0) open.delete(room);
      recorder.record(room, viewerOf(client), EventKind.viewEnd);
    },
  };
}
