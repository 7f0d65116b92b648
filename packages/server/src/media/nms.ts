import { createRequire } from 'node:module';
import type { Logger } from 'pino';

/**
 * Typed access to the protocol layer of node-media-server 4.4.3: its RTMP handshake/chunk/AMF
 * parser, FLV tag muxer and SPS reader. We use these and not its server, sessions or BroadcastServer,
 * which (measured on 4.4.3) crash the process on a malformed AMF command (an exception thrown inside a
 * socket 'data' handler), accept media before the publish is authorized, keep a dead publisher's slot
 * for 30 s and report donePublish only then, refuse "~" in stream names and keep all state in a
 * process-wide singleton. Only this file knows the package layout.
 */

const require = createRequire(import.meta.url);

/** One audio/video/script message, as NMS parses it out of an RTMP message or an FLV tag. */
export interface AvPacket {
  /** For audio: FLV SoundFormat; for video: FLV CodecID, or a FourCC as uint32 (enhanced RTMP). */
  codec_id: number;
  /** 8 audio, 9 video, 18 script data. */
  codec_type: number;
  /** 0 audio seq header, 1 audio frame, 2 video seq header, 3 keyframe, 4 inter frame, 5 script data. */
  flags: number;
  pts: number;
  dts: number;
  size: number;
  /** May be longer than size: NMS reuses its parse buffer; only the first `size` bytes are the payload. */
  data: Buffer;
}

export interface AmfCommand {
  cmd?: unknown;
  transId?: unknown;
  cmdObj?: Record<string, unknown> | null;
  streamName?: unknown;
}

/** The subset of NMS's `Rtmp` protocol class we drive. */
export interface RtmpProtocol {
  streamApp?: unknown;
  streamName?: unknown;
  streamId: number;
  inPackets: Map<number, unknown>;
  parserPacket: { header: { stream_id: number } };
  onPlayCallback: () => void;
  onPushCallback: () => void;
  onPacketCallback: (packet: AvPacket) => void;
  onOutputCallback: (buffer: Buffer) => void;
  parserData(buffer: Buffer): string | null;
  onPublish(message: AmfCommand): void;
  onPlay(message: AmfCommand): void;
  onDeleteStream(message: AmfCommand): void;
  respondPublish(): void;
  sendStatusMessage(streamId: number, level: string, code: string, description: string): void;
}

export const Rtmp = require('node-media-server/src/protocol/rtmp.js') as new () => RtmpProtocol;

/** NMS's FLV demuxer instance (used by tests to turn an FLV file into the packets RTMP would carry). */
export interface FlvParser {
  onPacketCallback: (packet: AvPacket) => void;
  parserData(buffer: Buffer): string | null;
}

export const Flv = require('node-media-server/src/protocol/flv.js') as {
  new (): FlvParser;
  createHeader(hasAudio: boolean, hasVideo: boolean): Buffer;
  createMessage(packet: AvPacket): Buffer;
};

export const Amf = require('node-media-server/src/protocol/amf.js') as {
  decodeAmf0Data(data: Buffer): { cmd?: unknown; method?: unknown; dataObj?: unknown };
};

export const Sps = require('node-media-server/src/protocol/sps_info.js') as {
  parseH264Sps(sps: Buffer): { width: number; height: number } | null;
  parseH265Sps(sps: Buffer): { width: number; height: number } | null;
};

const nmsLogger = require('node-media-server/src/core/logger.js') as {
  log(message: unknown, level?: unknown): void;
};

/**
 * NMS's protocol code logs through a console-writing singleton ("Unknown command" for every OBS
 * FCPublish, per-tag traces). Those lines say nothing an operator can act on, so they go to our logger
 * at trace level; our own session code logs the clear lines.
 */
export function routeNmsLogs(log: Logger): void {
  nmsLogger.log = (message, level) => {
    if (log.isLevelEnabled('trace')) log.trace({ nmsLevel: String(level ?? 'info') }, String(message));
  };
}
