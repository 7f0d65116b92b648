import { BROWSER_INGEST_CLOSE, BROWSER_INGEST_PATH, BROWSER_INGEST_RECORDER } from '@onair/protocol';

/**
 * Going LIVE from the browser: MediaRecorder chunks over a WebSocket to the server's ingest.
 *
 * The protocol (packages/protocol/src/media.ts): the server may first say `ready` (the account may
 * go LIVE); the browser sends `{type:"start", mimeType}`, then the recorder's chunks as binary
 * frames; the server answers `live` once the ingest accepted the stream, `ended` when it is over, and
 * `error` before closing on a failure. `stop`, or closing the socket, ends the broadcast.
 */

export type BroadcastPhase = 'connecting' | 'live' | 'ending' | 'ended' | 'failed';

export interface BroadcastState {
  phase: BroadcastPhase;
  /** The LIVE session id, once the server said `live`. */
  streamId: string | null;
  /** What went wrong, ready to show (phase "failed"). */
  error: string | null;
  /** Why the server ended it (from its `ended` message), e.g. "stopped". */
  endReason: string | null;
}

/** If the server does not say `ready` this soon after the socket opens, start anyway. */
const READY_GRACE_MS = 2500;
/** After `stop`, how long to wait for the server's `ended` before closing the socket ourselves. */
const STOP_GRACE_MS = 3000;
/** More than this much unsent media means the upload cannot keep up. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/** The recorder format to use: H.264 where the browser can, else VP8, else whatever WebM it has. */
export function pickMimeType(): string | null {
  if (typeof MediaRecorder === 'undefined') return null;
  for (const type of BROWSER_INGEST_RECORDER.mimeTypes) {
    if (MediaRecorder.isTypeSupported(type)) return type;
  }
  return null;
}

export function ingestUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}${BROWSER_INGEST_PATH}`;
}

const ERROR_MESSAGES: Record<string, string> = {
  'auth.required': 'Your session has expired. Log in again to go LIVE.',
  'auth.forbidden': "This account can't go LIVE. Become a creator first.",
  'live.not_creator': "This account can't go LIVE. Become a creator first.",
  'media.bad_message': 'The server did not understand the video this browser sent.',
  'media.ingest_rejected':
    'The server refused the stream. You may already be LIVE from another tab or from OBS, or your stream key was just regenerated.',
  'media.encoder_failed': "The server couldn't process this browser's video. Try again, or stream with OBS.",
  unavailable: 'LIVE streaming is not available on this server right now.',
};

function closeMessage(code: number, reason: string, opened: boolean): string {
  switch (code) {
    case BROWSER_INGEST_CLOSE.forbidden:
      return "This account can't go LIVE. Become a creator first.";
    case BROWSER_INGEST_CLOSE.conflict:
      return "You're already LIVE from another tab or from OBS. End that LIVE first.";
    case BROWSER_INGEST_CLOSE.idle:
      return 'The server stopped receiving video from this browser, so the LIVE ended.';
    case BROWSER_INGEST_CLOSE.failed:
      return "The server couldn't process this browser's video. Try again, or stream with OBS.";
    case BROWSER_INGEST_CLOSE.badMessage:
      return 'The server did not understand the video this browser sent.';
  }
  if (!opened) return "Couldn't connect to the server to go LIVE. Check your connection and try again.";
  const why = reason ? `: ${reason}` : ` (code ${code})`;
  return `The connection to the server closed unexpectedly${why}. Your LIVE has ended.`;
}

type ServerMessage =
  | { type: 'ready' }
  | { type: 'live'; streamId: string }
  | { type: 'ended'; reason: string }
  | { type: 'error'; code: string; message: string };

function parseMessage(data: string): ServerMessage | null {
  try {
    const msg = JSON.parse(data) as { type?: unknown };
    if (msg && typeof msg === 'object' && typeof msg.type === 'string') return msg as ServerMessage;
  } catch {
    // Not JSON: ignore it.
  }
  return null;
}

export class BrowserBroadcast {
  private socket: WebSocket | null = null;
  private recorder: MediaRecorder | null = null;
  private opened = false;
  private begun = false;
  private disposed = false;
  private readyTimer: ReturnType<typeof setTimeout> | undefined;
  private stopTimer: ReturnType<typeof setTimeout> | undefined;
  private state: BroadcastState = { phase: 'connecting', streamId: null, error: null, endReason: null };

  constructor(
    private readonly stream: MediaStream,
    private readonly mimeType: string,
    private readonly onChange: (state: BroadcastState) => void,
    private readonly url: string = ingestUrl(),
  ) {}

  get snapshot(): BroadcastState {
    return this.state;
  }

  start(): void {
    const socket = new WebSocket(this.url);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onopen = () => {
      this.opened = true;
      // Servers that announce `ready` get it respected; one that doesn't still gets its `start`.
      this.readyTimer = setTimeout(() => this.begin(), READY_GRACE_MS);
    };
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      const msg = parseMessage(event.data);
      if (!msg) return;
      switch (msg.type) {
        case 'ready':
          this.begin();
          break;
        case 'live':
          if (this.state.phase === 'connecting') this.set({ phase: 'live', streamId: msg.streamId });
          break;
        case 'ended':
          this.set({ endReason: msg.reason });
          this.stopRecorder();
          socket.close(1000);
          break;
        case 'error':
          this.fail(ERROR_MESSAGES[msg.code] ?? msg.message);
          break;
      }
    };
    socket.onclose = (event) => {
      this.cleanup();
      if (this.disposed) return;
      if (this.state.phase === 'failed') return;
      if (this.state.phase === 'ending' || (event.code === 1000 && this.state.endReason !== null)) {
        this.set({ phase: 'ended' });
        return;
      }
      this.set({ phase: 'failed', error: closeMessage(event.code, event.reason, this.opened) });
    };
  }

  /** Ends the broadcast: the recorder's last chunk, then `stop`, then the socket closes. */
  stop(): void {
    if (this.state.phase !== 'connecting' && this.state.phase !== 'live') return;
    this.set({ phase: 'ending' });
    const socket = this.socket;
    const finish = () => {
      if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'stop' }));
      this.stopTimer = setTimeout(() => socket?.close(1000), STOP_GRACE_MS);
    };
    const recorder = this.recorder;
    if (recorder && recorder.state !== 'inactive') {
      recorder.addEventListener('stop', finish, { once: true });
      recorder.stop();
    } else {
      finish();
    }
    if (socket && socket.readyState !== WebSocket.OPEN) socket.close(1000);
  }

  /** Tears everything down at once (the page is going away); no more callbacks. */
  dispose(): void {
    this.disposed = true;
    this.cleanup();
    this.socket?.close(1000);
  }

  private begin(): void {
    clearTimeout(this.readyTimer);
    if (this.begun || this.disposed || this.state.phase !== 'connecting') return;
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    this.begun = true;
    let recorder: MediaRecorder;
    try {
      // videoKeyFrameIntervalDuration is Chromium-only and not in the DOM types yet.
      const options = {
        mimeType: this.mimeType,
        videoBitsPerSecond: BROWSER_INGEST_RECORDER.videoBitsPerSecond,
        audioBitsPerSecond: BROWSER_INGEST_RECORDER.audioBitsPerSecond,
        videoKeyFrameIntervalDuration: BROWSER_INGEST_RECORDER.videoKeyFrameIntervalDuration,
      } as MediaRecorderOptions;
      recorder = new MediaRecorder(this.stream, options);
    } catch (err) {
      this.fail(`This browser can't record your video for streaming (${(err as Error).message}).`);
      return;
    }
    this.recorder = recorder;
    socket.send(JSON.stringify({ type: 'start', mimeType: recorder.mimeType || this.mimeType }));
    recorder.ondataavailable = (event) => {
      if (event.data.size === 0 || socket.readyState !== WebSocket.OPEN) return;
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        this.fail('Your upload is too slow to keep up with the video, so the LIVE was stopped.');
        return;
      }
      socket.send(event.data);
    };
    recorder.onerror = () => this.fail('Recording stopped unexpectedly in this browser.');
    recorder.start(BROWSER_INGEST_RECORDER.timesliceMs);
  }

  private fail(message: string): void {
    if (this.state.phase === 'failed' || this.state.phase === 'ended') return;
    this.set({ phase: 'failed', error: message });
    this.stopRecorder();
    // Let the server's close (with its code) arrive; close ourselves if it doesn't.
    const socket = this.socket;
    this.stopTimer = setTimeout(() => socket?.close(1000), 1000);
  }

  private stopRecorder(): void {
    const recorder = this.recorder;
    if (recorder && recorder.state !== 'inactive') {
      recorder.ondataavailable = null;
      try {
        recorder.stop();
      } catch {
        // Already stopped.
      }
    }
  }

  private cleanup(): void {
    clearTimeout(this.readyTimer);
    clearTimeout(this.stopTimer);
    this.stopRecorder();
  }

  private set(patch: Partial<BroadcastState>): void {
    this.state = { ...this.state, ...patch };
    if (!this.disposed) this.onChange(this.state);
  }
}
