import { Worker } from 'node:worker_threads';

/**
 * A worker thread that encrypts payloads for many subscriptions at once (encrypt-worker.mjs). A
 * result is the body to post, or the reason the subscription's keys could not be used.
 */
export interface Encryptor {
  encrypt(payload: string, targets: { p256dh: string; auth: string }[]): Promise<(Uint8Array | string)[]>;
  close(): Promise<void>;
}

export function createEncryptor(): Encryptor {
  let worker: Worker | null = null;
  let nextId = 0;
  const waiting = new Map<
    number,
    { resolve: (b: (Uint8Array | string)[]) => void; reject: (e: Error) => void }
  >();

  const start = () => {
    const w = new Worker(new URL('./encrypt-worker.mjs', import.meta.url));
    // An idle worker does not keep the process alive; one with work pending does.
    w.unref();
    w.on('message', ({ id, bodies }: { id: number; bodies: (Uint8Array | string)[] }) => {
      waiting.get(id)?.resolve(bodies);
      waiting.delete(id);
      if (waiting.size === 0) w.unref();
    });
    w.on('error', (err) => {
      for (const p of waiting.values()) p.reject(err);
      waiting.clear();
      worker = null;
    });
    return w;
  };

  return {
    encrypt(payload, targets) {
      worker ??= start();
      const w = worker;
      const id = nextId++;
      w.ref();
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        w.postMessage({ id, payload, targets });
      });
    },
    async close() {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}
