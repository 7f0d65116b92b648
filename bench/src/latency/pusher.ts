import { spawn } from 'node:child_process';
import { drawCode, makeBackgrounds } from './frame-code.ts';

export interface CodedPusherOptions {
  ffmpegPath: string;
  rtmpUrl: string;
  width: number;
  height: number;
  fps: number;
  videoKbps: number;
}

export interface CodedPusher {
  /** When frame N was written to the encoder's stdin (performance.now() ms); NaN if it was dropped. */
  readonly sentAt: number[];
  readonly startedAt: number;
  /** Frames skipped because the encoder had not taken the previous one (CPU starved). */
  droppedFrames(): number;
  stop(): Promise<void>;
}

/**
 * An encoder fed frame by frame from here, at real-time pace: each frame carries its index, and the
 * moment it is handed to ffmpeg is logged. That moment stands in for "captured by the camera".
 * ffmpeg encodes like a streamer's encoder would (x264 veryfast/zerolatency, a keyframe a second,
 * AAC tone) and publishes over RTMP.
 */
export function pushCodedFrames(options: CodedPusherOptions): CodedPusher {
  const { width, height, fps, videoKbps } = options;
  const backgrounds = makeBackgrounds(width, height);
  const child = spawn(
    options.ffmpegPath,
    [
      ...['-hide_banner', '-loglevel', 'error'],
      // Timestamps from the clock, not the frame count: frames dropped below keep the timeline true.
      ...['-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${width}x${height}`, '-framerate', String(fps)],
      ...['-use_wallclock_as_timestamps', '1', '-i', 'pipe:0'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-map', '0:v', '-map', '1:a'],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p'],
      ...['-force_key_frames', 'expr:gte(t,n_forced*1)', '-g', String(fps * 2), '-sc_threshold', '0'],
      ...['-b:v', `${videoKbps}k`, '-maxrate', `${videoKbps}k`, '-bufsize', `${videoKbps}k`],
      ...['-c:a', 'aac', '-b:a', '96k', '-ar', '44100'],
      ...['-flush_packets', '1', '-f', 'flv', '-flvflags', 'no_duration_filesize', options.rtmpUrl],
    ],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  child.stdin.on('error', () => {});
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const sentAt: number[] = [];
  const startedAt = performance.now();
  const frameMs = 1000 / fps;
  let dropped = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;

  const frameBytes = width * height * 1.5;
  const sendNext = () => {
    if (stopped) return;
    const index = sentAt.length;
    if (child.stdin.writableLength >= frameBytes) {
      // The encoder has not taken the last frame yet: skip this one, as a live encoder does when
      // the machine is overloaded, instead of queueing delay that would count as latency forever.
      dropped++;
      sentAt.push(Number.NaN);
    } else {
      const frame = Buffer.from(backgrounds[index % backgrounds.length]!);
      drawCode(frame, width, index);
      sentAt.push(performance.now());
      child.stdin.write(frame);
    }
    // Scheduled against the start, not the previous frame, so timer jitter does not accumulate.
    const due = startedAt + (index + 1) * frameMs;
    timer = setTimeout(sendNext, Math.max(0, due - performance.now()));
  };
  sendNext();
  void exited.then(() => {
    if (!stopped) {
      stopped = true;
      if (timer) clearTimeout(timer);
      console.error(`  pusher exited early: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    }
  });

  return {
    sentAt,
    startedAt,
    droppedFrames: () => dropped,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      child.stdin.end();
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(killer);
    },
  };
}
