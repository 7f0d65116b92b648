import type { RoomEvent, RoomEventBody } from '@onair/protocol';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../test/backends.ts';
import { createInProcessBus, createRedisBus } from './bus.ts';
import { createInProcessRoomLog, createRedisRoomLog, type RoomLog, replayAfter } from './room-log.ts';

const body = (n: number): RoomEventBody => ({ kind: 'settings', slowModeS: n });

describe('replayAfter', () => {
  const kept = [3, 4, 5].map((seq) => ({ seq, kind: 'ended' }) as RoomEvent);
  it('returns what came after seq while the window holds it, null once it does not', () => {
    expect(replayAfter(kept, 5, 5)).toEqual([]);
    expect(replayAfter(kept, 5, 9)).toEqual([]);
    expect(replayAfter(kept, 5, 3)!.map((e) => e.seq)).toEqual([4, 5]);
    expect(replayAfter(kept, 5, 2)!.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(replayAfter(kept, 5, 1)).toBeNull();
    expect(replayAfter([], 0, 0)).toEqual([]);
    expect(replayAfter([], 7, 2)).toBeNull();
  });

  /**
   * A client that reads events in order, disconnects at random points and resumes with its last seq
   * (or a snapshot when the window moved on) ends up with every seq exactly once, in order.
   */
  it('resuming from the last seq never leaves a gap or a duplicate', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(
          fc.record({
            append: fc.integer({ min: 0, max: 30 }),
            disconnectFor: fc.integer({ min: 0, max: 30 }),
          }),
          {
            maxLength: 30,
          },
        ),
        (keep, steps) => {
          const all: RoomEvent[] = [];
          let head = 0;
          const seen: number[] = [];
          let last = 0;
          for (const step of steps) {
            for (let i = 0; i < step.append; i++) all.push({ seq: ++head, kind: 'ended' } as RoomEvent);
            // Connected: receive everything so far in order.
            for (const e of all) if (e.seq > last) seen.push(e.seq);
            last = head;
            // Disconnected while more events happen, then resume.
            for (let i = 0; i < step.disconnectFor; i++)
              all.push({ seq: ++head, kind: 'ended' } as RoomEvent);
            const window = all.slice(-keep);
            const replay = replayAfter(window, head, last);
            if (replay === null) {
              // Snapshot: the client restarts its view at head (what it skipped is in the snapshot).
              seen.push(-1);
              last = head;
            } else {
              for (const e of replay) seen.push(e.seq);
              if (replay.length) last = replay.at(-1)!.seq;
            }
          }
          const numbers = seen.filter((s) => s > 0);
          expect(new Set(numbers).size).toBe(numbers.length);
          for (let i = 1; i < seen.length; i++) {
            if (seen[i]! > 0 && seen[i - 1]! > 0) expect(seen[i]).toBe(seen[i - 1]! + 1);
          }
        },
      ),
    );
  });
});

const logs: [string, () => { log: RoomLog; other: RoomLog; close(): Promise<void> }][] = [
  [
    'in-process',
    () => {
      const bus = createInProcessBus();
      const log = createInProcessRoomLog(bus, 5);
      return { log, other: log, close: () => bus.close() };
    },
  ],
];
const url = testRedisUrl();
if (url) {
  logs.push([
    'redis',
    () => {
      const a = new Redis(url);
      const b = new Redis(url);
      const busA = createRedisBus(a);
      return {
        log: createRedisRoomLog(a, 5),
        other: createRedisRoomLog(b, 5),
        close: async () => {
          await busA.close();
          await a.quit();
          await b.quit();
        },
      };
    },
  ]);
}

describe.each(logs)('%s room log', (_name, make) => {
  const env = make();
  afterAll(() => env.close());
  const room = () => `00000000-0000-4000-8000-${Math.random().toString(16).slice(2, 14).padEnd(12, '0')}`;

  it('numbers appends from two nodes as one sequence and replays what a client missed', async () => {
    const r = room();
    const appended = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? env.log : env.other).append(r, body(i))),
    );
    expect(appended.map((e) => e.seq).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await env.other.head(r)).toBe(8);
    expect((await env.log.since(r, 5))!.map((e) => e.seq)).toEqual([6, 7, 8]);
    // Only the last 5 are kept: from seq 2 the client needs a snapshot.
    expect(await env.log.since(r, 2)).toBeNull();
    expect(await env.log.since(r, 8)).toEqual([]);
  });
});
