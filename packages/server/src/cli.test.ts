import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer } from './testing/spawn-server.ts';

const BIN = fileURLToPath(new URL('../bin/onair.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function onair(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...cleanEnv(), ...env }, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The CLI under test always runs on an embedded database of its own, whatever the outer environment says. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !['DATABASE_URL', 'REDIS_URL', 'PORT'].includes(k)) env[k] = v;
  return { ...env, LOG_LEVEL: 'warn' };
}

describe('onair CLI', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'onair-cli-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('--help lists the commands and every environment variable', async () => {
    const { code, stdout } = await onair(['--help']);
    expect(code).toBe(0);
    for (const word of [
      'serve',
      'migrate',
      'user',
      'demo',
      'PORT',
      'RTMP_PORT',
      'DATA_DIR',
      'DATABASE_URL',
      'REDIS_URL',
      'ROLES',
      'PUBLIC_URL',
      'SECRET_KEY',
    ]) {
      expect(stdout).toContain(word);
    }
  });

  it('stops with a message naming a bad variable', async () => {
    const { code, stderr } = await onair(['migrate'], { DATA_DIR: dataDir, PORT: 'not-a-port' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/PORT="not-a-port"/);
  });

  it('migrates, creates users, and refuses a duplicate handle', async () => {
    const env = { DATA_DIR: dataDir };
    const first = await onair(['migrate'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/applied: 0001_accounts, 0002_live_social/);
    expect((await onair(['migrate'], env)).stdout).toContain('up to date');

    const admin = await onair(['user', 'create', '--handle', 'Boss', '--password', 'password123'], env);
    expect(admin.code, admin.stderr).toBe(0);
    expect(admin.stdout).toMatch(/created @boss \(admin\)/);
    const creator = await onair(
      ['user', 'create', '--handle', 'maker', '--password', 'password123', '--role', 'creator'],
      env,
    );
    expect(creator.stdout).toMatch(/created @maker \(creator\)/);
    const dup = await onair(['user', 'create', '--handle', 'BOSS', '--password', 'password123'], env);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('@boss is taken');
    const bad = await onair(['user', 'create', '--handle', 'x', '--password', 'short'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/handle: .*password: /s);
    // Five cold starts of the CLI, each opening the embedded database from disk.
  }, 120_000);

  it('serves, then shuts down cleanly on SIGTERM', async () => {
    const server = await spawnServer({ DATA_DIR: dataDir, WEB_DIST: '/nonexistent' }, { keepDataDir: true });
    expect(server.logs()).toContain('2 account(s)');
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(await server.stop()).toBe(0);
  });
});
