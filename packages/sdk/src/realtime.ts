import { type ClientFrame, ServerFrame } from '@onair/protocol';

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
    };
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      const parsed = ServerFrame.safeParse(JSON.parse(event.data));
      if (parsed.success) this.options.onFrame(parsed.data);
    };
    socket.onclose = () => {
      this.options.onStatus?.('closed');
      if (this.closedByUser) return;
      // 0.5 s, 1 s, 2 s … capped at 15 s, with jitter so a restarted server is not stampeded.
      const delay = Math.min(15_000, 500 * 2 ** this.attempts++) * (0.75 + Math.random() / 2);
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }

  private send(frame: ClientFrame) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  watch(sessionId: string) {
    this.watching.add(sessionId);
    this.send({ type: 'watch', sessionId });
  }

  unwatch(sessionId: string) {
    this.watching.delete(sessionId);
    this.send({ type: 'unwatch', sessionId });
  }

  close() {
    this.closedByUser = true;
    clearTimeout(this.timer);
    this.socket?.close();
  }
}
