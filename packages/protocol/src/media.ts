import { z } from 'zod';
import { ERROR_CODES } from './errors.ts';
import { cleanString } from './text.ts';

/**
 * Browser go-live over a WebSocket at BROWSER_INGEST_PATH (signed in: cookie or bearer token).
 *
 * 1. The server checks the account may go LIVE, then sends `ready` (or closes with 4403).
 * 2. The browser sends one text frame `start` with MediaRecorder's mimeType, then the recorder's
 *    chunks as binary frames, in order, as they come (see BROWSER_INGEST_RECORDER).
 * 3. The server answers `live` with the stream id once the ingest accepted the stream.
 * 4. `stop` (or closing the socket) ends the broadcast; the server sends `ended` and closes.
 * Failures are an `error` message followed by a close with one of BROWSER_INGEST_CLOSE.
 */
export const BROWSER_INGEST_PATH = '/api/v1/live/browser-ingest';

export const BrowserIngestClientMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    /** MediaRecorder's mimeType, e.g. "video/webm;codecs=h264,opus". */
    mimeType: cleanString().min(1).max(100),
  }),
  z.object({ type: z.literal('stop') }),
]);
export type BrowserIngestClientMessage = z.infer<typeof BrowserIngestClientMessage>;

export const BrowserIngestServerMessage = z.discriminatedUnion('type', [
  /** The account may go LIVE: start the recorder. */
  z.object({ type: z.literal('ready') }),
  /** The ingest accepted the stream: the room is LIVE as this session. */
  z.object({ type: z.literal('live'), streamId: z.string() }),
  /** The broadcast is over: stopped, timeout, error, kicked or shutdown. */
  z.object({ type: z.literal('ended'), reason: z.string() }),
  z.object({ type: z.literal('error'), code: z.enum(ERROR_CODES), message: z.string() }),
]);
export type BrowserIngestServerMessage = z.infer<typeof BrowserIngestServerMessage>;

/** WebSocket close codes the server uses, besides 1000 (ended normally). */
export const BROWSER_INGEST_CLOSE = {
  /** A malformed control message, or media before `start`. */
  badMessage: 4400,
  /** This account cannot go LIVE. */
  forbidden: 4403,
  /** Nothing received for too long. */
  idle: 4408,
  /** Already LIVE (another tab, OBS), or the ingest refused the stream. */
  conflict: 4409,
  /** The server could not decode or encode the media. */
  failed: 4500,
} as const;

/**
 * How the browser should record: H.264 where the browser can (the server then only repackages it),
 * VP8 otherwise (transcoded). A keyframe every second lets viewers join fast; small timeslices keep
 * latency low and frames far below the socket's 1 MB message limit.
 */
export const BROWSER_INGEST_RECORDER = {
  mimeTypes: ['video/webm;codecs=h264,opus', 'video/webm;codecs=vp8,opus', 'video/webm'],
  videoKeyFrameIntervalDuration: 1000,
  videoBitsPerSecond: 2_500_000,
  audioBitsPerSecond: 128_000,
  timesliceMs: 250,
} as const;

/** Where a live stream can be watched, relative to the server's public URL. */
export function streamMediaPaths(streamId: string): { flv: string; hls: string; thumbnail: string } {
  return {
    flv: `/live/${streamId}.flv`,
    hls: `/live/${streamId}/index.m3u8`,
    thumbnail: `/live/${streamId}/thumbnail.jpg`,
  };
}
