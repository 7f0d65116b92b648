import { z } from 'zod';
import { Handle } from './accounts.ts';
import { BattleFrame } from './battles.ts';
import { CommentText, Reaction, RoomBatch, RoomSnapshot } from './chat.ts';
import { GiftEvent, GiftReceipt, SendGiftBody } from './economy.ts';
import { Notification } from './social.ts';
import { cleanString } from './text.ts';

/** Version of the WebSocket protocol at /api/v1/ws; sent in `hello`. */
export const REALTIME_VERSION = 1;

/** Echoed back in the ack or error, so it is held to the same rules as any other text. */
const Nonce = cleanString().max(64);

export const ClientFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping'), t: z.number().optional() }),
  z.object({ type: z.literal('watch'), sessionId: z.uuid() }),
  z.object({ type: z.literal('unwatch'), sessionId: z.uuid() }),
  /** Enter a LIVE room (a session); `since` = the last seq this client saw, to receive only what it missed. */
  z.object({ type: z.literal('join'), room: z.uuid(), since: z.number().int().min(0).optional() }),
  z.object({ type: z.literal('leave'), room: z.uuid() }),
  /** `nonce` comes back in the ack (or error), so a client can match its optimistic comment. */
  z.object({
    type: z.literal('comment'),
    room: z.uuid(),
    text: CommentText,
    replyTo: z.uuid().optional(),
    nonce: Nonce.optional(),
  }),
  z.object({ type: z.literal('heart'), room: z.uuid(), count: z.number().int().min(1).max(50) }),
  z.object({ type: z.literal('react'), room: z.uuid(), reaction: Reaction }),
  /** Send a gift to `to`'s LIVE room: the same rules as POST /rooms/:handle/gifts, answered by `receipt`. */
  SendGiftBody.extend({ type: z.literal('gift'), to: Handle, nonce: Nonce.optional() }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export const ServerFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), v: z.literal(REALTIME_VERSION), userId: z.string().nullable() }),
  z.object({ type: z.literal('pong'), t: z.number().optional() }),
  /** A `watch` took effect: stream status frames for `sessionId` reach this socket from now on. */
  z.object({ type: z.literal('watching'), sessionId: z.string() }),
  z.object({ type: z.literal('notification'), notification: Notification }),
  z.object({
    type: z.literal('stream'),
    sessionId: z.string(),
    status: z.enum(['live', 'ended']),
  }),
  /** A gift, sent only after it was charged (committed to the ledger). */
  GiftEvent.extend({ type: z.literal('gift') }),
  /** A battle changed (invite, start, score, booster, result); sent to both rooms and both creators. */
  BattleFrame,
  z.object({
    type: z.literal('joined'),
    room: z.string(),
    snapshot: RoomSnapshot.nullable(),
    replayed: z.number(),
  }),
  RoomBatch,
  z.object({ type: z.literal('ack'), nonce: z.string().optional(), id: z.string(), seq: z.number() }),
  /** A gift sent over this socket was committed (or, `replayed`, had been already). */
  z.object({
    type: z.literal('receipt'),
    nonce: z.string().optional(),
    receipt: GiftReceipt,
    replayed: z.boolean(),
  }),
  z.object({
    type: z.literal('error'),
    code: z.string(),
    message: z.string(),
    /** Details a client can act on (the balance and price of a gift it cannot afford, …). */
    data: z.unknown().optional(),
    nonce: z.string().optional(),
    room: z.string().optional(),
  }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
