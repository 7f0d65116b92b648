import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { type AmfCommand, type AvPacket, Rtmp } from './nms.ts';

/** RTMP's C0 byte: plain RTMP version 3. Anything else is not an RTMP encoder talking to us. */
const RTMP_VERSION = 3;
/** Handshake + connect + createStream + publish fit in a few KB; more before publishing is abuse. */
const MAX_BYTES_BEFORE_PUBLISH = 64 * 1024;
/** Legit encoders use a handful of chunk streams; a parser holding hundreds is being fed garbage. */
const MAX_CHUNK_STREAMS = 64;

/**
 * NMS's parser answers `publish` with NetStream.Publish.Start immediately. We answer only once the
 * publish is authorized, so an encoder sends no media before that and a refused one is told why.
 */
class DeferredPublishRtmp extends Rtmp {
  onPublishRequest: (app: string, name: string) => void = () => {};

  override onPublish(message: AmfCommand): void {
    const full = typeof message.streamName === 'string' ? message.streamName : '';
    this.streamName = full.split('?')[0] ?? '';
    this.streamId = this.parserPacket.header.stream_id;
    this.onPublishRequest(
      typeof this.streamApp === 'string' ? this.streamApp : '',
      this.streamName as string,
    );
  }

  override onPlay(): void {
    this.onPlayCallback();
  }

  onUnpublishRequest: () => void = () => {};

  /** NMS ignores deleteStream; for us it is the encoder saying "stream over" (OBS, ffmpeg send it). */
  override onDeleteStream(): void {
    this.onUnpublishRequest();
  }
}

export type ConnectionState = 'handshake' | 'authorizing' | 'publishing' | 'closed';

export interface ConnectionHandlers {
  onPublishRequest(conn: RtmpConnection, app: string, name: string): void;
  onPacket(conn: RtmpConnection, packet: AvPacket): void;
  /** The publisher ended its stream (deleteStream) but may keep the connection a moment. */
  onUnpublish(conn: RtmpConnection): void;
  /** The socket is gone; `error` says why when it was not a clean close. */
  onClose(conn: RtmpConnection, error: string | null): void;
}

/** One TCP connection on the RTMP port: a would-be or active publisher. */
export class RtmpConnection {
  readonly ip: string;
  readonly connectedAt = Date.now();
  lastDataAt = Date.now();
  state: ConnectionState = 'handshake';
  private bytesIn = 0;
  private closeError: string | null = null;
  private readonly rtmp = new DeferredPublishRtmp();

  constructor(
    private readonly socket: Socket,
    private readonly log: Logger,
    handlers: ConnectionHandlers,
  ) {
    this.ip = socket.remoteAddress?.replace(/^::ffff:/, '') ?? 'unknown';
    socket.setNoDelay(true);
    this.rtmp.onOutputCallback = (buffer) => {
      if (!socket.destroyed) socket.write(buffer);
    };
    this.rtmp.onPublishRequest = (app, name) => {
      if (this.state !== 'handshake') {
        this.fail('a second publish on one connection');
        return;
      }
      this.state = 'authorizing';
      handlers.onPublishRequest(this, app, name);
    };
    this.rtmp.onPlayCallback = () => {
      this.log.info({ ip: this.ip }, 'RTMP play refused: watch streams over HTTP-FLV or HLS');
      this.destroy();
    };
    this.rtmp.onUnpublishRequest = () => {
      if (this.state === 'publishing') handlers.onUnpublish(this);
    };
    this.rtmp.onPacketCallback = (packet) => {
      // Only an accepted publisher's media counts; anything sent before our answer is ignored.
      if (this.state === 'publishing') handlers.onPacket(this, packet);
    };
    socket.on('data', this.onData);
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.closeError ??= err.code ?? err.message;
    });
    socket.once('close', () => {
      this.state = 'closed';
      handlers.onClose(this, this.closeError);
    });
  }

  private onData = (data: Buffer): void => {
    this.lastDataAt = Date.now();
    if (this.bytesIn === 0 && data[0] !== RTMP_VERSION) {
      this.fail(`not an RTMP client (first byte 0x${data[0]?.toString(16).padStart(2, '0')})`);
      return;
    }
    this.bytesIn += data.length;
    if (this.state !== 'publishing' && this.bytesIn > MAX_BYTES_BEFORE_PUBLISH) {
      this.fail(`${this.bytesIn} bytes without a publish`);
      return;
    }
    try {
      const err = this.rtmp.parserData(data);
      if (err) {
        this.fail(`RTMP parse error: ${err}`);
        return;
      }
    } catch (err) {
      this.fail(`malformed RTMP data (${(err as Error).message})`);
      return;
    }
    if (this.rtmp.inPackets.size > MAX_CHUNK_STREAMS) this.fail('too many RTMP chunk streams');
  };

  /** Lets the authorized encoder start sending. */
  accept(): void {
    if (this.state !== 'authorizing') return;
    this.state = 'publishing';
    this.rtmp.respondPublish();
  }

  /** Tells the encoder why, then hangs up (NetStream.Publish.BadName is what OBS and ffmpeg report). */
  reject(description: string): void {
    if (this.state === 'closed') return;
    try {
      this.rtmp.sendStatusMessage(this.rtmp.streamId, 'error', 'NetStream.Publish.BadName', description);
    } catch {
      // The socket may already be half-closed; hanging up below is what matters.
    }
    this.end();
  }

  /** Closes gracefully, and for sure within a second even if the peer never reads. */
  end(): void {
    if (this.socket.destroyed) return;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Logs why (never the stream name: it holds the key) and hangs up at once. */
  private fail(reason: string): void {
    this.closeError ??= reason;
    this.log.warn({ ip: this.ip, reason }, 'RTMP connection closed: %s', reason);
    this.socket.destroy();
  }
}
