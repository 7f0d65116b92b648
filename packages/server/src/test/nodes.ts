import { Redis } from 'ioredis';
import { type Bus, createInProcessBus, createRedisBus } from '../realtime/bus.ts';
import { testRedisUrl } from './backends.ts';

/** What two app nodes share: a bus between them (and each its own Redis connection, on Redis). */
export interface Nodes {
  buses: [Bus, Bus];
  redis: [Redis | undefined, Redis | undefined];
  close(): Promise<void>;
}

/** The backends a two-node test runs on: one in-process bus always, Redis too when REDIS_URL is set (required in CI). */
export function twoNodeBackends(): { name: string; make(): Nodes }[] {
  const backends: { name: string; make(): Nodes }[] = [
    {
      name: 'in-process',
      make() {
        const bus = createInProcessBus();
        return { buses: [bus, bus], redis: [undefined, undefined], close: () => bus.close() };
      },
    },
  ];
  const url = testRedisUrl();
  if (url) {
    backends.push({
      name: 'redis',
      make() {
        const a = new Redis(url);
        const b = new Redis(url);
        const busA = createRedisBus(a);
        const busB = createRedisBus(b);
        return {
          buses: [busA, busB],
          redis: [a, b],
          close: async () => {
            await busA.close();
            await busB.close();
            await a.quit();
            await b.quit();
          },
        };
      },
    });
  }
  return backends;
}
