import { randomBytes } from 'node:crypto';
import fastifyWebsocket from '@fastify/websocket';
import {
  BROWSER_INGEST_CLOSE,
  BROWSER_INGEST_PATH,
  BrowserIngestClientMessage,
  type BrowserIngestServerMessage,
  type ErrorCode,
} from '@onair/protocol';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import { type FfmpegExit, type FfmpegProcess, spawnFfmpeg } from './ffmpeg.ts';
import type { IngestEvent, IngestServer } from './ingest.ts';

export interface BrowserBridgeOptions {
  ingest: Pick<IngestServer, 'port' | 'onEvent'>;
  ffmpegPath: string;
  log: Logger;
  /** The creator's stream key, or null when this account may not go LIVE. */
  streamKeyFor(actorId: string): Promise<string | null>;
  /** Silence on the socket (before `start`, or between chunks) longer than this ends the broadcast. */
  idleTimeoutMs?: number;
}

/** Media received before the account check finishes is held, up to this much. */
const MAX_PENDING_BYTES = 8 * 1024 * 1024;
/** ffmpeg not keeping up (a slow transcode): stop reading the socket so TCP pushes back on the browser. */
const PAUSE_ABOVE_BYTES = 2 * 1024 * 1024;
const MAX_SNIFF_BYTES = 64 * 1024;

/**
 * How the browser's media reaches the ingest: H.264 is only repackaged, anything else (VP8, VP9)
 * is encoded like the test pattern (x264 zerolatency, a keyframe every second). Audio always becomes
 * AAC 44.1 kHz, which FLV and HLS carry everywhere. No -fflags nobuffer: it breaks VP8 input.
 */
export function bridgeFfmpegArgs(copyVideo: boolean, rtmpUrl: string): string[] {
  const video = copyVideo
    ? ['-c:v', 'copy']
    : [
        ...['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p'],
        ...['-vf', 'scale=trunc(iw/2)*2:trunc(ih/2)*2', '-force_key_frames', 'expr:gte(t,n_forced*1)'],
        ...['-b:v', '2500k', '-maxrate', '2500k', '-bufsize', '5000k'],
      ];
  return [
    ...['-hide_banner', '-loglevel', 'warning'],
    ...['-analyzeduration', '250000', '-i', 'pipe:0'],
    ...['-map', '0:v:0', '-map', '0:a:0?'],
    ...video,
    ...['-c:a', 'aac', '-b:a', '128k', '-ar', '44100', '-ac', '2'],
    ...['-flush_packets', '1', '-f', 'flv', '-flvflags', 'no_duration_filesize', rtmpUrl],
  ];
}

/**
 * Whether the recording's video is H.264, from the container header in its first bytes (WebM track
 * CodecID, MP4 sample entry), falling back on the mimeType the page declared.
 */
export function isH264(head: Buffer, mimeType: string): boolean {
  if (head.includes('V_MPEG4/ISO/AVC') || head.includes('avc1') || head.includes('avc3')) return true;
  if (head.includes('V_VP8') || head.includes('V_VP9') || head.includes('V_AV1')) return false;
  return /h264|avc1|avc3/i.test(mimeType);
}

const rawBytes = (data: RawData): Buffer =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);

type Phase = 'checking' | 'ready' | 'encoding' | 'live' | 'ending' | 'closed';

/** One browser broadcast: a socket in, an ffmpeg out to our own RTMP ingest. */
class BrowserBroadcast {
  private phase: Phase = 'checking';
  private pending: Array<{ data: Buffer; binary: boolean }> = [];
  private pendingBytes = 0;
  private mimeType = '';
  private proc: FfmpegProcess | null = null;
  private name = '';
  private streamId: string | null = null;
  private unsubscribe: (() => void) | null = null;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly socket: WebSocket,
    private readonly actorId: string,
    private readonly deps: BrowserBridgeOptions,
    private readonly active: Map<string, BrowserBroadcast>,
    private readonly log: Logger,
  ) {
    socket.on('message', (data, isBinary) => this.onMessage(rawBytes(data), isBinary));
    socket.on('close', () => this.onSocketClose());
    this.touch();
    void this.check();
  }

  private async check(): Promise<void> {
    let key: string | null;
    try {
      key = await this.deps.streamKeyFor(this.actorId);
    } catch (err) {
      this.log.error({ err }, 'browser go-live: stream key lookup failed');
      this.fail('internal', 'Something went wrong on our side.', BROWSER_INGEST_CLOSE.failed);
      return;
    }
    if (this.phase === 'closed') return;
    if (!key) {
      this.fail('live.not_creator', 'This account cannot go LIVE.', BROWSER_INGEST_CLOSE.forbidden);
      return;
    }
    if (this.active.has(this.actorId)) {
      this.fail(
        'media.ingest_rejected',
        'You are already going LIVE from another tab or window.',
        BROWSER_INGEST_CLOSE.conflict,
      );
      return;
    }
    this.active.set(this.actorId, this);
    // A fresh suffix per broadcast: the ingest sees a new stream name, never a "reconnect".
    this.name = `${key}~${randomBytes(9).toString('base64url')}`;
    this.phase = 'ready';
    this.send({ type: 'ready' });
    const queued = this.pending;
    this.pending = [];
    for (const m of queued) this.onMessage(m.data, m.binary);
  }

  private onMessage(data: Buffer, binary: boolean): void {
    this.touch();
    if (this.phase === 'closed' || this.phase === 'ending') return;
    if (this.phase === 'checking') {
      this.pendingBytes += data.length;
      if (this.pendingBytes > MAX_PENDING_BYTES) {
        this.fail(
          'media.bad_message',
          'Too much data before the server was ready.',
          BROWSER_INGEST_CLOSE.badMessage,
        );
        return;
      }
      this.pending.push({ data, binary });
      return;
    }
    if (!binary) {
      this.onControl(data);
      return;
    }
    if (!this.proc) this.startEncoder(data);
    this.write(data);
  }

  private onControl(data: Buffer): void {
    let parsed: ReturnType<typeof BrowserIngestClientMessage.safeParse>;
    try {
      parsed = BrowserIngestClientMessage.safeParse(JSON.parse(data.toString('utf8')));
    } catch {
      this.fail('media.bad_message', 'Control messages are JSON.', BROWSER_INGEST_CLOSE.badMessage);
      return;
    }
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      this.fail(
        'media.bad_message',
        `Unknown control message (${issue?.path.join('.') || 'type'}: ${issue?.message ?? 'invalid'}).`,
        BROWSER_INGEST_CLOSE.badMessage,
      );
      return;
    }
    if (parsed.data.type === 'stop') {
      this.finish();
      return;
    }
    if (this.proc) {
      this.fail('media.bad_message', 'Already started.', BROWSER_INGEST_CLOSE.badMessage);
      return;
    }
    this.mimeType = parsed.data.mimeType;
  }

  /** On the first chunk: MediaRecorder's first chunk holds the container header with the tracks. */
  private startEncoder(first: Buffer): void {
    const copy = isH264(first.subarray(0, MAX_SNIFF_BYTES), this.mimeType);
    const url = `rtmp://127.0.0.1:${this.deps.ingest.port}/live/${this.name}`;
    this.unsubscribe = this.deps.ingest.onEvent((event) => this.onIngestEvent(event));
    this.proc = spawnFfmpeg({
      path: this.deps.ffmpegPath,
      args: bridgeFfmpegArgs(copy, url),
      log: this.log,
      label: 'browser-ingest',
      stdin: true,
    });
    this.phase = 'encoding';
    this.log.info(
      { mimeType: this.mimeType || null, video: copy ? 'h264 (copied)' : 'transcoded to h264' },
      'browser go-live: encoding',
    );
    const proc = this.proc;
    proc.stdin!.on('drain', () => this.socket.resume());
    void proc.exited.then((exit) => this.onEncoderExit(proc, exit));
  }

  private write(chunk: Buffer): void {
    const stdin = this.proc?.stdin;
    if (!stdin || stdin.writableEnded) return;
    stdin.write(chunk);
    if (stdin.writableLength > PAUSE_ABOVE_BYTES) this.socket.pause();
  }

  private onIngestEvent(event: IngestEvent): void {
    if (event.name !== this.name) return;
    if (event.type === 'published') {
      this.streamId = event.streamId;
      if (this.phase === 'encoding') this.phase = 'live';
      this.log.info({ streamId: event.streamId }, 'browser go-live: LIVE');
      this.send({ type: 'live', streamId: event.streamId });
    } else if (event.type === 'rejected') {
      this.fail(
        'media.ingest_rejected',
        'The server refused the stream: this account may already be LIVE (from OBS or another tab).',
        BROWSER_INGEST_CLOSE.conflict,
      );
    } else {
      this.send({ type: 'ended', reason: event.reason });
      this.close(1000, `ended: ${event.reason}`);
    }
  }

  private onEncoderExit(proc: FfmpegProcess, exit: FfmpegExit): void {
    if (this.phase === 'closed') return;
    // After `stop` a non-zero exit still means the media never decoded, if it never went LIVE.
    const failed = exit.code !== 0 && (!proc.stopping || this.streamId === null);
    if (!failed) {
      // A clean end: if it was LIVE, the ingest's report (which sends `ended`) is on its way.
      if (this.streamId === null) this.close(1000, 'stopped');
      else setTimeout(() => this.close(1000, 'stopped'), 3000).unref();
      return;
    }
    this.log.warn(
      { code: exit.code, signal: exit.signal, stderr: proc.stderrTail().slice(-3) },
      'browser go-live: encoder failed',
    );
    const message =
      this.streamId === null
        ? 'The server could not read your camera stream. Try another browser.'
        : 'The server stopped reading your camera stream.';
    this.send({ type: 'error', code: 'media.encoder_failed', message });
    // If it was LIVE, the ingest reports the end when the RTMP connection closes; this is the fallback.
    setTimeout(
      () => this.close(BROWSER_INGEST_CLOSE.failed, 'encoder failed'),
      this.streamId ? 2000 : 0,
    ).unref();
  }

  /** `stop`: ffmpeg gets EOF, finishes cleanly, the ingest reports 'stopped' and we send `ended`. */
  private finish(): void {
    if (!this.proc) {
      this.close(1000, 'stopped');
      return;
    }
    this.phase = 'ending';
    void this.proc.stop({ eof: true, graceMs: 5000 });
    // Without `ended` within a while (the ingest never accepted), hang up anyway.
    setTimeout(() => this.close(1000, 'stopped'), 8000).unref();
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const ms = this.deps.idleTimeoutMs ?? 20_000;
    this.idleTimer = setTimeout(() => {
      if (this.phase === 'ending' || this.phase === 'closed') return;
      this.fail(
        'media.bad_message',
        `Nothing received for ${Math.round(ms / 1000)} s.`,
        BROWSER_INGEST_CLOSE.idle,
      );
    }, ms);
    this.idleTimer.unref();
  }

  private send(message: BrowserIngestServerMessage): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private fail(code: ErrorCode, message: string, closeCode: number): void {
    if (this.phase === 'closed') return;
    this.log.info({ code, closeCode }, `browser go-live refused: ${message}`);
    this.send({ type: 'error', code, message });
    this.close(closeCode, code);
  }

  private close(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      this.socket.close(code, reason.slice(0, 120));
    }
    this.cleanup();
  }

  private onSocketClose(): void {
    this.cleanup();
  }

  /** The browser left (or we hung up): ffmpeg gets EOF, so the stream ends as 'stopped', not 'timeout'. */
  private cleanup(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.active.get(this.actorId) === this) this.active.delete(this.actorId);
    this.pending = [];
    const proc = this.proc;
    const unsubscribe = this.unsubscribe;
    if (proc) void proc.stop({ eof: true, graceMs: 5000 }).then(() => unsubscribe?.());
    else unsubscribe?.();
  }

  /** Server shutdown: ends the broadcast now. */
  shutdown(): Promise<unknown> {
    this.send({ type: 'ended', reason: 'shutdown' });
    const proc = this.proc;
    this.close(1001, 'server shutting down');
    return proc ? proc.exited : Promise.resolve();
  }
}

/**
 * GET BROWSER_INGEST_PATH (WebSocket, signed in): "Go LIVE from this computer". Registers
 * @fastify/websocket itself only when the app has not already.
 */
export async function browserIngestRoutes(
  app: FastifyInstance,
  options: BrowserBridgeOptions,
): Promise<void> {
  if (!app.hasDecorator('websocketServer')) {
    await app.register(fastifyWebsocket, { options: { maxPayload: 1024 * 1024 } });
  }
  const active = new Map<string, BrowserBroadcast>();
  const all = new Set<BrowserBroadcast>();

  app.get(
    BROWSER_INGEST_PATH,
    { websocket: true, config: { auth: 'user' }, schema: { hide: true } },
    (socket, request) => {
      const actorId = request.actor?.id;
      if (!actorId) {
        socket.close(BROWSER_INGEST_CLOSE.forbidden, 'auth.required');
        return;
      }
      const broadcast = new BrowserBroadcast(
        socket,
        actorId,
        options,
        active,
        options.log.child({ actorId, reqId: request.id }),
      );
      all.add(broadcast);
      socket.on('close', () => all.delete(broadcast));
    },
  );

  app.addHook('preClose', async () => {
    await Promise.allSettled([...all].map((b) => b.shutdown()));
  });
}
