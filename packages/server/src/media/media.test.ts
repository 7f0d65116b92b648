import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { registerErrorHandlers } from '../http/error-handler.ts';
import { eventually } from '../test/eventually.ts';
import { resolveFfprobe } from './ffmpeg.ts';
import { createMedia, type Media } from './media.ts';
import { pushTestPattern } from './test-pattern.ts';
import { ffmpegChildren, freePort, probe, quietLog, recordingHooks, within } from './test-support.ts';

const ffprobe = resolveFfprobe();
const streamId = randomUUID();
const KEY = 'live_media_test_key';
const { hooks, calls } = recordingHooks({ [KEY]: streamId });
const thumbnails: Array<{ streamId: string; filePath: string }> = [];

let dataDir: string;
let media: Media;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'onair-media-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    RTMP_PORT: String(await freePort()),
    INGEST_IDLE_TIMEOUT_S: '5',
    THUMBNAIL_INTERVAL_S: '5',
  });
  media = createMedia({
    config,
    log: quietLog(),
    hooks,
    streamKeyFor: async () => null,
    onThumbnail: (id, filePath) => {
      thumbnails.push({ streamId: id, filePath });
    },
  });
  app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandlers(app);
  await app.register(media.routes.plugin, media.routes.options);
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  await media.start();
});

afterAll(async () => {
  await media?.stop();
  await app?.close();
  expect(await ffmpegChildren()).toEqual([]);
  await rm(dataDir, { recursive: true, force: true });
});

describe('media pipeline over HTTP', () => {
  it('a pushed stream goes LIVE with its codecs, plays as HTTP-FLV and HLS, gets a thumbnail, ends once', async () => {
    const pusher = pushTestPattern({
      ffmpegPath: media.ffmpegPath,
      rtmpUrl: `rtmp://127.0.0.1:${media.ingest.port}/live/${KEY}`,
      width: 320,
      height: 240,
      fps: 15,
      durationS: 7,
      audio: true,
      label: 'media test',
    });
    await eventually('published', () => calls.published.length === 1);
    expect(calls.published[0]).toEqual({
      streamId,
      info: { videoCodec: 'h264', audioCodec: 'aac', width: 320, height: 240, fps: 15 },
    });

    const flv = async () => {
      const head = await fetch(`${base}/live/${streamId}.flv`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('access-control-allow-origin')).toBe('*');
      const streams = await probe(ffprobe, `${base}/live/${streamId}.flv`);
      expect(streams.find((s) => s.codec_type === 'video')).toMatchObject({
        codec_name: 'h264',
        width: 320,
        height: 240,
      });
      expect(streams.find((s) => s.codec_type === 'audio')).toMatchObject({ codec_name: 'aac' });
    };

    const hls = async () => {
      const playlistUrl = `${base}/live/${streamId}/index.m3u8`;
      const playlist = await eventually(
        'an HLS playlist with 2 segments',
        async () => {
          const res = await fetch(playlistUrl);
          const text = res.ok ? await res.text() : '';
          return (text.match(/^seg\d+\.ts$/gm)?.length ?? 0) >= 2 ? { res, text } : null;
        },
        { timeoutMs: 8000, everyMs: 200 },
      );
      expect(playlist.res.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
      expect(playlist.res.headers.get('cache-control')).toBe('no-cache, no-store');
      expect(playlist.res.headers.get('access-control-allow-origin')).toBe('*');
      expect(playlist.text).toMatch(/#EXT-X-TARGETDURATION:[12]\b/);
      const segment = await fetch(`${base}/live/${streamId}/${playlist.text.match(/^seg\d+\.ts$/m)![0]}`);
      expect(segment.status).toBe(200);
      expect(segment.headers.get('content-type')).toBe('video/mp2t');
      // Read to the end: an unread body leaves its connection busy, and the server's close waits for it.
      expect((await segment.arrayBuffer()).byteLength).toBeGreaterThan(0);
      const streams = await probe(ffprobe, playlistUrl);
      expect(streams.find((s) => s.codec_type === 'video')).toMatchObject({
        codec_name: 'h264',
        width: 320,
        height: 240,
      });
    };

    const thumbnail = async () => {
      await eventually('a thumbnail', () => thumbnails.length > 0, { timeoutMs: 8000 });
      expect(thumbnails[0]!.streamId).toBe(streamId);
      expect(existsSync(thumbnails[0]!.filePath)).toBe(true);
      const res = await fetch(`${base}/live/${streamId}/thumbnail.jpg`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
      const streams = await probe(ffprobe, thumbnails[0]!.filePath);
      expect(streams[0]).toMatchObject({ codec_name: 'mjpeg', width: 360, height: 270 });
    };

    await Promise.all([flv(), hls(), thumbnail()]);

    expect((await pusher.exited).code).toBe(0);
    await eventually('unpublished', () => calls.unpublished.length === 1);
    expect(media.ingest.isLive(streamId)).toBe(false);

    const gone = await fetch(`${base}/live/${streamId}.flv`);
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { error: { code: string } }).error.code).toBe('stream.not_found');
    // Players draining the stream see its end: ffmpeg got EOF and closed the playlist.
    await eventually('EXT-X-ENDLIST', async () =>
      (await readFile(path.join(media.hlsDir, streamId, 'index.m3u8'), 'utf8')).includes('#EXT-X-ENDLIST'),
    );
    // The end has gone all the way through the pipeline, and was reported once.
    expect(calls.unpublished).toEqual([{ streamId, reason: 'stopped' }]);
  });

  it('validates what it serves: ids are UUIDs, only playlist and segment names', async () => {
    const id = randomUUID();
    const cases: Array<[string, number]> = [
      ['/live/not-a-uuid.flv', 400],
      [`/live/${id}.flv`, 404],
      [`/live/${id}/index.m3u8`, 404],
      [`/live/${id}/thumbnail.jpg`, 404],
      [`/live/${id}/seg1.ts`, 404],
      [`/live/${id}/secret.key`, 400],
      [`/live/${id}/..%2F..%2Fsecret.key`, 400],
    ];
    for (const [url, status] of cases) {
      const res = await fetch(`${base}${url}`);
      expect(res.status, url).toBe(status);
      expect(res.headers.get('access-control-allow-origin'), url).toBe('*');
      const body = (await res.json()) as { error: { code: string } };
      expect(body.error.code, url).toBe(status === 404 ? 'stream.not_found' : 'request.invalid');
    }
  });

  it('app.close() does not wait for FLV viewers of a stream that is still LIVE', async () => {
    const pusher = pushTestPattern({
      ffmpegPath: media.ffmpegPath,
      rtmpUrl: `rtmp://127.0.0.1:${media.ingest.port}/live/${KEY}`,
      width: 320,
      height: 240,
      fps: 15,
      audio: false,
    });
    try {
      await eventually('LIVE again', () => calls.published.length === 2);
      const viewer = await fetch(`${base}/live/${streamId}.flv`);
      expect(viewer.status).toBe(200);
      const body = viewer.body!.getReader();
      expect((await body.read()).value!.length).toBeGreaterThan(0);
      const started = Date.now();
      const closed = await within(
        app.close().then(() => 'closed'),
        10_000,
        'hung',
      );
      expect(closed).toBe('closed');
      expect(Date.now() - started).toBeLessThan(3000);
      // The viewer sees its stream end (or its connection cut), not a connection left open.
      const drained = (async () => {
        try {
          for (;;) if ((await body.read()).done) return 'ended';
        } catch {
          return 'cut';
        }
      })();
      expect(await within(drained, 5000, 'still open')).not.toBe('still open');
    } finally {
      await pusher.stop();
    }
  });
});
