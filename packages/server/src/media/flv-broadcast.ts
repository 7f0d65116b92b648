import type { Logger } from 'pino';
import type { FlvSink } from './ingest.ts';
import { Amf, type AvPacket, Flv } from './nms.ts';
import { StreamInfoTracker } from './stream-info.ts';

/** A sink this far behind skips to the next keyframe: a live viewer wants now, not everything. */
const SKIP_AHEAD_BYTES = 2 * 1024 * 1024;
/** A sink this far behind is not reading at all: drop it before it holds the process's memory. */
const DROP_BYTES = 16 * 1024 * 1024;
/** A GOP beyond this (a broken encoder with no keyframes) is not worth caching for new viewers. */
const MAX_GOP_BYTES = 16 * 1024 * 1024;

// "@setDataFrame" as an AMF0 string: RTMP publishers wrap onMetaData in it, FLV files never do.
const SET_DATA_FRAME = Buffer.from([0x02, 0x00, 0x0d, ...Buffer.from('@setDataFrame')]);

export type PacketKind = 'metadata' | 'header' | 'keyframe' | 'frame' | 'other';

interface Attached {
  sink: FlvSink;
  internal: boolean;
  /** Dropping media until a keyframe (or, for streams without keyframes, until it drains). */
  skipping: boolean;
}

/**
 * The fan-out of one live stream: remembers what a newcomer needs to start decoding at once
 * (metadata, codec headers, the tags since the last keyframe) and writes every tag to every sink,
 * skipping sinks ahead when they fall behind.
 */
export class FlvBroadcast {
  readonly tracker = new StreamInfoTracker();
  private metadata: Buffer | null = null;
  private audioHeader: Buffer | null = null;
  private videoHeader: Buffer | null = null;
  private gop: Buffer[] | null = null;
  private gopBytes = 0;
  private keyframes = 0;
  private readonly sinks = new Set<Attached>();
  private ended = false;

  constructor(private readonly log: Logger) {}

  /** Feeds one parsed RTMP message; says what it was so the ingest can react to the first keyframe. */
  push(packet: AvPacket): PacketKind {
    if (this.ended) return 'other';
    this.tracker.onPacket(packet);
    const payload = packet.data.subarray(0, packet.size);
    if (packet.codec_type === 18) return this.pushScript(packet, payload);

    const tag = Flv.createMessage(packet);
    if (packet.codec_type === 9) {
      if (packet.flags === 2) {
        this.videoHeader = tag;
        this.broadcast(tag, 'header');
        return 'header';
      }
      if (packet.flags === 3) {
        this.keyframes++;
        this.gop = [tag];
        this.gopBytes = tag.length;
        this.broadcast(tag, 'keyframe');
        return 'keyframe';
      }
    } else if (packet.codec_type === 8 && packet.flags === 0) {
      this.audioHeader = tag;
      this.broadcast(tag, 'header');
      return 'header';
    } else if (packet.codec_type !== 8) {
      return 'other';
    }
    if (this.gop) {
      this.gop.push(tag);
      this.gopBytes += tag.length;
      if (this.gopBytes > MAX_GOP_BYTES) this.gop = null;
    }
    this.broadcast(tag, 'frame');
    return 'frame';
  }

  private pushScript(packet: AvPacket, payload: Buffer): PacketKind {
    let decoded: ReturnType<typeof Amf.decodeAmf0Data>;
    try {
      decoded = Amf.decodeAmf0Data(payload);
    } catch {
      return 'other';
    }
    const isMetadata =
      (decoded.cmd === '@setDataFrame' && decoded.method === 'onMetaData') || decoded.cmd === 'onMetaData';
    if (!isMetadata) return 'other';
    if (decoded.dataObj && typeof decoded.dataObj === 'object') {
      this.tracker.onMetadata(decoded.dataObj as Record<string, unknown>);
    }
    const body = payload.subarray(0, SET_DATA_FRAME.length).equals(SET_DATA_FRAME)
      ? payload.subarray(SET_DATA_FRAME.length)
      : payload;
    this.metadata = Flv.createMessage({ ...packet, data: body, size: body.length });
    this.broadcast(this.metadata, 'metadata');
    return 'metadata';
  }

  /** Starts a sink with everything it needs to decode right away; returns its detach function. */
  attach(sink: FlvSink, internal: boolean): () => void {
    if (this.ended) {
      sink.end();
      return () => {};
    }
    const known = this.tracker.hasAudio || this.tracker.hasVideo;
    sink.write(Flv.createHeader(known ? this.tracker.hasAudio : true, known ? this.tracker.hasVideo : true));
    for (const tag of [this.metadata, this.audioHeader, this.videoHeader]) if (tag) sink.write(tag);
    for (const tag of this.gop ?? []) sink.write(tag);
    // Without a cached GOP a newcomer must wait for the next keyframe, or it cannot decode what it gets.
    const attached: Attached = { sink, internal, skipping: this.gop === null && this.keyframes > 0 };
    this.sinks.add(attached);
    return () => {
      this.sinks.delete(attached);
    };
  }

  get viewerCount(): number {
    let n = 0;
    for (const a of this.sinks) if (!a.internal) n++;
    return n;
  }

  /** The stream is over: every sink ends (viewers see the end of the HTTP response). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    const sinks = [...this.sinks];
    this.sinks.clear();
    this.gop = null;
    for (const a of sinks) a.sink.end();
  }

  private broadcast(tag: Buffer, kind: PacketKind): void {
    for (const a of this.sinks) {
      if (kind === 'frame' || kind === 'keyframe') {
        const behind = a.sink.bufferedBytes();
        if (behind > DROP_BYTES) {
          this.log.debug({ behind }, 'FLV consumer stopped reading; dropping it');
          this.sinks.delete(a);
          a.sink.end();
          continue;
        }
        if (a.skipping) {
          const caughtUp = kind === 'keyframe' || this.keyframes === 0;
          if (!caughtUp || behind > SKIP_AHEAD_BYTES / 2) continue;
          a.skipping = false;
        } else if (behind > SKIP_AHEAD_BYTES) {
          a.skipping = true;
          continue;
        }
      }
      a.sink.write(tag);
    }
  }
}
