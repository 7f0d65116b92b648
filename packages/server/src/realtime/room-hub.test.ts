import type { RoomBatch, RoomEventBody } from '@onair/protocol';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { eventually } from '../test/eventually.ts';
import { type Bus, createInProcessBus } from './bus.ts';
import { CLOSE_SLOW_CONSUMER, createRoomHub, type HubClient, type RoomHub } from './room-hub.ts';
import { createInProcessRoomLog, type RoomLog } from './room-log.ts';

const room = 'room-1';
const body = (n: number): RoomEventBody => ({ kind: 'settings', slowModeS: n });

/** A socket that records what the hub sends it. */
function fakeClient() {
  const frames: RoomBatch[] = [];
  let closedWith: number | null = null;
  const socket = {
    OPEN: 1,
    readyState: 1,
    bufferedAmount: 0,
    send(data: Buffer | string) {
      frames.push(JSON.parse(data.toString()) as RoomBatch);
    },
    close(code: number) {
      closedWith = code;
      socket.readyState = 3;
    },
  };
  const client: HubClient = {
    socket: socket as unknown as WebSocket,
    userId: null,
    hidden: null,
    floors: new Map(),
  };
  return {
    client,
    frames,
    seqs: () => frames.flatMap((f) => f.events.map((e) => e.seq)),
    closedWith: () => closedWith,
  };
}

describe('room hub: a joining client', () => {
  let bus: Bus;
  let hub: RoomHub;
  let log: RoomLog;

  const setUp = (batchMs: number) => {
    bus = createInProcessBus();
    log = createInProcessRoomLog(bus);
    hub = createRoomHub({
      bus,
      nodeId: 'node-1',
      batchMs,
      maxBufferedBytes: 1 << 20,
      log: pino({ level: 'silent' }),
    });
  };
  const joined = async (batchMs = 5) => {
    setUp(batchMs);
    const watcher = fakeClient();
    await hub.attach(room, watcher.client);
    hub.release(room, watcher.client, 0);
    return watcher;
  };

  afterEach(async () => {
    hub.close();
    await bus.close();
  });

  it('gets no live batch before its replay, then the held ones without what the replay covered', async () => {
    const watcher = await joined();
    const joiner = fakeClient();
    await hub.attach(room, joiner.client);
    // While the joiner's replay is being read, the room flushes events to everyone else.
    for (let i = 1; i <= 3; i++) await log.append(room, body(i));
    await eventually('watcher has 1..3', () => watcher.seqs().length === 3);
    expect(joiner.frames).toEqual([]);

    // Its replay went up to seq 2 (it was read before seq 3 was appended).
    hub.release(room, joiner.client, 2);
    expect(joiner.seqs()).toEqual([3]);

    for (let i = 4; i <= 5; i++) await log.append(room, body(i));
    await eventually('watcher has 1..5', () => watcher.seqs().length === 5);
    await eventually('joiner has 3..5', () => joiner.seqs().length === 3);
    expect(joiner.seqs()).toEqual([3, 4, 5]);
    expect(watcher.seqs()).toEqual([1, 2, 3, 4, 5]);
  });

  it('drops events the replay covered that were received but not yet flushed when it is released', async () => {
    const watcher = await joined(50);
    const joiner = fakeClient();
    await hub.attach(room, joiner.client);
    await log.append(room, body(1));
    await log.append(room, body(2));
    // The bus delivers on a later tick; the room flushes only after 50 ms.
    await new Promise((resolve) => setImmediate(resolve));
    hub.release(room, joiner.client, 2);
    await log.append(room, body(3));
    await eventually('watcher has 1..3', () => watcher.seqs().length === 3);
    await eventually('joiner has 3', () => joiner.seqs().length > 0);
    expect(joiner.seqs()).toEqual([3]);
  });

  it('keeps the signals of held batches, and cuts off a join that never finishes', async () => {
    const watcher = await joined();
    const joiner = fakeClient();
    await hub.attach(room, joiner.client);
    hub.joined(room, 'Ada');
    await eventually('join notice', () => watcher.frames.some((f) => f.joinedCount === 1));
    hub.release(room, joiner.client, 0);
    expect(joiner.frames.map((f) => f.joins)).toEqual([['Ada']]);

    const stuck = fakeClient();
    await hub.attach(room, stuck.client);
    for (let i = 1; i <= 1001; i++) await log.append(room, body(i));
    await eventually('cut off', () => stuck.closedWith() !== null);
    expect(stuck.closedWith()).toBe(CLOSE_SLOW_CONSUMER);
    expect(stuck.frames).toEqual([]);
  });
});
