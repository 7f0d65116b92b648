import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/onair.js', import.meta.url));

export interface SpawnedServer {
  url: string;
  /** rtmp://127.0.0.1:<port>/live — append a stream key to publish. */
  rtmpUrl: string;
  dataDir: string;
  child: ChildProcess;
  logs(): string;
  /** SIGTERM, wait for exit, remove the data dir (unless kept); resolves to the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, as a crash would, and wait for exit; resolves to the signal it died of. The data dir stays. */
  kill(): Promise<NodeJS.Signals | null>;
}

/**
 * Starts the real `onair serve` as a child process on a free port and an embedded database of its
 * own (DATABASE_URL/REDIS_URL from the outer environment are not passed on unless given in `env`),
 * as `npm start` does. Used by the CLI test, e2e and benchmarks.
 */
export async function spawnServer(
  env: Record<string, string> = {},
  options: { keepDataDir?: boolean; startTimeoutMs?: number } = {},
): Promise<SpawnedServer> {
  const dataDir = env.DATA_DIR ?? (await mkdtemp(path.join(tmpdir(), 'onair-srv-')));
  const inherited: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && k !== 'DATABASE_URL' && k !== 'REDIS_URL' && k !== 'PORT') inherited[k] = v;
  }
  const rtmpPort = env.RTMP_PORT ?? String(await freePort());
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: {
      ...inherited,
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...env,
      RTMP_PORT: rtmpPort,
    },
    stdio: 'pipe',
  });
  let output = '';
  const collect = (d: Buffer) => {
    output += d;
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const signalled = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, s) => resolve(s)),
  );

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start:\n${output}`)),
      options.startTimeoutMs ?? 60_000,
    );
    child.stdout.on('data', () => {
      const m = /OnAir is up at (\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace('//localhost', '//127.0.0.1'));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });

  return {
    url,
    rtmpUrl: `rtmp://127.0.0.1:${rtmpPort}/live`,
    dataDir,
    child,
    logs: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const code = await exited;
      if (!options.keepDataDir) await rm(dataDir, { recursive: true, force: true });
      return code;
    },
    async kill() {
      child.kill('SIGKILL');
      return signalled;
    },
  };
}

/** A TCP port nothing listens on right now (the OS picks it; the tiny race is fine for tests). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
