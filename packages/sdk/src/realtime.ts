import {
  type ClientFrame,
  type GiftReceipt,
  type Reaction,
  type SendGiftBody,
  ServerFrame,
} from '@onair/protocol';
import { OnAirError } from './errors.ts';
import { type RoomHandlers, RoomSync } from './room-sync.ts';

/** WebSocket.OPEN, spelled out: Node 20 has no global WebSocket to read it from. */
const OPEN = 1;

export interface RoomHandle {
  /** Resolves with the comment's id and seq once the server numbered it; rejects with its coded error. */
  comment(text: string, replyTo?: string): Promise<{ id: string; seq: number }>;
  heart(count?: number): void;
  react(reaction: Reaction): void;
  leave(): void;
}

export interface RealtimeOptions {
  url: string;
  /** Browsers send the session cookie with the upgrade; pass a WebSocket class elsewhere. */
  WebSocketImpl?: typeof WebSocket;
  onFrame: (frame: ServerFrame) => void;
  onStatus?: (status: 'connecting' | 'open' | 'closed') => void;
}

/**
 * A realtime connection that reconnects with backoff and re-sends its watches after a reconnect, so
 * a page can simply say what it wants to hear about.
 */
export class OnAirRealtime {
  private socket: WebSocket | undefined;
  private readonly watching = new Set<string>();
  /** Callers waiting for a watch to take effect, by session. */
  private readonly watchWaiters = new Map<string, (() => void)[]>();
  private readonly rooms = new Map<string, RoomSync & { onError?: (err: OnAirError) => void }>();
  /** Requests waiting for their answer (`ack` for a comment, `receipt` for a gift), by nonce. */
  private readonly pending = new Map<
    string,
    { resolve: (v: never) => void; reject: (e: OnAirError) => void }
  >();
  private nonce = 0;
  private attempts = 0;
  private closedByUser = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: RealtimeOptions) {
    this.connect();
  }

  private connect() {
    const Impl = this.options.WebSocketImpl ?? WebSocket;
    this.options.onStatus?.('connecting');
    const socket = new Impl(this.options.url);
    this.socket = socket;
    socket.onopen = () => {
      this.attempts = 0;
      this.options.onStatus?.('open');
      for (const sessionId of this.watching) this.send({ type: 'watch', sessionId });
      // Rejoin every room from the last seq seen: the server replays exactly what was missed.
      for (const room of this.rooms.values()) this.send(room.joinFrame());
    };
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      const parsed = ServerFrame.safeParse(JSON.parse(event.data));
      if (!parsed.success) return;
      const frame = parsed.data;
      if (frame.type === 'watching') {
        for (const resolve of this.watchWaiters.get(frame.sessionId) ?? []) resolve();
        this.watchWaiters.delete(frame.sessionId);
      } else if (frame.type === 'joined') this.rooms.get(frame.room)?.joined(frame.snapshot);
      else if (frame.type === 'batch') this.rooms.get(frame.room)?.batch(frame);
      else if (frame.type === 'ack' && frame.nonce)
        this.settle(frame.nonce, { id: frame.id, seq: frame.seq });
      else if (frame.type === 'receipt' && frame.nonce)
        this.settle(frame.nonce, { receipt: frame.receipt, replayed: frame.replayed });
      else if (frame.type === 'error') {
        const err = new OnAirError(frame.code as never, 0, frame.message, frame.data);
        if (frame.nonce && this.pending.has(frame.nonce)) {
          this.pending.get(frame.nonce)?.reject(err);
          this.pending.delete(frame.nonce);
        } else if (frame.room) this.rooms.get(frame.room)?.onError?.(err);
      }
      this.options.onFrame(frame);
    };
    socket.onclose = () => {
      this.options.onStatus?.('closed');
      for (const p of this.pending.values())
        p.reject(new OnAirError('network', 0, 'Connection lost before the server answered.'));
      this.pending.clear();
      if (this.closedByUser) return;
      // 0.5 s, 1 s, 2 s … capped at 15 s, with jitter so a restarted server is not stampeded.
      const delay = Math.min(15_000, 500 * 2 ** this.attempts++) * (0.75 + Math.random() / 2);
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }

  private send(frame: ClientFrame) {
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(frame));
  }

  private settle(nonce: string, value: unknown) {
    (this.pending.get(nonce)?.resolve as ((v: unknown) => void) | undefined)?.(value);
    this.pending.delete(nonce);
  }

  /** Sends a frame that the server answers by its nonce; rejects at once when not connected. */
  private request<T>(frame: (nonce: string) => ClientFrame): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const nonce = `c${++this.nonce}`;
      if (this.socket?.readyState !== OPEN) {
        reject(new OnAirError('network', 0, 'Not connected. Try again in a moment.'));
        return;
      }
      this.pending.set(nonce, { resolve: resolve as (v: never) => void, reject });
      this.send(frame(nonce));
    });
  }

  /**
   * Sends a gift to `creatorHandle`'s LIVE room over this socket; resolves once it is committed.
   * The idempotency key makes a retry (after a lost connection) safe: it is answered, not charged twice.
   */
  sendGift(
    creatorHandle: string,
    body: { giftId: string; quantity?: number; idempotencyKey: string; comboId?: string },
  ): Promise<{ receipt: GiftReceipt; replayed: boolean }> {
    const gift: SendGiftBody = { quantity: 1, ...body };
    return this.request((nonce) => ({ type: 'gift', to: creatorHandle, nonce, ...gift }));
  }

  /**
   * Hears about `sessionId` (status, gifts, battle frames) from now on, and again after every
   * reconnect. Resolves once the server has the watch in place: nothing it publishes after that is missed.
   */
  watch(sessionId: string): Promise<void> {
    this.watching.add(sessionId);
    const done = new Promise<void>((resolve) =>
      this.watchWaiters.set(sessionId, [...(this.watchWaiters.get(sessionId) ?? []), resolve]),
    );
    this.send({ type: 'watch', sessionId });
    return done;
  }

  unwatch(sessionId: string) {
    this.watching.delete(sessionId);
    this.send({ type: 'unwatch', sessionId });
  }

  /** Enters a LIVE room (a session id) and keeps its view in sync across reconnects. */
  joinRoom(room: string, handlers: RoomHandlers & { onError?: (err: OnAirError) => void }): RoomHandle {
    const sync = Object.assign(
      new RoomSync(room, handlers, (since) =>
        this.send({ type: 'join', room, ...(since === undefined ? {} : { since }) }),
      ),
      { onError: handlers.onError },
    );
    this.rooms.set(room, sync);
    this.send(sync.joinFrame());
    return {
      comment: (text, replyTo) =>
        this.request((nonce) => ({ type: 'comment', room, text, nonce, ...(replyTo ? { replyTo } : {}) })),
      heart: (count = 1) => this.send({ type: 'heart', room, count }),
      react: (reaction) => this.send({ type: 'react', room, reaction }),
      leave: () => {
        this.rooms.delete(room);
        this.send({ type: 'leave', room });
      },
    };
  }

  close() {
    this.closedByUser = true;
    clearTimeout(this.timer);
    this.socket?.close();
  }
}
