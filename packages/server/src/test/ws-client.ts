import { WebSocket } from 'ws';

export type Frame = { type: string; [k: string]: unknown };

/** A WebSocket client that queues frames so a test can await "the next frame of type X". */
export async function connect(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, { headers });
  const frames: Frame[] = [];
  const waiters: { types: string[]; resolve: (f: Frame) => void }[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Frame;
    const i = waiters.findIndex((w) => w.types.includes(frame.type));
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(frame);
    else frames.push(frame);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    /** The next frame of `type` (or of any of several types, given as "ack|error"). */
    next(type: string, timeoutMs = 5000): Promise<Frame> {
      const types = type.split('|');
      const i = frames.findIndex((f) => types.includes(f.type));
      if (i >= 0) return Promise.resolve(frames.splice(i, 1)[0]!);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${type} frame within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          types,
          resolve: (f) => {
            clearTimeout(timer);
            resolve(f);
          },
        });
      });
    },
    closed: () => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code))),
  };
}
