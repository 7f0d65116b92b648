import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setInterval as every } from 'node:timers/promises';
import { promisify } from 'node:util';
import { BROWSER_INGEST_CLOSE, BROWSER_INGEST_PATH, type BrowserIngestServerMessage } from '@onair/protocol';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { signup, TEST_SECRET } from '../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../test/databases.ts';
import { eventually } from '../test/eventually.ts';
import { resolveFfprobe } from './ffmpeg.ts';
import { createMedia, type Media } from './media.ts';
import { ffmpegChildren, freePort, probe, quietLog } from './test-support.ts';

/**
 * "Go LIVE from this computer" through the whole app: real sign-up and bearer token, the live
 * domain's own hooks, the media layer wired the way server.ts wires it, a real WebSocket.
 */

const ffprobe = resolveFfprobe();
const CLIP_S = 5;

let dataDir: string;
let database: TestDatabaseHandle;
let app: FastifyInstance;
let media: Media;
let wsBase: string;
let httpBase: string;
let creator: Awaited<ReturnType<typeof signup>>;
let viewer: Awaited<ReturnType<typeof signup>>;
const clips: Record<'h264' | 'vp8', Buffer> = { h264: Buffer.alloc(0), vp8: Buffer.alloc(0) };

/** What MediaRecorder produces, made with ffmpeg: H.264 (in Matroska, as Chrome's "webm" is) or VP8 WebM, Opus. */
async function makeClip(codec: 'h264' | 'vp8'): Promise<Buffer> {
  const file = path.join(dataDir, `clip-${codec}.${codec === 'h264' ? 'mkv' : 'webm'}`);
  const video =
    codec === 'h264'
      ? [
          '-c:v',
          'libx264',
          '-preset',
          'veryfast',
          '-profile:v',
          'baseline',
          '-g',
          '15',
          '-pix_fmt',
          'yuv420p',
        ]
      : ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '600k', '-g', '15'];
  await promisify(execFile)(media.ffmpegPath, [
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=15'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(CLIP_S)],
    ...video,
    ...['-c:a', 'libopus', '-b:a', '64k', '-f', codec === 'h264' ? 'matroska' : 'webm', '-y', file],
  ]);
  return readFile(file);
}

interface Client {
  ws: WebSocket;
  messages: BrowserIngestServerMessage[];
  closed: Promise<{ code: number; reason: string }>;
  next(type: BrowserIngestServerMessage['type'], timeoutMs?: number): Promise<BrowserIngestServerMessage>;
}

function connectClient(token: string | null): Promise<Client> {
  const ws = new WebSocket(`${wsBase}${BROWSER_INGEST_PATH}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const messages: BrowserIngestServerMessage[] = [];
  ws.on('message', (data, binary) => {
    if (!binary) messages.push(JSON.parse(data.toString()) as BrowserIngestServerMessage);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const client: Client = {
    ws,
    messages,
    closed,
    next: (type, timeoutMs = 10_000) =>
      eventually(`a "${type}" message`, () => messages.find((m) => m.type === type), { timeoutMs }),
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/**
 * Sends a recording the way MediaRecorder does: a chunk every 250 ms, at the recording's own pace.
 * The pace is the input under test (the bridge transcodes in real time), not a wait for the server.
 */
async function sendPaced(ws: WebSocket, data: Buffer, seconds: number): Promise<void> {
  const chunks = seconds * 4;
  const size = Math.ceil(data.length / chunks);
  let i = 0;
  ws.send(data.subarray(0, size));
  for await (const _ of every(250)) {
    i++;
    if (i >= chunks || ws.readyState !== ws.OPEN) break;
    ws.send(data.subarray(i * size, (i + 1) * size));
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'onair-bridge-'));
  database = await testDatabases()[0]!.create();
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    WEB_DIST: '/nonexistent',
    LOGIN_RATE_LIMIT: '1000',
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    RTMP_PORT: String(await freePort()),
    HLS: 'off',
  });
  app = await buildApp({
    config,
    db: database.db,
    logger: quietLog(),
    secretKey: TEST_SECRET,
    media: async (instance, services) => {
      media = createMedia({
        config,
        log: quietLog(),
        hooks: services.live.hooks,
        streamKeyFor: (userId) => services.live.streamKeyFor(userId),
        onThumbnail: (streamId) => services.live.onThumbnail(streamId),
      });
      services.live.attachMedia(media.ingest);
      await instance.register(media.routes.plugin, media.routes.options);
    },
  });
  httpBase = await app.listen({ port: 0, host: '127.0.0.1' });
  wsBase = httpBase.replace('http:', 'ws:');
  await media.start();
  [clips.h264, clips.vp8] = await Promise.all([makeClip('h264'), makeClip('vp8')]);
  creator = await signup(app); // the first account is the admin: it may go LIVE
  viewer = await signup(app);
});

afterAll(async () => {
  await app?.close();
  await media?.stop();
  await database?.drop();
  expect(await ffmpegChildren()).toEqual([]);
  await rm(dataDir, { recursive: true, force: true });
});

describe('browser go-live bridge', () => {
  for (const codec of ['h264', 'vp8'] as const) {
    it(`takes a ${codec} recording over the socket and makes it a LIVE stream`, async () => {
      const client = await connectClient(creator.token);
      await client.next('ready');
      client.ws.send(JSON.stringify({ type: 'start', mimeType: `video/webm;codecs=${codec},opus` }));
      const sending = sendPaced(client.ws, clips[codec], CLIP_S);

      const live = await client.next('live');
      const streamId = (live as { streamId: string }).streamId;
      expect(streamId).toMatch(/^[0-9a-f-]{36}$/);
      expect(media.ingest.isLive(streamId)).toBe(true);
      const streams = await probe(ffprobe, `${httpBase}/live/${streamId}.flv`);
      expect(streams.find((s) => s.codec_type === 'video')).toMatchObject({
        codec_name: 'h264',
        width: 320,
        height: 240,
      });
      expect(streams.find((s) => s.codec_type === 'audio')).toMatchObject({ codec_name: 'aac' });

      await sending;
      client.ws.send(JSON.stringify({ type: 'stop' }));
      expect(await client.next('ended')).toEqual({ type: 'ended', reason: 'stopped' });
      expect((await client.closed).code).toBe(1000);
      expect(media.ingest.isLive(streamId)).toBe(false);
    });
  }

  it('closing the socket ends the broadcast', async () => {
    const client = await connectClient(creator.token);
    await client.next('ready');
    client.ws.send(JSON.stringify({ type: 'start', mimeType: 'video/webm;codecs=h264,opus' }));
    void sendPaced(client.ws, clips.h264, CLIP_S);
    const { streamId } = (await client.next('live')) as { streamId: string };
    client.ws.close();
    await eventually('the stream to end', () => !media.ingest.isLive(streamId), { timeoutMs: 8000 });
  });

  it('refuses a second broadcast of the same account while one is running', async () => {
    const first = await connectClient(creator.token);
    await first.next('ready');
    const second = await connectClient(creator.token);
    expect(await second.next('error')).toMatchObject({ code: 'media.ingest_rejected' });
    expect((await second.closed).code).toBe(BROWSER_INGEST_CLOSE.conflict);
    first.ws.close();
    await first.closed;
  });

  it('refuses accounts that may not go LIVE, and anonymous sockets', async () => {
    const client = await connectClient(viewer.token);
    expect(await client.next('error')).toMatchObject({ type: 'error', code: 'live.not_creator' });
    expect((await client.closed).code).toBe(BROWSER_INGEST_CLOSE.forbidden);
    await expect(connectClient(null)).rejects.toThrow('HTTP 401');
  });

  it('closes on a malformed control message, and on undecodable media', async () => {
    const bad = await connectClient(creator.token);
    await bad.next('ready');
    bad.ws.send('{"type":"launch"}');
    expect(await bad.next('error')).toMatchObject({ code: 'media.bad_message' });
    expect((await bad.closed).code).toBe(BROWSER_INGEST_CLOSE.badMessage);

    const garbage = await connectClient(creator.token);
    await garbage.next('ready');
    garbage.ws.send(JSON.stringify({ type: 'start', mimeType: 'video/webm' }));
    garbage.ws.send(Buffer.alloc(64 * 1024, 7));
    garbage.ws.send(JSON.stringify({ type: 'stop' }));
    expect(await garbage.next('error')).toMatchObject({ code: 'media.encoder_failed' });
    expect((await garbage.closed).code).toBe(BROWSER_INGEST_CLOSE.failed);
  });
});
