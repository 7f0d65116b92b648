/**
 * Fuzz suite of the WebSocket gateway. Batches of hostile frames (fast-check: schema-shaped frames
 * with hostile fields, frames with one thing wrong, non-JSON, wrong roots, unknown types, binary,
 * oversized and flooding) are sent from Mallory's or an anonymous socket inside Vera's LIVE room.
 * Every error frame must carry a known code other than `internal`, a socket the server closes must be
 * closed with a documented code (1008 flood, 1009 too large or binary), nothing may be logged at error
 * level, every acked comment must be stored, and Alice, a bystander in the same room, must keep
 * commenting with her comments stored.
 *
 * Bounded: a fixed seed and 25 batches (~3 s after ~8 s of setup on PGlite); FUZZ_SEED and FUZZ_RUNS
 * as in the HTTP suite.
 */
import { ERROR_CODES } from '@onair/protocol';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  batchArbitrary,
  DOCUMENTED_CLOSE_CODES,
  endingFrames,
  type FrameBatch,
  type WireFrame,
} from '../http/fuzz/frames.ts';
import { FUZZ_SEED, runs, seedFor } from '../http/fuzz/settings.ts';
import { fuzzApp, type LoggedError } from '../http/fuzz/world.ts';
import { buyCoins, goLive } from '../modules/economy/testing.ts';
import { signup } from '../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../test/databases.ts';
import { eventually } from '../test/eventually.ts';

const BATCHES = runs(25);
/** Signing up hashes passwords (scrypt, deliberately slow): generous on a loaded machine. */
const SETUP_TIMEOUT_MS = 120_000;
const CODES = new Set<string>(ERROR_CODES);
type Frame = { type: string; code?: unknown; nonce?: unknown; t?: unknown; id?: unknown; room?: unknown };

/** A socket that keeps every frame it is sent and how it was closed. */
async function openSocket(url: string, headers: Record<string, string>) {
  const ws = new WebSocket(url, { headers });
  const frames: Frame[] = [];
  const garbage: string[] = [];
  let closedWith: number | null = null;
  ws.on('message', (data) => {
    try {
      frames.push(JSON.parse(data.toString()));
    } catch {
      garbage.push(data.toString().slice(0, 200));
    }
  });
  ws.on('close', (code) => {
    closedWith = code;
  });
  // A socket the server tears down also emits an error; its close code is what the test judges.
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  const send = (frame: WireFrame) => {
    if (ws.readyState !== ws.OPEN) return;
    ws.send('text' in frame ? frame.text : frame.binary, { binary: 'binary' in frame }, () => {});
  };
  const find = (pred: (f: Frame) => boolean) => frames.find(pred);
  return { ws, frames, garbage, closedWith: () => closedWith, send, find };
}
type Socket = Awaited<ReturnType<typeof openSocket>>;

describe.each(testDatabases())('WebSocket fuzz on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let errors: LoggedError[];
  let url: string;
  let room: string;
  let vera: Awaited<ReturnType<typeof signup>>;
  let mallory: Awaited<ReturnType<typeof signup>>;
  let alice: Socket;

  beforeAll(async () => {
    database = await kind.create();
    ({ app, errors } = await fuzzApp(database));
    url = `${(await app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws')}/api/v1/ws`;
    await signup(app, 'wsfuzz_admin');
    vera = await signup(app, 'wsfuzz_vera');
    mallory = await signup(app, 'wsfuzz_mallory');
    const aliceUser = await signup(app, 'wsfuzz_alice');
    room = await goLive(app, vera);
    await buyCoins(app, mallory);
    alice = await openSocket(url, aliceUser.auth);
    alice.send({ text: JSON.stringify({ type: 'join', room }) });
    await eventually('Alice joined the room', () => alice.find((f) => f.type === 'joined'));
    console.info(`WebSocket fuzz on ${kind.name}: FUZZ_SEED=${FUZZ_SEED}, ${BATCHES} batches`);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    alice?.ws.close();
    await app?.close();
    await database?.drop();
  });

  /** Comment ids from the history API, newest first, all pages. */
  async function storedIds(): Promise<Set<string>> {
    const ids = new Set<string>();
    let before = '';
    for (;;) {
      const page = (await app.inject(`/api/v1/sessions/${room}/comments?limit=100${before}`)).json();
      for (const c of page.comments as { id: string }[]) ids.add(c.id);
      if (!page.nextCursor) return ids;
      before = `&before=${page.nextCursor}`;
    }
  }

  /** Runs one batch on a fresh socket and returns what was wrong with the answers. */
  async function attack(batch: FrameBatch, n: number, acked: string[]): Promise<string[]> {
    const problems: string[] = [];
    const seen = errors.length;
    const socket = await openSocket(url, batch.signedIn ? mallory.auth : {});
    await eventually('hello', () => socket.find((f) => f.type === 'hello'));
    socket.send({ text: JSON.stringify({ type: 'join', room }) });
    await eventually('the join answered', () =>
      socket.find((f) => f.type === 'joined' || f.type === 'error'),
    );
    // The batch first, answered up to a sentinel ping; then its ending, which may close the socket.
    for (const frame of batch.frames) socket.send(frame);
    const sentinel = n + 0.25;
    socket.send({ text: JSON.stringify({ type: 'ping', t: sentinel }) });
    await eventually(
      'the sentinel pong or a close',
      () => socket.closedWith() !== null || socket.find((f) => f.type === 'pong' && f.t === sentinel),
    );
    if (batch.ending !== 'none' && socket.closedWith() === null) {
      for (const frame of endingFrames(batch.ending)) socket.send(frame);
      await eventually(`a close after the ${batch.ending} ending`, () => socket.closedWith() !== null);
    }
    const closed = socket.closedWith();
    if (closed !== null && !DOCUMENTED_CLOSE_CODES.includes(closed)) problems.push(`closed with ${closed}`);
    if (closed === null && batch.ending !== 'none')
      problems.push(`still open after a ${batch.ending} ending`);
    for (const f of socket.frames.filter((x) => x.type === 'error'))
      if (typeof f.code !== 'string' || !CODES.has(f.code) || f.code === 'internal')
        problems.push(`error frame ${JSON.stringify(f).slice(0, 300)}`);
    for (const g of socket.garbage) problems.push(`a frame that is not JSON: ${g}`);
    for (const f of socket.frames) if (f.type === 'ack' && typeof f.id === 'string') acked.push(f.id);
    for (const e of errors.slice(seen))
      problems.push(`logged at error level: ${JSON.stringify(e.err ?? e.msg).slice(0, 300)}`);
    socket.ws.close();
    return problems.map((p) => `${p}\n  batch: ${JSON.stringify(batch).slice(0, 1500)}`);
  }

  /** Alice comments; her comment must be acked. */
  async function aliceComments(n: number, acked: string[]): Promise<string | null> {
    const nonce = `alice-${n}`;
    alice.send({ text: JSON.stringify({ type: 'comment', room, text: `still here ${n}`, nonce }) });
    const answer = await eventually(`an answer to ${nonce}`, () => alice.find((f) => f.nonce === nonce));
    if (answer.type === 'ack' && typeof answer.id === 'string') {
      acked.push(answer.id);
      return null;
    }
    return `Alice's comment ${n} was refused: ${JSON.stringify(answer)}`;
  }

  it('answers hostile frames with coded errors or documented closes; the room keeps working', async () => {
    const batches = fc.sample(batchArbitrary(room, vera.user.handle), {
      seed: seedFor('websocket'),
      numRuns: BATCHES,
    });
    const problems: string[] = [];
    const acked: string[] = [];
    for (const [n, batch] of batches.entries()) {
      problems.push(...(await attack(batch, n, acked)));
      if (alice.closedWith() !== null) problems.push(`Alice's socket was closed (${alice.closedWith()})`);
      else {
        const refused = await aliceComments(n, acked);
        if (refused) problems.push(refused);
      }
    }
    expect(problems.join('\n')).toBe('');
    // Every comment the server acked is in the history: none lost beside a failing one.
    await eventually('every acked comment stored', async () => {
      const stored = await storedIds();
      const missing = acked.filter((id) => !stored.has(id));
      expect(missing).toEqual([]);
      return true;
    });
    expect(acked.length).toBeGreaterThan(BATCHES);
  }, 120_000);
});
