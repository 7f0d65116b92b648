import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ChildHandle, spawnChild } from './child.ts';
import { type SharedBackends, startOnAirRoom } from './onair.ts';
import { onAirPublisher, socketIoPublisher } from './publishers.ts';
import { type Config, openRunner, PUBLISHER_ACCOUNTS, type Runner, type TargetSetup } from './steps.ts';

const SOCKET_IO_SERVER = fileURLToPath(new URL('./socketio-server.ts', import.meta.url));
export const SOCKET_IO_VERSION = (
  JSON.parse(readFileSync(fileURLToPath(import.meta.resolve('socket.io/package.json')), 'utf8')) as {
    version: string;
  }
).version;

export type Cleanups = Array<() => Promise<unknown>>;

export async function setUpOnAir(
  nodes: 1 | 2,
  shared: SharedBackends | undefined,
  env: Record<string, string>,
  config: Config,
  cleanups: Cleanups,
): Promise<TargetSetup> {
  const room = await startOnAirRoom({
    nodes,
    publishers: PUBLISHER_ACCOUNTS,
    env,
    log: config.log,
    ...(shared ? { shared } : {}),
  });
  cleanups.push(() => room.stop());
  const publisher = onAirPublisher(() => room.wsUrls[0]!, room.tokens, room.room);
  cleanups.push(() => publisher.close());
  return {
    label: nodes === 1 ? 'OnAir' : 'OnAir ×2',
    mode: 'onair',
    urls: room.wsUrls,
    room: room.room,
    publisher,
    pids: room.pids,
  };
}

export async function setUpSocketIo(
  nodes: 1 | 2,
  redisUrl: string | undefined,
  config: Config,
  cleanups: Cleanups,
): Promise<TargetSetup> {
  const env: Record<string, string> = { REDIS_URL: redisUrl ?? '' };
  if (redisUrl) env.ADAPTER_KEY = `bench-fanout-${process.pid}-${Date.now()}`;
  const children: ChildHandle[] = [];
  const urls: string[] = [];
  for (let i = 0; i < nodes; i++) {
    const child = spawnChild(SOCKET_IO_SERVER, [], { env });
    children.push(child);
    cleanups.push(() => child.stop());
    urls.push(`http://127.0.0.1:${(await child.next('listening', 30_000)).port}`);
  }
  config.log(
    `socket.io ${SOCKET_IO_VERSION} ×${nodes} at ${urls.join(', ')}${redisUrl ? ' (@socket.io/redis-adapter)' : ''}`,
  );
  const publisher = socketIoPublisher(() => urls[0]!, 'bench-room');
  cleanups.push(() => publisher.close());
  return {
    label: nodes === 1 ? 'Socket.IO' : 'Socket.IO ×2',
    mode: 'socketio',
    urls,
    room: 'bench-room',
    publisher,
    pids: children.map((c) => c.child.pid!).filter(Boolean),
  };
}

/**
 * Starts the targets' servers and connects their viewers, all at once (setup time is not measured),
 * registering every cleanup even when one of them fails.
 */
export async function openTargets(
  setups: Array<{ start: () => Promise<TargetSetup>; execArgv?: string[] }>,
  config: Config,
  cleanups: Cleanups,
): Promise<Runner[]> {
  const settled = await Promise.allSettled(
    setups.map(async ({ start, execArgv }) => {
      const runner = await openRunner(await start(), config, execArgv);
      cleanups.push(() => runner.stop());
      return runner;
    }),
  );
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<Runner>).value);
}
