import { ClientFrame } from '@onair/protocol';
import fc from 'fast-check';
import { z } from 'zod';
import { anyJson, EDGE_NUMBERS, fitted, hostileString, legalHostileText } from './hostile.ts';
import { type JsonSchema, mutatedArbitrary, shapedArbitrary } from './schema-arbitrary.ts';

/** One thing a client may put on a socket: a text frame or a binary one. */
export type WireFrame = { text: string } | { binary: Uint8Array };

/** How a batch of frames ends: normally, or with something that must close the socket (1009, 1008). */
export type Ending = 'none' | 'binary' | 'oversized' | 'huge' | 'flood';

export interface FrameBatch {
  signedIn: boolean;
  frames: WireFrame[];
  ending: Ending;
}

/** The close codes a client is told about: 1008 (policy: flooding) and 1009 (a frame too big or binary). */
export const DOCUMENTED_CLOSE_CODES = [1008, 1009];

const CLIENT_FRAME_SCHEMA = z.toJSONSchema(ClientFrame, {
  io: 'input',
  unrepresentable: 'any',
}) as JsonSchema;

const text = (s: string): WireFrame => ({ text: s });

/** Hand-written frames that broke gateways before: wrong JSON roots, prototype keys, numbers past their range. */
function edgeFrames(room: string, to: string): fc.Arbitrary<WireFrame> {
  const json = (v: unknown) => text(JSON.stringify(v));
  return fc.oneof(
    fc.constantFrom(
      text('null'),
      text('[]'),
      text('[{"type":"ping"}]'),
      text('1'),
      text('"ping"'),
      text('true'),
      text('1e999'),
      text(''),
      text('{'),
      text("{'type':'ping'}"),
      text('{"type":"ping","type":"comment"}'),
      text('{"__proto__":{"type":"ping"}}'),
      text(`{"type":"comment","room":"${room}","__proto__":{"text":"hi"}}`),
      text(`{"type":"comment","room":"${room}","text":"\\u0000"}`),
      text(`{"type":"comment","room":"${room}","text":"\\ud800"}`),
      json({ type: null }),
      json({ type: ['comment'] }),
      json({ type: 'PING' }),
      json({ type: 'ping ' }),
      json({ type: 'constructor' }),
      json({ type: 'toString' }),
      json({}),
    ),
    fc
      .constantFrom(...EDGE_NUMBERS, 1e9)
      .map((n) => json({ type: 'gift', to, giftId: 'rose', quantity: n, idempotencyKey: 'fuzz-gift-key' })),
    fc
      .tuple(fc.integer({ min: 1, max: 3 }), fc.stringMatching(/^[\w.:-]{8,20}$/))
      .map(([quantity, key]) => json({ type: 'gift', to, giftId: 'rose', quantity, idempotencyKey: key })),
    fc.constantFrom(...EDGE_NUMBERS, 1e9).map((n) => json({ type: 'heart', room, count: n })),
    fc.constantFrom(...EDGE_NUMBERS).map((n) => json({ type: 'join', room, since: n })),
    fc.constantFrom(...EDGE_NUMBERS).map((n) => json({ type: 'ping', t: n })),
    hostileString.map((s) => json({ type: 'comment', room, text: s, nonce: s.slice(0, 64) })),
    legalHostileText.map((s) => json({ type: 'comment', room, text: fitted(s, 1, 150) })),
    legalHostileText.map((s) =>
      json({ type: 'comment', room, text: fitted(s, 1, 150), nonce: fitted(s, 0, 64) }),
    ),
    hostileString.map((s) => json({ type: s, room })),
    hostileString.map(text),
  );
}

/**
 * Frames for a socket in `room`: schema-shaped frames with hostile leaves (comment text with U+0000,
 * gift quantities past 2^53, …), frames with one thing wrong, non-JSON, wrong roots and unknown types.
 */
export function frameArbitrary(room: string, to: string): fc.Arbitrary<WireFrame> {
  const known = (name: string) => {
    if (name === 'room' || name === 'sessionId') return [room];
    if (name === 'to') return [to];
    if (name === 'giftId') return ['rose'];
    return [];
  };
  const opts = { resolve: () => ({}), known };
  const frames = fc.oneof(
    { weight: 4, arbitrary: shapedArbitrary(CLIENT_FRAME_SCHEMA, opts).map((v) => text(JSON.stringify(v))) },
    {
      weight: 2,
      arbitrary: mutatedArbitrary(CLIENT_FRAME_SCHEMA, opts).map((v) =>
        text(JSON.stringify(v) ?? 'undefined'),
      ),
    },
    { weight: 3, arbitrary: edgeFrames(room, to) },
    { weight: 1, arbitrary: anyJson.map((v) => text(JSON.stringify(v) ?? 'undefined')) },
  );
  // Oversized frames belong to the endings (they close the socket); here they would end most batches early.
  return frames.filter((f) => !('text' in f) || Buffer.byteLength(f.text) < 4000);
}

export function batchArbitrary(room: string, to: string): fc.Arbitrary<FrameBatch> {
  return fc.record({
    signedIn: fc.boolean(),
    frames: fc.array(frameArbitrary(room, to), { minLength: 1, maxLength: 12 }),
    ending: fc.constantFrom<Ending>('none', 'none', 'none', 'binary', 'oversized', 'huge', 'flood'),
  });
}

/** The frames that end a batch the hard way: each must close the socket with a documented code. */
export function endingFrames(ending: Ending): WireFrame[] {
  switch (ending) {
    case 'none':
      return [];
    case 'binary':
      return [{ binary: new Uint8Array([0x7b, 0x7d, 0x00, 0xff]) }];
    case 'oversized':
      return [text(JSON.stringify({ type: 'ping', pad: 'x'.repeat(5000) }))];
    case 'huge':
      // Past the WebSocket library's own payload limit, not only the gateway's.
      return [text('x'.repeat(2 * 1024 * 1024))];
    case 'flood':
      return Array.from({ length: 200 }, (_, i) => text(JSON.stringify({ type: 'ping', t: i })));
  }
}
