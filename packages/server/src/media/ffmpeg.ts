import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from 'pino';

const require = createRequire(import.meta.url);

/** The first executable `name` on PATH, like `which`. */
export function findOnPath(name: string, envPath = process.env.PATH ?? ''): string | null {
  const exts = process.platform === 'win32' ? ['.exe', ''] : [''];
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      try {
        accessSync(candidate, constants.X_OK);
        if (statSync(candidate).isFile()) return candidate;
      } catch {
        // not here
      }
    }
  }
  return null;
}

/**
 * FFMPEG_PATH if set, else ffmpeg on PATH (a distribution build: current, with fonts), else the static
 * build shipped by @ffmpeg-installer (always there, but a 2018 version).
 */
export function resolveFfmpeg(configured?: string, envPath = process.env.PATH ?? ''): string {
  if (configured) return configured;
  const onPath = findOnPath('ffmpeg', envPath);
  if (onPath) return onPath;
  return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
}

/** ffprobe for tests and benchmarks: /usr/bin or PATH, else the @ffprobe-installer dev dependency. */
export function resolveFfprobe(): string {
  const onPath = findOnPath('ffprobe');
  if (onPath) return onPath;
  return (require('@ffprobe-installer/ffprobe') as { path: string }).path;
}

/** The first line of `ffmpeg -version`; rejects with a readable error when the binary does not run. */
export function ffmpegVersion(ffmpegPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(ffmpegPath, ['-hide_banner', '-version'], { timeout: 10_000 }, (err, stdout) => {
      if (err) reject(new Error(`ffmpeg at ${ffmpegPath} does not run (${err.message}); set FFMPEG_PATH`));
      else resolve(stdout.split('\n')[0]?.trim() ?? 'ffmpeg');
    });
  });
}

export interface FfmpegExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface FfmpegProcess {
  readonly child: ChildProcess;
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  /** Resolves once the process is gone (also when it could not be started). */
  readonly exited: Promise<FfmpegExit>;
  /** True once stop() was called: the exit that follows is ours, not a failure. */
  readonly stopping: boolean;
  /** The last stderr lines, for an error report. */
  stderrTail(): string[];
  /**
   * Ends the process: closes stdin first when `eof` (ffmpeg then finishes its output cleanly), else
   * SIGTERM; SIGKILL if it is still there after the grace period. A stuck ffmpeg (the 2018 static
   * build especially) can ignore SIGTERM.
   */
  stop(options?: { eof?: boolean; graceMs?: number }): Promise<FfmpegExit>;
}

export interface SpawnFfmpegOptions {
  path: string;
  args: string[];
  log: Logger;
  /** What this process is for, in log lines ("hls", "thumbnail", "browser-ingest"). */
  label: string;
  stdin?: boolean;
  stdout?: boolean;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

// Children fed through a pipe die with their input; these (pushers, pullers) would not. If this
// process exits without stopping them, they are killed here rather than left behind.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

const ERROR_LINE = /error|invalid|failed|could not|cannot|unable|no such|refused|denied/i;
/** A corrupt input can make ffmpeg print an error per frame: at most this many reach warn per window. */
const WARN_BUDGET = 5;
const WARN_WINDOW_MS = 10_000;

export function spawnFfmpeg(options: SpawnFfmpegOptions): FfmpegProcess {
  const { log, label } = options;
  installExitHook();
  const child = spawn(options.path, options.args, {
    stdio: [options.stdin ? 'pipe' : 'ignore', options.stdout ? 'pipe' : 'ignore', 'pipe'],
  });
  running.add(child);
  // A write to an ffmpeg that just exited is an EPIPE on stdin: expected, and fatal if unhandled.
  child.stdin?.on('error', () => {});

  const tail: string[] = [];
  let warnWindowStart = 0;
  let warned = 0;
  if (child.stderr) {
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (!line.trim()) return;
      tail.push(line);
      if (tail.length > 20) tail.shift();
      const now = Date.now();
      if (now - warnWindowStart > WARN_WINDOW_MS) {
        warnWindowStart = now;
        warned = 0;
      }
      if (ERROR_LINE.test(line) && warned < WARN_BUDGET) {
        warned++;
        log.warn({ ffmpeg: label, childPid: child.pid }, line);
      } else {
        log.debug({ ffmpeg: label, childPid: child.pid }, line);
      }
    });
  }

  let stopping = false;
  const exited = new Promise<FfmpegExit>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      if (!stopping && code !== 0) {
        log.warn(
          { ffmpeg: label, childPid: child.pid, code, signal, stderr: tail.slice(-5) },
          `ffmpeg (${label}) exited`,
        );
      } else {
        log.debug({ ffmpeg: label, childPid: child.pid, code, signal }, `ffmpeg (${label}) exited`);
      }
      resolve({ code, signal });
    });
    child.once('error', (err) => {
      if (child.pid !== undefined) return;
      running.delete(child);
      log.error({ ffmpeg: label, err }, `ffmpeg (${label}) could not be started from ${options.path}`);
      resolve({ code: null, signal: null });
    });
  });
  log.debug(
    { ffmpeg: label, childPid: child.pid, args: options.args.join(' ') },
    `ffmpeg (${label}) started`,
  );

  const gone = () => child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
  const within = (ms: number) =>
    Promise.race([
      exited.then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), ms).unref()),
    ]);

  return {
    child,
    stdin: child.stdin,
    stdout: child.stdout,
    exited,
    get stopping() {
      return stopping;
    },
    stderrTail: () => [...tail],
    async stop({ eof = false, graceMs = 3000 } = {}) {
      stopping = true;
      if (gone()) return exited;
      if (eof && child.stdin) {
        // Possibly ended already (the stream's end closes a packager's input): still give it time.
        if (!child.stdin.writableEnded) child.stdin.end();
        if (await within(graceMs)) return exited;
      }
      child.kill('SIGTERM');
      if (await within(graceMs)) return exited;
      log.warn({ ffmpeg: label, childPid: child.pid }, `ffmpeg (${label}) ignored SIGTERM; killing it`);
      child.kill('SIGKILL');
      return exited;
    },
  };
}
