import type { GiftReceipt, Notification, Reaction, ServerFrame } from '@onair/protocol';
import { OnAirError, OnAirRealtime, type RoomHandle, type RoomHandlers } from '@onair/sdk';
import {
  createContext,
  type ReactNode,
  useContext,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { api } from './api.ts';
import { useSession } from './session.tsx';

export type RealtimeStatus = 'idle' | 'connecting' | 'open' | 'closed';

export interface RealtimeSnapshot {
  status: RealtimeStatus;
  /** How many times the connection has opened; a change after the first means "reconnected, refetch". */
  opens: number;
}

type Listener = (frame: ServerFrame) => void;

export type RoomCallbacks = RoomHandlers & { onError?: (err: OnAirError) => void };

/** A joined room: its callbacks, and the handle on the current client (null while there is none). */
interface RoomEntry {
  handlers: RoomCallbacks;
  handle: RoomHandle | null;
}

/**
 * The app's one realtime connection. It is open while someone is signed in (their notifications),
 * while a page watches a LIVE session (its start/end events) or sits in a LIVE room (its chat), signed
 * in or not; it is reopened when the signed-in user changes, because the server reads who you are
 * from the cookie at the upgrade. Rooms and watches carry over to the new connection.
 */
export class RealtimeHub {
  private client: OnAirRealtime | null = null;
  /** Identifies the current client, so a replaced client's late callbacks are ignored. */
  private generation = 0;
  private identity: string | null = null;
  private ready = false;
  private readonly listeners = new Set<Listener>();
  private readonly watches = new Map<string, number>();
  private readonly rooms = new Map<string, RoomEntry>();
  private readonly snapshotListeners = new Set<() => void>();
  private snapshot: RealtimeSnapshot = { status: 'idle', opens: 0 };

  constructor(private readonly url: () => string) {}

  /**
   * Sends a gift on the open connection (no HTTP request and credential lookup per tap). Without one,
   * or when it drops before the answer, or when it was opened before sign-in, the same request goes
   * over HTTP with the same idempotency key: the server answers a retry, it never charges twice.
   */
  async sendGift(
    handle: string,
    body: { giftId: string; quantity: number; idempotencyKey: string; comboId?: string },
  ): Promise<GiftReceipt> {
    const client = this.client;
    if (client && this.identity !== null && this.snapshot.status === 'open') {
      try {
        return (await client.sendGift(handle, body)).receipt;
      } catch (err) {
        const retryable =
          err instanceof OnAirError && (err.code === 'network' || err.code === 'auth.required');
        if (!retryable) throw err;
      }
    }
    return api.sendGift(handle, body);
  }

  /** Who is signed in (null: nobody). Nothing connects before the session is known. */
  setIdentity(identity: string | null): void {
    const changed = !this.ready || identity !== this.identity;
    this.ready = true;
    this.identity = identity;
    if (changed) this.closeClient();
    this.sync();
  }

  /** Closes the connection; `setIdentity` opens it again (React StrictMode unmounts and remounts). */
  dispose(): void {
    this.ready = false;
    this.closeClient();
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Hear `stream` events for a session until the returned function is called. */
  watch = (sessionId: string): (() => void) => {
    const count = this.watches.get(sessionId) ?? 0;
    this.watches.set(sessionId, count + 1);
    if (count === 0) {
      if (this.client) this.client.watch(sessionId);
      else this.sync();
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const left = (this.watches.get(sessionId) ?? 1) - 1;
      if (left > 0) {
        this.watches.set(sessionId, left);
        return;
      }
      this.watches.delete(sessionId);
      this.client?.unwatch(sessionId);
      this.sync();
    };
  };

  /**
   * Enters a LIVE room on the app's one connection, and stays in it across reconnects and across a
   * change of signed-in user (the new connection joins afresh, so a snapshot replaces the view).
   */
  joinRoom = (room: string, handlers: RoomCallbacks): RoomHandle => {
    const entry: RoomEntry = { handlers, handle: null };
    this.rooms.get(room)?.handle?.leave();
    this.rooms.set(room, entry);
    if (this.client) entry.handle = this.client.joinRoom(room, handlers);
    else this.sync();
    return {
      comment: (text, replyTo) =>
        entry.handle
          ? entry.handle.comment(text, replyTo)
          : Promise.reject(new OnAirError('network', 0, 'Not connected. Try again in a moment.')),
      heart: (count) => entry.handle?.heart(count),
      react: (reaction: Reaction) => entry.handle?.react(reaction),
      leave: () => {
        entry.handle?.leave();
        entry.handle = null;
        if (this.rooms.get(room) !== entry) return;
        this.rooms.delete(room);
        this.sync();
      },
    };
  };

  subscribeSnapshot = (listener: () => void): (() => void) => {
    this.snapshotListeners.add(listener);
    return () => {
      this.snapshotListeners.delete(listener);
    };
  };

  getSnapshot = (): RealtimeSnapshot => this.snapshot;

  private wanted(): boolean {
    return this.ready && (this.identity !== null || this.watches.size > 0 || this.rooms.size > 0);
  }

  private sync(): void {
    if (this.wanted() && !this.client) this.openClient();
    else if (!this.wanted() && this.client) this.closeClient();
  }

  private openClient(): void {
    const generation = ++this.generation;
    const client = new OnAirRealtime({
      url: this.url(),
      onFrame: (frame) => {
        if (generation !== this.generation) return;
        for (const listener of [...this.listeners]) {
          try {
            listener(frame);
          } catch (err) {
            console.error('realtime listener failed', err);
          }
        }
      },
      onStatus: (status) => {
        if (generation !== this.generation) return;
        this.setSnapshot({
          status,
          opens: this.snapshot.opens + (status === 'open' ? 1 : 0),
        });
      },
    });
    this.client = client;
    // OnAirRealtime re-sends its watches on every (re)connect.
    for (const sessionId of this.watches.keys()) client.watch(sessionId);
    for (const [room, entry] of this.rooms) entry.handle = client.joinRoom(room, entry.handlers);
  }

  private closeClient(): void {
    if (!this.client) return;
    this.generation++;
    this.client.close();
    this.client = null;
    for (const entry of this.rooms.values()) entry.handle = null;
    this.setSnapshot({ status: 'idle', opens: this.snapshot.opens });
  }

  private setSnapshot(next: RealtimeSnapshot): void {
    if (next.status === this.snapshot.status && next.opens === this.snapshot.opens) return;
    this.snapshot = next;
    for (const listener of [...this.snapshotListeners]) listener();
  }
}

const RealtimeContext = createContext<RealtimeHub | null>(null);

export function RealtimeProvider({ children }: { children: ReactNode }) {
  const { user, loading } = useSession();
  const [hub] = useState(() => new RealtimeHub(() => api.realtimeUrl()));
  const userId = user?.id ?? null;

  useEffect(() => {
    if (loading) return;
    hub.setIdentity(userId);
  }, [hub, userId, loading]);

  useEffect(() => () => hub.dispose(), [hub]);

  return <RealtimeContext value={hub}>{children}</RealtimeContext>;
}

export function useRealtimeHub(): RealtimeHub {
  const hub = useContext(RealtimeContext);
  if (!hub) throw new Error('useRealtimeHub() outside <RealtimeProvider>');
  return hub;
}

/** The connection's status, and how many times it has opened (to refetch after a reconnect). */
export function useRealtimeStatus(): RealtimeSnapshot {
  const hub = useRealtimeHub();
  return useSyncExternalStore(hub.subscribeSnapshot, hub.getSnapshot, hub.getSnapshot);
}

/** Calls `handler` for every frame; the latest handler is used, so it need not be memoized. */
export function useRealtimeFrames(handler: (frame: ServerFrame) => void): void {
  const hub = useRealtimeHub();
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => hub.subscribe((frame) => ref.current(frame)), [hub]);
}

/** Calls `handler` for each `notification` frame. */
export function useNotificationFrames(handler: (notification: Notification) => void): void {
  useRealtimeFrames((frame) => {
    if (frame.type === 'notification') handler(frame.notification);
  });
}

/** Calls `onReconnect` each time the connection opens again after the first time. */
export function useOnReconnect(onReconnect: () => void): void {
  const { opens } = useRealtimeStatus();
  const ref = useRef(onReconnect);
  ref.current = onReconnect;
  const first = useRef(opens);
  useEffect(() => {
    if (opens > first.current && opens > 1) ref.current();
  }, [opens]);
}

/** Watches a LIVE session's start/end events while `sessionId` is set. */
export function useWatchSession(sessionId: string | null): void {
  const hub = useRealtimeHub();
  useEffect(() => (sessionId ? hub.watch(sessionId) : undefined), [hub, sessionId]);
}
