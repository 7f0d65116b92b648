import { type ChildProcess, spawn } from 'node:child_process';
import { OnAirClient, OnAirRealtime } from '@onair/sdk';
import {
  eventually,
  pushTestPattern,
  resolveFfmpeg,
  type SpawnedServer,
  spawnServer,
  type TestPattern,
} from '@onair/server/testing';
import type { Browser, Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { launchBrowser, signedInContext } from './browser.ts';

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

/**
 * Moves the test server's clock (it runs with TEST_CLOCK=on) forward: the minutes of a session pass
 * for the live, studio and ranking figures without the test waiting for them. Only an admin may; the
 * first account of a server is one.
 */
export async function advanceClock(server: SpawnedServer, admin: OnAirClient, ms: number): Promise<void> {
  const res = await fetch(`${server.url}/api/v1/test/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
    body: JSON.stringify({ advanceMs: ms }),
  });
  if (!res.ok) throw new Error(`moving the test clock failed: ${res.status} ${await res.text()}`);
}

export interface SdkViewer {
  api: OnAirClient;
  rt: OnAirRealtime;
}

/** A new viewer on the SDK, signed up with a bearer token and connected to the real gateway. */
export async function viewer(server: SpawnedServer, handle: string): Promise<SdkViewer> {
  const api = new OnAirClient({ baseUrl: server.url });
  await api.signup({ handle, password: 'password123' }, { bearer: true });
  const token = api.token;
  class AuthedWebSocket extends WebSocket {
    constructor(url: string) {
      super(url, { headers: { authorization: `Bearer ${token}` } });
    }
  }
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  const rt = new OnAirRealtime({
    url: api.realtimeUrl(),
    WebSocketImpl: AuthedWebSocket as unknown as typeof globalThis.WebSocket,
    onFrame: () => undefined,
    onStatus: (s) => s === 'open' && open(),
  });
  await opened;
  return { api, rt };
}

export interface StudioStage {
  server: SpawnedServer;
  browser: Browser;
  /** A page signed in as the creator (the server's first account, so also its admin). */
  studio: Page;
}

/**
 * What a studio spec starts from: a server on the test clock (plus `env`), chromium, and a page
 * signed in as `handle`, the server's first account and so its admin.
 */
export async function studioStage(
  handle: string,
  viewport: { width: number; height: number },
  env: Record<string, string> = {},
): Promise<StudioStage> {
  const server = await spawnServer({ TEST_CLOCK: 'on', ...env });
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const studio = await (await signedInContext(browser, server, handle, viewport)).newPage();
    return { server, browser, studio };
  } catch (err) {
    // The spec's afterAll never saw these: close them here rather than leave a server running.
    await browser?.close();
    await server.stop();
    throw err;
  }
}

/** A creator account ready to go LIVE: signed up, promoted, its room titled; with its stream key. */
export async function newCreator(
  server: SpawnedServer,
  handle: string,
  room: Parameters<OnAirClient['updateRoom']>[0],
): Promise<{ api: OnAirClient; streamKey: string }> {
  const api = new OnAirClient({ baseUrl: server.url });
  await api.signup({ handle, password: 'password123' }, { bearer: true });
  await api.becomeCreator();
  const { ingest } = await api.updateRoom(room);
  return { api, streamKey: ingest.streamKey };
}

export interface MultiPush {
  /** Resolves with ffmpeg's exit code once it is gone. */
  readonly exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

const multiPushers = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * One encoder publishing one small test pattern to many rooms at once (ffmpeg's tee muxer): every
 * room gets an RTMP publish of its own with its own stream key, exactly what the ingest sees from
 * OBS, for the price of one encode. Measured on the 2-core CI machine, 10 s of a 180x320 pattern to
 * 29 rooms: one tee'd ffmpeg 0.1 s of CPU and 22 MB; 30 ffmpeg processes 2.9 s and ~15 MB each.
 */
export function pushToRooms(
  server: SpawnedServer,
  streamKeys: readonly string[],
  opts: { width?: number; height?: number; fps?: number } = {},
): MultiPush {
  const { width = 180, height = 320, fps = 5 } = opts;
  // A slave that fails (a room whose publish was refused) must not end the others' streams.
  const outputs = streamKeys
    .map((key) => `[f=flv:onfail=ignore:flvflags=no_duration_filesize]${server.rtmpUrl}/${key}`)
    .join('|');
  const child = spawn(
    resolveFfmpeg(),
    [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin'],
      ...['-re', '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`, '-map', '0:v'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p'],
      // A keyframe every second: a room's thumbnail (and a player) starts from one.
      ...['-g', String(fps), '-keyint_min', String(fps), '-sc_threshold', '0', '-b:v', '150k'],
      ...['-f', 'tee', outputs],
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d).slice(-4000);
  });
  multiPushers.add(child);
  // Killed with the test process if a spec never got to stop() (ffmpeg would go on pushing).
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of multiPushers) c.kill('SIGKILL');
    });
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      multiPushers.delete(child);
      if (code !== 0 && code !== 255 && code !== null)
        console.warn(`multi-room pusher exited ${code}: ${stderr}`);
      resolve(code);
    });
  });
  return {
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      // The 2018 static ffmpeg can ignore SIGTERM while a connection stalls.
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
