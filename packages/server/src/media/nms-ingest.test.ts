import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../test/eventually.ts';
import { resolveFfmpeg, resolveFfprobe } from './ffmpeg.ts';
import type { IngestEvent, IngestServer } from './ingest.ts';
import { createNmsIngest } from './nms-ingest.ts';
import { pushTestPattern } from './test-pattern.ts';
import { ffmpegChildren, freePort, probe, quietLog, recordingHooks, within } from './test-support.ts';

const ffmpeg = resolveFfmpeg();
const ffprobe = resolveFfprobe();

const ids = {
  live: randomUUID(),
  dup: randomUUID(),
  idle: randomUUID(),
  silent: randomUUID(),
  huge: randomUUID(),
  kick: randomUUID(),
  shutdown: randomUUID(),
};
const keyOf = (name: keyof typeof ids) => `live_key_${name}_${ids[name].slice(0, 8)}`;
const { hooks, calls } = recordingHooks(
  Object.fromEntries(Object.keys(ids).map((k) => [keyOf(k as keyof typeof ids), ids[k as keyof typeof ids]])),
);

let ingest: IngestServer;
let flvBase: string;
let flvServer: http.Server;
const events: IngestEvent[] = [];

const push = (key: string, extra: Partial<Parameters<typeof pushTestPattern>[0]> = {}) =>
  pushTestPattern({
    ffmpegPath: ffmpeg,
    rtmpUrl: `rtmp://127.0.0.1:${ingest.port}/live/${key}`,
    width: 320,
    height: 240,
    fps: 15,
    audio: true,
    ...extra,
  });
const unpublishedOf = (streamId: string) => calls.unpublished.filter((c) => c.streamId === streamId);
const publishedOf = (streamId: string) => calls.published.filter((c) => c.streamId === streamId);

/** Speaks the start of RTMP, then a command whose AMF is cut short: crashes a stock NMS 4.4.3. */
function malformedConnect(): Buffer {
  const c0c1 = Buffer.alloc(1537);
  c0c1[0] = 3;
  const payload = Buffer.concat([
    Buffer.from([0x02, 0x00, 0x07]),
    Buffer.from('connect'),
    Buffer.from([0x00, 0x3f]),
  ]);
  const header = Buffer.alloc(12);
  header[0] = 3;
  header.writeUIntBE(payload.length, 4, 3);
  header[7] = 20;
  return Buffer.concat([c0c1, Buffer.alloc(1536), header, payload]);
}

/** Sends bytes on the RTMP port; resolves when the server hangs up. */
function sendRaw(bytes: Buffer): Promise<'closed'> {
  return new Promise((resolve, reject) => {
    const socket = connect(ingest.port, '127.0.0.1', () => socket.write(bytes));
    socket.on('error', () => {});
    socket.on('data', () => {});
    socket.on('close', () => resolve('closed'));
    setTimeout(() => reject(new Error('server kept a garbage connection open')), 12_000).unref();
  });
}

beforeAll(async () => {
  ingest = createNmsIngest({
    rtmpPort: await freePort(),
    host: '127.0.0.1',
    log: quietLog(),
    hooks,
    idleTimeoutS: 2,
    maxPixels: 1920 * 1080,
  });
  ingest.onEvent((e) => events.push(e));
  await ingest.start();
  flvServer = http.createServer((req, res) => {
    const id = req.url?.slice(1) ?? '';
    if (!ingest.playFlv(id, req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((r) => flvServer.listen(0, '127.0.0.1', () => r()));
  const address = flvServer.address();
  flvBase = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await ingest?.stop();
  await new Promise((r) => flvServer?.close(r));
  expect(await ffmpegChildren()).toEqual([]);
});

describe('RTMP ingest (node-media-server protocol layer)', () => {
  it('refuses an unknown key without publishing, and never calls the hooks for it again', async () => {
    const pusher = push('live_key_nobody_knows', { durationS: 3 });
    const exit = await pusher.exited;
    expect(exit.code).not.toBe(0);
    expect(calls.authorize.filter((a) => a.name === 'live_key_nobody_knows')).toHaveLength(1);
    expect(events).toContainEqual({
      type: 'rejected',
      name: 'live_key_nobody_knows',
      reason: 'stream key not authorized',
    });
    expect(calls.published).toHaveLength(0);
  });

  it('keeps the first publisher when a second one uses the same key; garbage on the port changes nothing', async () => {
    const first = push(keyOf('dup'), { durationS: 8 });
    await eventually('first publisher LIVE', () => publishedOf(ids.dup).length === 1);

    const second = push(keyOf('dup'), { durationS: 3 });
    expect((await second.exited).code).not.toBe(0);
    // The ingest refused it itself: the live domain was asked once, for the first publisher.
    expect(calls.authorize.filter((a) => a.name === keyOf('dup'))).toHaveLength(1);

    // Random bytes, an HTTP request, an RTMP command with truncated AMF: each is hung up on.
    await Promise.all([
      sendRaw(randomBytes(200_000)),
      sendRaw(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')),
      sendRaw(malformedConnect()),
    ]);

    expect(ingest.isLive(ids.dup)).toBe(true);
    const streams = await probe(ffprobe, `${flvBase}/${ids.dup}`);
    expect(streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 320 });
    await first.stop();
    await eventually('first publisher ended', () => unpublishedOf(ids.dup).length === 1);
    expect(unpublishedOf(ids.dup)).toEqual([{ streamId: ids.dup, reason: 'stopped' }]);
  });

  it('ends a stream whose encoder stops sending (timeout), exactly once', async () => {
    const pusher = push(keyOf('idle'));
    try {
      await eventually('LIVE', () => publishedOf(ids.idle).length === 1);
      pusher.process.child.kill('SIGSTOP');
      await eventually('timeout', () => unpublishedOf(ids.idle).length === 1, { timeoutMs: 6000 });
      expect(unpublishedOf(ids.idle)[0]!.reason).toBe('timeout');
      expect(ingest.isLive(ids.idle)).toBe(false);
    } finally {
      pusher.process.child.kill('SIGKILL');
      await pusher.exited;
    }
    // The ingest hung up on the encoder when it timed it out; the encoder's death, now complete, is
    // the last thing that could have ended the stream a second time.
    expect(unpublishedOf(ids.idle)).toHaveLength(1);
  });

  it('takes a stream without audio', async () => {
    const pusher = push(keyOf('silent'), { audio: false, durationS: 5 });
    await eventually('LIVE', () => publishedOf(ids.silent).length === 1);
    expect(publishedOf(ids.silent)[0]!.info).toEqual({
      videoCodec: 'h264',
      audioCodec: null,
      width: 320,
      height: 240,
      fps: 15,
    });
    const streams = await probe(ffprobe, `${flvBase}/${ids.silent}`);
    expect(streams.map((s) => s.codec_type)).toEqual(['video']);
    await pusher.exited;
    await eventually('ended', () => unpublishedOf(ids.silent).length === 1);
  });

  it('refuses a picture above the size limit before it goes LIVE, and reports the end', async () => {
    const pusher = push(keyOf('huge'), { width: 2560, height: 1440, fps: 2, durationS: 5, audio: false });
    await eventually('ended', () => unpublishedOf(ids.huge).length === 1);
    expect(unpublishedOf(ids.huge)[0]!.reason).toBe('error');
    expect(publishedOf(ids.huge)).toHaveLength(0);
    expect((await pusher.exited).code).not.toBe(0);
  });

  it('kick() cuts a stream off', async () => {
    const pusher = push(keyOf('kick'));
    await eventually('LIVE', () => publishedOf(ids.kick).length === 1);
    ingest.kick(ids.kick);
    expect(ingest.isLive(ids.kick)).toBe(false);
    await eventually('unpublished', () => unpublishedOf(ids.kick).length === 1);
    expect(unpublishedOf(ids.kick)).toEqual([{ streamId: ids.kick, reason: 'kicked' }]);
    expect(ingest.isLive(ids.kick)).toBe(false);
    const exit = await within(pusher.exited, 5000, null);
    if (!exit) await pusher.stop();
  });

  it('stop() ends what is LIVE as shutdown and frees the port', async () => {
    const pusher = push(keyOf('shutdown'));
    await eventually('LIVE', () => publishedOf(ids.shutdown).length === 1);
    const port = ingest.port;
    await ingest.stop();
    expect(unpublishedOf(ids.shutdown)).toEqual([{ streamId: ids.shutdown, reason: 'shutdown' }]);
    if (!(await within(pusher.exited, 5000, null))) await pusher.stop();
    const refused = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => resolve('connected'));
      socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code));
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});
