import { OnAirClient } from '@onair/sdk';
import {
  eventually,
  pushTestPattern,
  resolveFfmpeg,
  type SpawnedServer,
  type TestPattern,
} from '@onair/server/testing';

/** An API client signed in as `handle` (signed up already, with the specs' shared password). */
export async function clientFor(server: SpawnedServer, handle: string): Promise<OnAirClient> {
  const api = new OnAirClient({ baseUrl: server.url });
  await api.login({ handle, password: 'password123' }, { bearer: true });
  return api;
}

/** Pushes a vertical test pattern into the signed-in creator's room over RTMP, the way OBS would. */
export async function pushToRoom(
  server: SpawnedServer,
  api: OnAirClient,
  opts: { fps?: number; audio?: boolean; label?: string } = {},
): Promise<TestPattern> {
  const { ingest } = await api.myRoom();
  return pushTestPattern({
    ffmpegPath: resolveFfmpeg(),
    rtmpUrl: `${server.rtmpUrl}/${ingest.streamKey}`,
    width: 360,
    height: 640,
    fps: opts.fps ?? 20,
    audio: opts.audio ?? true,
    ...(opts.label ? { label: opts.label } : {}),
  });
}

/** Resolves with the session id once `handle`'s room is LIVE. */
export function untilLive(api: OnAirClient, handle: string, timeoutMs = 20_000): Promise<string> {
  return eventually(
    `@${handle}'s test stream to go LIVE`,
    async () => {
      const room = await api.room(handle);
      return room.state === 'live' && room.session ? room.session.id : undefined;
    },
    { timeoutMs, everyMs: 200 },
  );
}
