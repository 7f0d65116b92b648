import { spawn } from 'node:child_process';
import { readCode, STRIP } from './frame-code.ts';

export interface Arrival {
  index: number;
  /** performance.now() ms when the decoded frame reached us. */
  at: number;
}

export interface CodedReader {
  readonly frames: Arrival[];
  readonly startedAt: number;
  /** Frames whose code did not read back (corrupt or misdecoded). */
  unreadable(): number;
  /** Rejects if no frame decodes within timeoutMs (a stalled stream must not hang the bench). */
  firstFrame(timeoutMs?: number): Promise<Arrival>;
  stop(): Promise<void>;
}

/**
 * A viewer that decodes: ffmpeg reads the URL (HTTP-FLV or HLS) like a player's demuxer and decoder
 * would, crops the code strip out of every picture and hands it over at once. A short probe (a player
 * does not probe at all), one decoder thread (frame threads would hold frames back), and no
 * -fflags nobuffer: it drops the packets read while probing, the first keyframe among them, and the
 * viewer then waits up to a second for the next one.
 */
export function readCodedFrames(ffmpegPath: string, url: string, inputArgs: string[] = []): CodedReader {
  const frameBytes = STRIP.width * STRIP.height;
  const startedAt = performance.now();
  const child = spawn(
    ffmpegPath,
    [
      ...['-hide_banner', '-loglevel', 'error', '-flags', 'low_delay', '-threads', '1'],
      // The loop filter only smooths block edges: skipping it saves decode time, the code reads the same.
      ...['-skip_loop_filter', 'all', ...inputArgs],
      // HLS segments arrive whole, so a generous probe costs no time (a small one can miss the video
      // stream of a segment); an FLV stream arrives as it is made, so its probe must stay short.
      ...(url.endsWith('.m3u8')
        ? ['-probesize', '2000000', '-analyzeduration', '1000000']
        : ['-probesize', '32768', '-analyzeduration', '100000']),
      ...['-i', url, '-an', '-sn'],
      // Each decoded picture once, as it comes: a constant-rate output would repeat pictures.
      ...['-vsync', '0'],
      ...['-vf', `crop=${STRIP.width}:${STRIP.height}:${STRIP.x}:${STRIP.y},format=gray`],
      ...['-f', 'rawvideo', '-flush_packets', '1', 'pipe:1'],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-500);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const frames: Arrival[] = [];
  let unreadable = 0;
  let pending: Buffer = Buffer.alloc(0);
  let notifyFirst: ((a: Arrival) => void) | null = null;
  const first = new Promise<Arrival>((resolve) => {
    notifyFirst = resolve;
  });

  child.stdout.on('data', (chunk: Buffer) => {
    const at = performance.now();
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= frameBytes) {
      const index = readCode(pending.subarray(0, frameBytes));
      pending = pending.subarray(frameBytes);
      if (index === null) {
        unreadable++;
        continue;
      }
      const arrival = { index, at };
      frames.push(arrival);
      if (notifyFirst) {
        notifyFirst(arrival);
        notifyFirst = null;
      }
    }
  });

  return {
    frames,
    startedAt,
    unreadable: () => unreadable,
    firstFrame: (timeoutMs = 15_000) => {
      const failure = (why: string) => new Error(`no decodable frame from ${url}: ${why} ${stderr.trim()}`);
      return Promise.race([
        first,
        // ffmpeg giving up (no stream found, connection refused) is an answer too.
        exited.then(() => {
          if (frames.length === 0) throw failure('ffmpeg exited');
          return first;
        }),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(failure(`none within ${timeoutMs} ms`)), timeoutMs).unref(),
        ),
      ]);
    },
    async stop() {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Latency of each frame as it reached the viewer: arrival minus the moment it was sent. */
export function arrivalLatencies(frames: Arrival[], sentAt: number[], after = 0): number[] {
  return frames
    .filter((f) => f.at >= after && Number.isFinite(sentAt[f.index]))
    .map((f) => f.at - sentAt[f.index]!);
}

/**
 * Latency as a player shows it: it starts presenting at the first frame it has and then plays in real
 * time, never faster (no catching up), waiting when a frame is late (a stall). This is what an HLS
 * player that starts three segments back, or an FLV player without latency chasing, looks like.
 */
export function playbackLatencies(frames: Arrival[], sentAt: number[], fps: number, after = 0): number[] {
  const frameMs = 1000 / fps;
  const out: number[] = [];
  let shownAt = Number.NEGATIVE_INFINITY;
  let lastIndex = -1;
  for (const f of frames) {
    if (f.index <= lastIndex || !Number.isFinite(sentAt[f.index])) continue;
    shownAt = lastIndex < 0 ? f.at : Math.max(shownAt + (f.index - lastIndex) * frameMs, f.at);
    lastIndex = f.index;
    if (f.at >= after) out.push(shownAt - sentAt[f.index]!);
  }
  return out;
}
