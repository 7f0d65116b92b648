import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { spawnFfmpeg } from './ffmpeg.ts';
import type { IngestServer } from './ingest.ts';

export interface ThumbnailerOptions {
  ffmpegPath: string;
  /** ${DATA_DIR}/media/thumbs: <streamId>.jpg */
  dir: string;
  log: Logger;
  ingest: Pick<IngestServer, 'attachFlv'>;
  intervalS: number;
  /** The first grab, soon after going LIVE so the feed card has a picture. */
  firstDelayMs?: number;
  /** A new picture of streamId is at filePath. */
  onThumbnail(streamId: string, filePath: string): Promise<void> | void;
  /** ffmpeg decodes one frame per grab; this many at once is plenty on a small machine. */
  concurrency?: number;
  timeoutMs?: number;
}

export interface Thumbnailer {
  track(streamId: string): void;
  untrack(streamId: string): void;
  stopAll(): Promise<void>;
  /** Grabs one picture now; resolves to its path, or null when the stream has none to give. */
  grab(streamId: string): Promise<string | null>;
  pathFor(streamId: string): string;
}

export const THUMBNAIL_WIDTH = 360;

/**
 * Periodic stills of every live stream. Each grab attaches a short-lived ffmpeg to the stream's FLV:
 * it receives the cached GOP first, so it decodes a keyframe at once, writes one JPEG and exits.
 */
export function createThumbnailer(options: ThumbnailerOptions): Thumbnailer {
  const { ingest, log } = options;
  const concurrency = options.concurrency ?? 2;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const timers = new Map<string, NodeJS.Timeout>();
  const queue: string[] = [];
  const running = new Set<Promise<unknown>>();
  let stopped = false;

  const pathFor = (streamId: string) => path.join(options.dir, `${streamId}.jpg`);

  async function grab(streamId: string): Promise<string | null> {
    await mkdir(options.dir, { recursive: true });
    const final = pathFor(streamId);
    // Written aside and renamed, so a reader never gets half a JPEG.
    const tmp = path.join(options.dir, `${streamId}.tmp.jpg`);
    const proc = spawnFfmpeg({
      path: options.ffmpegPath,
      args: [
        ...['-hide_banner', '-loglevel', 'error'],
        ...['-analyzeduration', '250000', '-f', 'flv', '-i', 'pipe:0'],
        ...['-map', '0:v:0', '-frames:v', '1', '-vf', `scale=${THUMBNAIL_WIDTH}:-2`, '-q:v', '5'],
        ...['-f', 'image2', '-update', '1', '-y', tmp],
      ],
      log,
      label: 'thumbnail',
      stdin: true,
    });
    const stdin = proc.stdin!;
    const detach = ingest.attachFlv(streamId, {
      write: (chunk) => {
        if (!stdin.writableEnded) stdin.write(chunk);
      },
      bufferedBytes: () => stdin.writableLength,
      end: () => stdin.end(),
    });
    if (!detach) {
      await proc.stop();
      return null;
    }
    const timer = setTimeout(() => {
      log.warn({ streamId }, 'thumbnail grab timed out');
      void proc.stop({ graceMs: 1000 });
    }, timeoutMs);
    const exit = await proc.exited;
    clearTimeout(timer);
    detach();
    if (exit.code !== 0) {
      await rm(tmp, { force: true });
      return null;
    }
    await rename(tmp, final);
    try {
      await options.onThumbnail(streamId, final);
    } catch (err) {
      log.error({ err, streamId }, 'onThumbnail failed');
    }
    return final;
  }

  function pump(): void {
    while (!stopped && running.size < concurrency && queue.length > 0) {
      const streamId = queue.shift()!;
      if (!timers.has(streamId)) continue;
      const job = grab(streamId).catch((err) => log.warn({ err, streamId }, 'thumbnail grab failed'));
      running.add(job);
      void job.finally(() => {
        running.delete(job);
        pump();
      });
    }
  }

  function enqueue(streamId: string): void {
    if (!queue.includes(streamId)) queue.push(streamId);
    pump();
  }

  return {
    pathFor,
    grab,
    track(streamId) {
      if (stopped || timers.has(streamId)) return;
      const first = setTimeout(() => {
        enqueue(streamId);
        const every = setInterval(() => enqueue(streamId), options.intervalS * 1000);
        every.unref();
        timers.set(streamId, every);
      }, options.firstDelayMs ?? 2000);
      first.unref();
      timers.set(streamId, first);
    },
    untrack(streamId) {
      const timer = timers.get(streamId);
      // Clears either the first timeout or the interval: Node accepts both in either call.
      clearTimeout(timer);
      clearInterval(timer);
      timers.delete(streamId);
    },
    async stopAll() {
      stopped = true;
      for (const id of [...timers.keys()]) this.untrack(id);
      queue.length = 0;
      await Promise.allSettled([...running]);
    },
  };
}
