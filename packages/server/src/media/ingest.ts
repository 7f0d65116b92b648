import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The contract between the video pipeline (this folder) and the rest of the server. The live domain
 * implements IngestHooks; the media side implements IngestServer. Nothing outside src/media knows
 * which RTMP library is underneath.
 */

/** A publish attempt as the encoder sent it: rtmp://host:RTMP_PORT/<app>/<name>. */
export interface PublishRequest {
  app: string;
  /**
   * `<streamKey>` (OBS) or `<streamKey>~<suffix>` (browser go-live: one name per broadcast). Always
   * matches /^[A-Za-z0-9_-]{1,128}(~[A-Za-z0-9_-]{1,64})?$/: the ingest refuses anything else itself.
   */
  name: string;
  clientIp: string;
}

export interface StreamInfo {
  videoCodec: string | null;
  audioCodec: string | null;
  width: number | null;
  height: number | null;
  fps: number | null;
}

export type UnpublishReason = 'stopped' | 'timeout' | 'error' | 'kicked' | 'shutdown';

export interface IngestHooks {
  /**
   * Decide whether a publish may start. Return the id of the stream (the live session) it becomes, or
   * null to reject (unknown or revoked key, the key already publishing). Called at most once per
   * attempt, and not at all for attempts the ingest refuses by itself (an app other than `live`, a
   * malformed name, a key that is already publishing or being authorized on this ingest).
   */
  authorizePublish(req: PublishRequest): Promise<{ streamId: string } | null>;
  /** Media is flowing for an authorized stream: the room can go LIVE. At most once per stream. */
  published(streamId: string, info: StreamInfo): Promise<void> | void;
  /**
   * The stream ended (encoder stopped, no data for a while, error, kicked): end the session. Called
   * exactly once for every streamId authorizePublish returned, including one whose encoder left (or was
   * refused, e.g. for its resolution) before `published`.
   */
  unpublished(streamId: string, reason: UnpublishReason): Promise<void> | void;
}

/** Something that consumes the live FLV byte stream of one stream: a viewer's response, an ffmpeg stdin. */
export interface FlvSink {
  write(chunk: Buffer): void;
  /** Bytes written but not yet flushed: used to skip ahead (or drop the sink) when it falls behind. */
  bufferedBytes(): number;
  /** The stream ended, or the sink fell too far behind. */
  end(): void;
}

/** What happened on the ingest, for the media layer's own consumers (HLS, thumbnails, browser bridge). */
export type IngestEvent =
  | { type: 'published'; streamId: string; name: string; info: StreamInfo }
  | { type: 'unpublished'; streamId: string; name: string; reason: UnpublishReason }
  | { type: 'rejected'; name: string; reason: string };

export interface IngestServer {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The RTMP port actually bound (differs from the configured one when that was 0); 0 before start. */
  readonly port: number;
  /** True while streamId has an active publisher whose media is flowing. */
  isLive(streamId: string): boolean;
  /** Streams the live HTTP-FLV of streamId into a raw response; returns false if it is not live. */
  playFlv(streamId: string, req: IncomingMessage, res: ServerResponse): boolean;
  /** HTTP-FLV viewers currently attached to streamId (internal consumers are not counted). */
  viewerCount(streamId: string): number;
  /**
   * Attaches an in-process consumer to the live FLV of streamId: it gets the FLV header, metadata,
   * codec headers and the current GOP at once, then live tags. Returns a detach function, or null if
   * the stream is not live. The sink's end() is called when the stream ends.
   */
  attachFlv(streamId: string, sink: FlvSink): (() => void) | null;
  /** Subscribes to ingest events; returns the unsubscribe function. */
  onEvent(listener: (event: IngestEvent) => void): () => void;
  /** Ends a stream from our side (key regenerated, admin action). */
  kick(streamId: string): void;
}
