import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { type FfmpegProcess, spawnFfmpeg } from './ffmpeg.ts';
import type { IngestServer } from './ingest.ts';

export interface HlsPackagerOptions {
  ffmpegPath: string;
  /** ${DATA_DIR}/media/hls: one directory per live stream. */
  dir: string;
  log: Logger;
  ingest: Pick<IngestServer, 'attachFlv' | 'isLive'>;
  /** How long a finished stream's playlist and segments stay for players still draining them. */
  removeAfterMs?: number;
}

export interface HlsPackager {
  /** Removes what a previous run left behind (a crash leaves directories nobody deletes). */
  cleanup(): Promise<void>;
  start(streamId: string): Promise<void>;
  stop(streamId: string): Promise<void>;
  stopAll(): Promise<void>;
}

const MAX_RESTARTS = 3;
export const HLS_PLAYLIST = 'index.m3u8';
/** Segment names ffmpeg writes, and the only ones the routes serve. */
export const HLS_SEGMENT = /^seg\d{1,9}\.ts$/;

interface Packaging {
  dir: string;
  proc: FfmpegProcess | null;
  detach: (() => void) | null;
  restarts: number;
  stopped: boolean;
}

/**
 * Per live stream, an ffmpeg that reads the stream's FLV from its stdin (fed in-process by the ingest:
 * no network pull, so no -rw_timeout needed, and the end of the stream is a clean EOF that makes
 * ffmpeg write EXT-X-ENDLIST) and writes 1 s HLS segments without re-encoding.
 */
export function createHlsPackager(options: HlsPackagerOptions): HlsPackager {
  const { ingest, log } = options;
  const removeAfterMs = options.removeAfterMs ?? 30_000;
  const active = new Map<string, Packaging>();
  const removals = new Map<string, NodeJS.Timeout>();
  const stopping = new Set<Promise<unknown>>();
  /** Shutting down: finished streams' files go at once, not after the drain delay. */
  let closing = false;

  const args = (dir: string) => [
    ...['-hide_banner', '-loglevel', 'warning'],
    ...['-analyzeduration', '250000', '-f', 'flv', '-i', 'pipe:0'],
    ...['-map', '0', '-c', 'copy'],
    ...['-f', 'hls', '-hls_time', '1', '-hls_list_size', '6'],
    ...['-hls_flags', 'delete_segments+independent_segments+temp_file'],
    ...['-hls_segment_filename', path.join(dir, 'seg%d.ts')],
    path.join(dir, HLS_PLAYLIST),
  ];

  function launch(streamId: string, job: Packaging): void {
    const proc = spawnFfmpeg({
      path: options.ffmpegPath,
      args: args(job.dir),
      log,
      label: 'hls',
      stdin: true,
    });
    const stdin = proc.stdin!;
    const detach = ingest.attachFlv(streamId, {
      write: (chunk) => {
        stdin.write(chunk);
      },
      bufferedBytes: () => stdin.writableLength,
      end: () => stdin.end(),
    });
    if (!detach) {
      void proc.stop();
      return;
    }
    job.proc = proc;
    job.detach = detach;
    void proc.exited.then(() => {
      detach();
      if (job.stopped || !ingest.isLive(streamId)) return;
      if (job.restarts >= MAX_RESTARTS) {
        log.warn({ streamId }, 'HLS packaging keeps failing; this stream is FLV-only now');
        return;
      }
      job.restarts++;
      log.warn({ streamId, attempt: job.restarts }, 'HLS packager exited; restarting it');
      setTimeout(() => {
        if (!job.stopped) launch(streamId, job);
      }, 1000).unref();
    });
  }

  async function remove(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true }).catch((err) =>
      log.warn({ err, dir }, 'HLS cleanup failed'),
    );
  }

  return {
    async cleanup() {
      await mkdir(options.dir, { recursive: true });
      for (const entry of await readdir(options.dir)) await remove(path.join(options.dir, entry));
    },

    async start(streamId) {
      if (active.has(streamId)) return;
      const dir = path.join(options.dir, streamId);
      const job: Packaging = { dir, proc: null, detach: null, restarts: 0, stopped: false };
      active.set(streamId, job);
      clearTimeout(removals.get(streamId));
      await remove(dir);
      await mkdir(dir, { recursive: true });
      if (!job.stopped) launch(streamId, job);
    },

    async stop(streamId) {
      const job = active.get(streamId);
      if (!job) return;
      active.delete(streamId);
      job.stopped = true;
      const done = (async () => {
        // EOF first: ffmpeg then writes the last segment and EXT-X-ENDLIST, so players end cleanly.
        job.detach?.();
        await job.proc?.stop({ eof: true, graceMs: 3000 });
        if (closing) return remove(job.dir);
        const timer = setTimeout(() => {
          removals.delete(streamId);
          void remove(job.dir);
        }, removeAfterMs);
        timer.unref();
        removals.set(streamId, timer);
      })();
      stopping.add(done);
      await done;
      stopping.delete(done);
    },

    async stopAll() {
      closing = true;
      await Promise.all([...active.keys()].map((id) => this.stop(id)));
      await Promise.allSettled([...stopping]);
      for (const [id, timer] of removals) {
        clearTimeout(timer);
        removals.delete(id);
        await remove(path.join(options.dir, id));
      }
    },
  };
}
