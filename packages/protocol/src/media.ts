import { z } from 'zod';

/**
 * Browser go-live over WebSocket at /api/v1/live/browser-ingest. The browser sends one text frame
 * `start`, then binary MediaRecorder chunks; closing the socket ends the broadcast.
 */
export const BrowserIngestClientMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    /** MediaRecorder's mimeType, e.g. "video/webm;codecs=h264,opus". */
    mimeType: z.string().min(1).max(100),
  }),
  z.object({ type: z.literal('stop') }),
]);
export type BrowserIngestClientMessage = z.infer<typeof BrowserIngestClientMessage>;

export const BrowserIngestServerMessage = z.discriminatedUnion('type', [
  /** The ingest accepted the stream: the room is LIVE as this session. */
  z.object({ type: z.literal('live'), streamId: z.string() }),
  z.object({ type: z.literal('ended'), reason: z.string() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type BrowserIngestServerMessage = z.infer<typeof BrowserIngestServerMessage>;
