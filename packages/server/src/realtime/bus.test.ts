import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../test/backends.ts';
import { type Bus, createInProcessBus, createRedisBus } from './bus.ts';

const backends: [string, () => { bus: Bus; other: Bus; close(): Promise<void> }][] = [
  [
    'in-process',
    () => {
      const bus = createInProcessBus();
      return { bus, other: bus, close: () => bus.close() };
    },
  ],
];
const url = testRedisUrl();
if (url) {
  backends.push([
    'redis',
    () => {
      // Two connections stand in for two nodes.
      const a = new Redis(url);
      const b = new Redis(url);
      const bus = createRedisBus(a);
      const other = createRedisBus(b);
      return {
        bus,
        other,
        close: async () => {
          await bus.close();
          await other.close();
          await a.quit();
          await b.quit();
        },
      };
    },
  ]);
}

const nextMessage = (bus: Bus, topic: string) =>
  new Promise<unknown>((resolve) => {
    void bus.subscribe(topic, resolve);
  });

describe.each(backends)('%s bus', (_name, make) => {
  const env = make();
  afterAll(() => env.close());
  const topic = (t: string) => `test:${Math.random().toString(36).slice(2)}:${t}`;

  it('delivers a message published on one node to a subscriber on another, in order', async () => {
    const t = topic('order');
    const got: unknown[] = [];
    const done = new Promise<void>((resolve) => {
      void env.other
        .subscribe(t, (m) => {
          got.push(m);
          if (got.length === 50) resolve();
        })
        .then(async () => {
          for (let i = 0; i < 50; i++) await env.bus.publish(t, { i });
        });
    });
    await done;
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => ({ i })));
  });

  it('stops delivering after unsubscribe and keeps other handlers on the topic', async () => {
    const t = topic('unsub');
    const a: unknown[] = [];
    const b: unknown[] = [];
    const offA = await env.other.subscribe(t, (m) => a.push(m));
    await env.other.subscribe(t, (m) => b.push(m));
    await offA();
    const seen = nextMessage(env.other, t);
    await env.bus.publish(t, 'x');
    await seen;
    expect(a).toEqual([]);
    expect(b).toEqual(['x']);
  });
});
