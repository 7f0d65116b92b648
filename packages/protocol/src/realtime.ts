import { z } from 'zod';
import { Notification } from './social.ts';

/** Version of the WebSocket protocol at /api/v1/ws; sent in `hello`. */
export const REALTIME_VERSION = 1;

export const ClientFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping'), t: z.number().optional() }),
  z.object({ type: z.literal('watch'), sessionId: z.uuid() }),
  z.object({ type: z.literal('unwatch'), sessionId: z.uuid() }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export const ServerFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), v: z.literal(REALTIME_VERSION), userId: z.string().nullable() }),
  z.object({ type: z.literal('pong'), t: z.number().optional() }),
  z.object({ type: z.literal('notification'), notification: Notification }),
  z.object({
    type: z.literal('stream'),
    sessionId: z.string(),
    status: z.enum(['live', 'ended']),
  }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
