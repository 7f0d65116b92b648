import type { FanEntrance, RoomBatch, RoomEvent, RoomSnapshot } from '@onair/protocol';

export interface RoomSignals {
  hearts: number;
  reactions: Partial<Record<string, number>>;
  joins: string[];
  joinedCount: number;
  /** Fan-club members among the joins, with their badge (servers without fan clubs send none). */
  fanJoins?: FanEntrance[];
  viewers: { current: number; peak: number } | undefined;
}

export interface RoomHandlers {
  /** A fresh view of the room: replace what is shown (first join, or after missing too much). */
  onSnapshot?(snapshot: RoomSnapshot): void;
  /** New durable events, in seq order, each delivered exactly once. */
  onEvents?(events: RoomEvent[]): void;
  onSignals?(signals: RoomSignals): void;
}

/**
 * Keeps one room's view consistent over a lossy connection: drops events it already has, and when
 * a batch skips ahead (events lost) asks to rejoin from the last seq it holds instead of showing a gap.
 */
export class RoomSync {
  lastSeq: number | undefined;
  private resyncing = false;

  constructor(
    readonly room: string,
    private readonly handlers: RoomHandlers,
    private readonly rejoin: (since: number | undefined) => void,
  ) {}

  /** The join frame to send on (re)connect. */
  joinFrame() {
    return {
      type: 'join' as const,
      room: this.room,
      ...(this.lastSeq === undefined ? {} : { since: this.lastSeq }),
    };
  }

  joined(snapshot: RoomSnapshot | null): void {
    this.resyncing = false;
    if (snapshot) {
      this.lastSeq = snapshot.seq;
      this.handlers.onSnapshot?.(snapshot);
    }
  }

  batch(batch: RoomBatch): void {
    const fresh: RoomEvent[] = [];
    for (const event of batch.events) {
      if (this.lastSeq !== undefined && event.seq <= this.lastSeq) continue;
      if (this.lastSeq !== undefined && event.seq > this.lastSeq + 1) {
        // A hole: ask for what is missing (or a snapshot) rather than render out of order.
        if (!this.resyncing) {
          this.resyncing = true;
          this.rejoin(this.lastSeq);
        }
        break;
      }
      if (this.resyncing) break;
      fresh.push(event);
      this.lastSeq = event.seq;
    }
    if (fresh.length > 0) this.handlers.onEvents?.(fresh);
    if (batch.hearts || batch.reactions || batch.joinedCount || batch.viewers) {
      this.handlers.onSignals?.({
        hearts: batch.hearts ?? 0,
        reactions: batch.reactions ?? {},
        joins: batch.joins ?? [],
        joinedCount: batch.joinedCount ?? 0,
        ...(batch.fanJoins ? { fanJoins: batch.fanJoins } : {}),
        viewers: batch.viewers,
      });
    }
  }
}
