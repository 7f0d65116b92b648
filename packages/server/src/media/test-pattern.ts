import { existsSync } from 'node:fs';
import pino, { type Logger } from 'pino';
import { type FfmpegExit, type FfmpegProcess, spawnFfmpeg } from './ffmpeg.ts';

export interface TestPatternOptions {
  ffmpegPath: string;
  /** rtmp://127.0.0.1:1935/live/<stream key> */
  rtmpUrl: string;
  width: number;
  height: number;
  fps: number;
  /** Stops by itself after this long; unset: runs until stop(). */
  durationS?: number;
  audio: boolean;
  /** A line of text burnt into the picture (a creator's name in `onair demo`). */
  label?: string;
  videoKbps?: number;
  log?: Logger;
}

export interface TestPattern {
  readonly process: FfmpegProcess;
  /** Resolves when ffmpeg exits: after durationS, on stop(), or when the server hangs up. */
  readonly exited: Promise<FfmpegExit>;
  stop(): Promise<FfmpegExit>;
}

// drawtext needs a font file (the static npm ffmpeg has no fontconfig): the first of these that exists.
const FONT_FILES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/System/Library/Fonts/Supplemental/Arial.ttf',
  '/Library/Fonts/Arial.ttf',
  'C:/Windows/Fonts/arial.ttf',
];

// Quotes, colons, backslashes and % all mean something to the filtergraph or to drawtext: a label
// is plain words, so everything else is dropped rather than escaped through two layers.
const plainLabel = (text: string) => text.replace(/[^\p{L}\p{N} _.,!?@#&()+-]/gu, '').slice(0, 80);

/**
 * The video filter: testsrc2 with the wall clock, the stream time and the frame number burnt in (and
 * the label), or, without a usable font, plain testsrc, which draws its own frame counter.
 */
export function testPatternFilter(width: number, label?: string): { source: string; filter: string } {
  const font = FONT_FILES.find((f) => existsSync(f));
  if (!font) return { source: 'testsrc', filter: 'format=yuv420p' };
  const size = Math.max(12, Math.round(width / 24));
  const box = `fontfile='${font.replace(/:/g, '\\:')}':fontsize=${size}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=6`;
  const clock = `drawtext=${box}:x=10:y=10:text='%{localtime}  %{pts\\:hms}  #%{n}'`;
  const parts = [clock];
  if (label) parts.push(`drawtext=${box}:x=10:y=h-th-16:text='${plainLabel(label)}'`);
  parts.push('format=yuv420p');
  return { source: 'testsrc2', filter: parts.join(',') };
}

/**
 * Pushes a live test pattern (and a 440 Hz tone) to an RTMP URL the way an encoder would: real-time
 * pace, x264 veryfast/zerolatency, a keyframe every second, AAC. Used by `onair demo`, tests, benches.
 */
export function pushTestPattern(options: TestPatternOptions): TestPattern {
  const { width, height, fps } = options;
  const { source, filter } = testPatternFilter(width, options.label);
  const kbps = options.videoKbps ?? Math.max(300, Math.round((width * height * fps) / 15_000));
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin'];
  args.push('-re', '-f', 'lavfi', '-i', `${source}=size=${width}x${height}:rate=${fps}`);
  if (options.audio) args.push('-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100');
  if (options.durationS !== undefined) args.push('-t', String(options.durationS));
  args.push('-vf', filter);
  args.push(
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p'],
    ...['-g', String(fps), '-keyint_min', String(fps), '-sc_threshold', '0'],
    ...['-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${kbps}k`],
  );
  if (options.audio) args.push('-c:a', 'aac', '-b:a', '96k', '-ar', '44100', '-ac', '2');
  args.push('-flush_packets', '1', '-f', 'flv', '-flvflags', 'no_duration_filesize', options.rtmpUrl);

  const proc = spawnFfmpeg({
    path: options.ffmpegPath,
    args,
    log: options.log ?? pino({ level: 'silent' }),
    label: 'test-pattern',
  });
  return {
    process: proc,
    exited: proc.exited,
    stop: () => proc.stop({ graceMs: 2000 }),
  };
}
