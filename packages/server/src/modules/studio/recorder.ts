import { EventKind } from '@onair/core';
import type { Logger } from 'pino';
import type { Db } from '../../db/database.ts';
import { type EventColumns, insertEvents } from './studio.repository.ts';

export interface RecorderOptions {
  db: Db;
  log: Logger;
  /** Pending events are written at least this often. */
  flushMs?: number;
  /** Rows per INSERT; a full batch is written at once instead of waiting for the timer. */
  batchRows?: number;
  /** INSERTs in flight at once (the bench raises it; a server keeps one connection for this). */
  concurrency?: number;
  /**
   * Beyond this many unwritten rows (the database is down or slower than the rooms), new events are
   * dropped and counted: metrics are worth less than memory, and delivery must never wait for them.
   */
  maxPending?: number;
  /** The clock events are stamped with when the caller gives no time (a test server's can be moved). */
  now?: () => number;
}

const emptyColumns = (): EventColumns => ({ sessionIds: [], viewerIds: [], kinds: [], ats: [], values: [] });

/**
 * Collects studio events in memory and appends them with multi-row `unnest` INSERTs. `record` only
 * pushes onto arrays: the room hub, chat and gifts call it inline and never wait for the database.
 * Heart taps are summed per (session, viewer) between flushes, so a tapping crowd costs one row per
 * viewer per flush rather than one per tap.
 */
export function createMetricsRecorder({
  db,
  log,
  flushMs = 200,
  batchRows = 5000,
  concurrency = 1,
  maxPending = 1_000_000,
  now = Date.now,
}: RecorderOptions) {
  let pending = emptyColumns();
  let hearts = new Map<string, { sessionId: string; viewerId: string; at: number; n: number }>();
  let timer: NodeJS.Timeout | null = null;
  let queued = 0;
  let inFlight = 0;
  const batches: EventColumns[] = [];
  const idle: (() => void)[] = [];
  let dropped = 0;
  let written = 0;
  let closed = false;

  function pump() {
    while (inFlight < concurrency && batches.length > 0) {
      const batch = batches.shift()!;
      inFlight++;
      insertEvents(db, batch)
        .then(
          () => {
            written += batch.kinds.length;
          },
          (err: unknown) => {
            dropped += batch.kinds.length;
            log.error({ err, rows: batch.kinds.length }, 'storing studio events failed');
          },
        )
        .finally(() => {
          inFlight--;
          queued -= batch.kinds.length;
          pump();
          if (inFlight === 0 && batches.length === 0) for (const done of idle.splice(0)) done();
        });
    }
  }

  function cut() {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    const taps = hearts;
    hearts = new Map();
    for (const h of taps.values()) push(h.sessionId, h.viewerId, EventKind.heart, h.at, h.n);
    if (pending.kinds.length === 0) return;
    batches.push(pending);
    pending = emptyColumns();
    pump();
  }

  function push(sessionId: string, viewerId: string, kind: number, at: number, value: number) {
    pending.sessionIds.push(sessionId);
    pending.viewerIds.push(viewerId);
    pending.kinds.push(kind);
    pending.ats.push(at);
    pending.values.push(value);
    queued++;
    if (pending.kinds.length >= batchRows) cut();
  }

  const schedule = () => {
    timer ??= setTimeout(cut, flushMs);
  };

  const full = () => {
    if (queued < maxPending) return false;
    dropped++;
    return true;
  };

  return {
    now,

    record(sessionId: string, viewerId: string, kind: EventKind, at = now(), value = 1): void {
      if (closed || full()) return;
      push(sessionId, viewerId, kind, at, value);
      schedule();
    },

    hearts(sessionId: string, viewerId: string, n: number, at = now()): void {
      if (closed || n <= 0) return;
      const key = `${sessionId}|${viewerId}`;
      const h = hearts.get(key);
      if (h) h.n += n;
      else {
        if (full()) return;
        hearts.set(key, { sessionId, viewerId, at, n });
      }
      schedule();
    },

    /** Writes everything recorded so far and resolves once it is stored. */
    async drain(): Promise<void> {
      cut();
      if (inFlight === 0 && batches.length === 0) return;
      await new Promise<void>((resolve) => idle.push(resolve));
    },

    stats: () => ({ written, dropped, pending: queued }),

    async close(): Promise<void> {
      await this.drain();
      closed = true;
    },
  };
}

export type MetricsRecorder = ReturnType<typeof createMetricsRecorder>;
