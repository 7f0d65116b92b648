import type { startServer } from '@onair/server';

type LiveService = Awaited<ReturnType<typeof startServer>>['app']['services']['live'];

/**
 * Takes a creator LIVE through the live domain's ingest hooks, exactly as an RTMP publish drives
 * them, without pushing video: the economy and battle benches need LIVE rooms, not pictures.
 * Returns the session id.
 */
export async function goLiveThroughHooks(live: LiveService, creator: { id: string; handle: string }) {
  const key = await live.streamKeyFor(creator.id);
  const auth = key && (await live.hooks.authorizePublish({ app: 'live', name: key, clientIp: '127.0.0.1' }));
  if (!auth) throw new Error(`could not take @${creator.handle} LIVE`);
  await live.hooks.published(auth.streamId, {
    videoCodec: 'h264',
    audioCodec: 'aac',
    width: 720,
    height: 1280,
    fps: 30,
  });
  return auth.streamId;
}
