import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pino from 'pino';
import type { IngestHooks, PublishRequest, StreamInfo, UnpublishReason } from './ingest.ts';

/** Helpers for the media tests (not a test file itself). */

export const quietLog = () => pino({ level: process.env.MEDIA_TEST_LOG ?? 'silent' });

export { freePort } from '../testing/spawn-server.ts';

/** `promise`'s value, or `fallback` once `ms` have passed without one: a deadline, never a wait. */
export async function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** In-test stand-in for the live domain: authorizes known keys, records every call. */
export function recordingHooks(keys: Record<string, string>) {
  const calls = {
    authorize: [] as PublishRequest[],
    published: [] as Array<{ streamId: string; info: StreamInfo }>,
    unpublished: [] as Array<{ streamId: string; reason: UnpublishReason }>,
  };
  const hooks: IngestHooks = {
    async authorizePublish(req) {
      calls.authorize.push(req);
      const streamId = keys[req.name.split('~')[0]!];
      return streamId ? { streamId } : null;
    },
    published(streamId, info) {
      calls.published.push({ streamId, info });
    },
    unpublished(streamId, reason) {
      calls.unpublished.push({ streamId, reason });
    },
  };
  return { hooks, calls };
}

export interface ProbedStream {
  codec_name: string;
  codec_type: string;
  width?: number;
  height?: number;
}

/** ffprobe a URL or file: its streams, after decoding a few frames to be sure they decode. */
export async function probe(ffprobe: string, url: string, timeoutMs = 15_000): Promise<ProbedStream[]> {
  const { stdout } = await promisify(execFile)(
    ffprobe,
    ['-v', 'error', '-read_intervals', '%+#5', '-count_frames', '-show_streams', '-of', 'json', url],
    { timeout: timeoutMs },
  );
  const streams = (JSON.parse(stdout) as { streams: Array<ProbedStream & { nb_read_frames?: string }> })
    .streams;
  for (const s of streams) {
    if (s.codec_type === 'video' && Number(s.nb_read_frames ?? 0) < 1) {
      throw new Error(`${url}: no decodable video frame`);
    }
  }
  return streams;
}

/** Processes named ffmpeg that are children of this process (tests must not leave any behind). */
export async function ffmpegChildren(): Promise<string[]> {
  try {
    const { stdout } = await promisify(execFile)('pgrep', ['-a', '-P', String(process.pid)]);
    return stdout
      .split('\n')
      .filter((l) => /ffmpeg|ffprobe/.test(l))
      .map((l) => l.trim());
  } catch {
    return [];
  }
}
