import type { RoomBatch, RoomEvent } from '@onair/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RoomSync } from './room-sync.ts';

const ev = (seq: number): RoomEvent => ({ seq, kind: 'settings', slowModeS: seq });
const batch = (seqs: number[]): RoomBatch => ({ type: 'batch', room: 'r', events: seqs.map(ev) });

describe('RoomSync', () => {
  it('delivers each seq once, in order, and asks to rejoin from the last seq on a gap', () => {
    const got: number[] = [];
    const rejoins: (number | undefined)[] = [];
    const sync = new RoomSync('r', { onEvents: (es) => got.push(...es.map((e) => e.seq)) }, (since) =>
      rejoins.push(since),
    );
    sync.joined({ seq: 2, comments: [], pinned: null, viewers: { current: 0, peak: 0 }, slowModeS: 0 });
    sync.batch(batch([1, 2, 3, 4]));
    sync.batch(batch([4, 5]));
    sync.batch(batch([8, 9]));
    sync.batch(batch([10]));
    expect(got).toEqual([3, 4, 5]);
    expect(rejoins).toEqual([5]);
    sync.joined(null);
    sync.batch(batch([6, 7, 8, 9, 10]));
    expect(got).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(sync.joinFrame()).toEqual({ type: 'join', room: 'r', since: 10 });
  });

  /**
   * Whatever the network does to batches (repeats, overlaps, losses), what reaches the page is a
   * prefix of the true sequence with no gap and no duplicate, and resyncing from the server's replay
   * completes it.
   */
  it('never shows a gap or a duplicate under repeated, overlapping or lost batches', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ from: fc.integer({ min: 1, max: 60 }), len: fc.integer({ min: 0, max: 8 }) }), {
          maxLength: 40,
        }),
        (deliveries) => {
          const got: number[] = [];
          let server = 0;
          const sync = new RoomSync('r', { onEvents: (es) => got.push(...es.map((e) => e.seq)) }, () => {
            // The server answers a rejoin with a replay of everything after the client's last seq.
            const from = (sync.lastSeq ?? 0) + 1;
            queueReplay = Array.from({ length: Math.max(0, server - from + 1) }, (_, i) => from + i);
          });
          let queueReplay: number[] | null = null;
          sync.joined({ seq: 0, comments: [], pinned: null, viewers: { current: 0, peak: 0 }, slowModeS: 0 });
          for (const d of deliveries) {
            const seqs = Array.from({ length: d.len }, (_, i) => d.from + i);
            server = Math.max(server, ...seqs, 0);
            sync.batch(batch(seqs));
            if (queueReplay) {
              const replay = queueReplay;
              queueReplay = null;
              sync.joined(null);
              sync.batch(batch(replay));
            }
          }
          expect(got).toEqual(Array.from({ length: got.length }, (_, i) => i + 1));
        },
      ),
    );
  });
});
