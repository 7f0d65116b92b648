import { OnAirClient } from '@onair/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { resolveFfmpeg, resolveFfprobe } from '../../media/ffmpeg.ts';
import { pushTestPattern } from '../../media/test-pattern.ts';
import { probe } from '../../media/test-support.ts';
import { eventually } from '../../test/eventually.ts';
import { type SpawnedServer, spawnServer } from '../../testing/spawn-server.ts';

/**
 * The whole path as a creator and a fan live it: a real `onair serve`, a real ffmpeg pushing RTMP
 * with the creator's stream key, HTTP-FLV and HLS probed by ffprobe, the fan's go-live notification
 * over the realtime socket, and the session ending when the encoder stops.
 */
describe('going LIVE through RTMP', () => {
  const ffmpegPath = resolveFfmpeg();
  const ffprobe = resolveFfprobe();
  let server: SpawnedServer;
  let creator: OnAirClient;
  let fan: OnAirClient;

  beforeAll(async () => {
    server = await spawnServer({ INGEST_IDLE_TIMEOUT_S: '4' });
    creator = new OnAirClient({ baseUrl: server.url });
    fan = new OnAirClient({ baseUrl: server.url });
    await creator.signup({ handle: 'streamer', password: 'password123' }, { bearer: true });
    await fan.signup({ handle: 'fan', password: 'password123' }, { bearer: true });
    await fan.follow('streamer');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('refuses a wrong key and leaves the room offline', async () => {
    const wrong = pushTestPattern({
      ffmpegPath,
      rtmpUrl: `${server.rtmpUrl}/live_not_a_key`,
      width: 320,
      height: 240,
      fps: 15,
      audio: true,
      durationS: 3,
    });
    const exit = await wrong.exited;
    expect(exit.code).not.toBe(0);
    expect((await creator.room('streamer')).state).toBe('offline');
    expect((await creator.room('streamer')).session).toBeNull();
    expect(server.logs()).toContain('unknown or revoked stream key');
  });

  it('goes LIVE, plays over HTTP-FLV and HLS, notifies the follower, and ends when the encoder stops', async () => {
    const room = await creator.updateRoom({ title: 'Test pattern LIVE', hashtags: ['test'] });
    const socket = new WebSocket(fan.realtimeUrl(), { headers: { authorization: `Bearer ${fan.token}` } });
    const frames: { type: string; notification?: { sessionId: string } }[] = [];
    socket.on('message', (d) => frames.push(JSON.parse(d.toString())));
    await eventually('hello', () => frames.some((f) => f.type === 'hello'));

    const push = pushTestPattern({
      ffmpegPath,
      rtmpUrl: `${server.rtmpUrl}/${room.ingest.streamKey}`,
      width: 640,
      height: 360,
      fps: 25,
      audio: true,
      durationS: 12,
    });
    try {
      const live = await eventually('room LIVE', async () => {
        const r = await fan.room('streamer');
        return r.state === 'live' && r.session ? r.session : null;
      });
      expect(live).toMatchObject({ status: 'live', title: 'Test pattern LIVE', source: 'rtmp' });
      expect(live.video).toMatchObject({ codec: 'h264', width: 640, height: 360 });

      const flv = await probe(ffprobe, fan.mediaUrl(live.flvUrl));
      expect(flv.find((s) => s.codec_type === 'video')).toMatchObject({
        codec_name: 'h264',
        width: 640,
        height: 360,
      });
      expect(flv.some((s) => s.codec_type === 'audio' && s.codec_name === 'aac')).toBe(true);

      const hlsUrl = fan.mediaUrl(live.hlsUrl);
      await eventually('HLS playlist', async () => (await fetch(hlsUrl)).ok, {
        timeoutMs: 15_000,
        everyMs: 250,
      });
      const hls = await probe(ffprobe, hlsUrl);
      expect(hls.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 640 });

      const note = await eventually('notification frame', () =>
        frames.find((f) => f.type === 'notification'),
      );
      expect(note.notification?.sessionId).toBe(live.id);
      expect((await fan.feed('following')).items.map((i) => i.sessionId)).toEqual([live.id]);

      const thumb = await eventually(
        'thumbnail',
        async () => (await fan.room('streamer')).session?.thumbnailUrl,
        { timeoutMs: 15_000, everyMs: 500 },
      );
      const image = await fetch(fan.mediaUrl(thumb));
      expect(image.headers.get('content-type')).toBe('image/jpeg');

      await push.exited;
      const ended = await eventually('session ended', async () => {
        const r = await fan.room('streamer');
        return r.state === 'offline' && r.session?.status === 'ended' ? r.session : null;
      });
      expect(ended).toMatchObject({ id: live.id, endReason: 'stopped' });
      expect(ended.durationS).toBeGreaterThanOrEqual(8);
      expect((await fetch(fan.mediaUrl(live.flvUrl))).status).toBe(404);
      expect((await fan.feed()).items).toEqual([]);
    } finally {
      socket.close();
      await push.stop();
    }
  }, 90_000);
});
