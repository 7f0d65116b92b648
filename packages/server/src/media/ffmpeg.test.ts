import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { eventually } from '../test/eventually.ts';
import { findOnPath, resolveFfmpeg, resolveFfprobe, spawnFfmpeg } from './ffmpeg.ts';
import { quietLog } from './test-support.ts';

/** A stand-in "ffmpeg": node running a script, so the tests control how it behaves. */
const fake = (script: string) => ({ path: process.execPath, args: ['-e', script] });

describe('ffmpeg binaries', () => {
  it('prefers FFMPEG_PATH, then PATH, then the npm static build', async () => {
    expect(resolveFfmpeg('/opt/ffmpeg/bin/ffmpeg')).toBe('/opt/ffmpeg/bin/ffmpeg');
    // An executable called ffmpeg in a directory of our own: only the lookup is under test here.
    const dir = await mkdtemp(path.join(tmpdir(), 'onair-path-'));
    try {
      await writeFile(path.join(dir, 'ffmpeg'), '#!/bin/sh\n', { mode: 0o755 });
      expect(resolveFfmpeg(undefined, `/nonexistent:${dir}`)).toBe(path.join(dir, 'ffmpeg'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(resolveFfmpeg(undefined, '/nonexistent')).toMatch(/@ffmpeg-installer\/.+\/ffmpeg$/);
    expect(findOnPath('ffmpeg', '')).toBeNull();
    expect(resolveFfprobe()).toMatch(/ffprobe$/);
  });
});

describe('spawnFfmpeg', () => {
  it('kills a process that ignores SIGTERM once the grace period is over', async () => {
    const proc = spawnFfmpeg({
      ...fake("process.on('SIGTERM', () => {}); console.error('ready'); setInterval(() => {}, 1000)"),
      log: quietLog(),
      label: 'stubborn',
    });
    // Its SIGTERM handler is installed before it says so.
    await eventually('the process to be ready', () => proc.stderrTail().includes('ready'));
    const started = Date.now();
    const exit = await proc.stop({ graceMs: 300 });
    expect(exit.signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(proc.stderrTail()).toEqual(['ready']);
  });

  it('ends a stdin-fed process with EOF, without signals', async () => {
    const proc = spawnFfmpeg({
      ...fake("process.stdin.resume(); process.stdin.on('end', () => process.exit(0))"),
      log: quietLog(),
      label: 'reader',
      stdin: true,
    });
    proc.stdin!.write('some bytes');
    expect(await proc.stop({ eof: true, graceMs: 5000 })).toEqual({ code: 0, signal: null });
  });

  it('reports a binary that does not exist instead of throwing', async () => {
    const proc = spawnFfmpeg({ path: '/nonexistent/ffmpeg', args: [], log: quietLog(), label: 'missing' });
    expect(await proc.exited).toEqual({ code: null, signal: null });
    expect(await proc.stop()).toEqual({ code: null, signal: null });
  });

  it('logs stderr lines at debug, error lines at warn (a few per window), and an unexpected exit', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
        done();
      },
    });
    const log = pino({ level: 'debug' }, sink);
    const proc = spawnFfmpeg({
      ...fake(
        "console.error('Input #0, flv'); for (let i = 0; i < 8; i++) console.error('Error while decoding MB ' + i); process.exit(1)",
      ),
      log,
      label: 'noisy',
    });
    await proc.exited;
    const at = (level: number) => lines.filter((l) => l.level === level).map((l) => l.msg);
    // stderr may still be being read after the exit is seen: wait for its last line.
    await eventually('all of stderr', () => proc.stderrTail().includes('Error while decoding MB 7'));
    expect(at(40)).toContain('ffmpeg (noisy) exited');
    expect(at(20)).toContain('Input #0, flv');
    expect(at(40).filter((m) => m.startsWith('Error while decoding'))).toHaveLength(5);
  });
});
