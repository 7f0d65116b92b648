import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';

/** Minimal keep-alive JSON POST (lighter than fetch, so the load generator steals less CPU). */
export function poster(baseUrl: string, maxSockets: number) {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets });
  return (pathname: string, token: string, body: object) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const payload = JSON.stringify(body);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: pathname,
          method: 'POST',
          agent,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d) => {
            text += d;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
}

/** One signed-in socket per wallet; gifts go out as `gift` frames and come back as `receipt`s by nonce. */
export async function giftSocket(baseUrl: string, token: string) {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/v1/ws`, {
    headers: { authorization: `Bearer ${token}` },
  });
  type Frame = { type: string; code?: string; message?: string };
  // Sends awaiting their answer, by nonce.
  const waiting = new Map<string, { resolve: (frame: Frame) => void; reject: (error: Error) => void }>();
  let nonce = 0;
  let lastSentAt = 0;
  socket.on('close', (code, reason) => {
    const error = new Error(`socket closed by the server: ${code} ${reason.toString()}`);
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  });
  socket.on('message', (data) => {
    const text = data.toString();
    if (!text.startsWith('{"type":"receipt"') && !text.startsWith('{"type":"error"')) return;
    const frame = JSON.parse(text) as Frame & { nonce?: string };
    if (!frame.nonce) return;
    waiting.get(frame.nonce)?.resolve(frame);
    waiting.delete(frame.nonce);
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return {
    socket,
    /** Keeps this gifter to one gift per `intervalMs`, under the gateway's flood limit. */
    async pace(intervalMs: number) {
      const wait = lastSentAt + intervalMs - performance.now();
      if (wait > 0) await sleep(wait);
      lastSentAt = performance.now();
    },
    send(body: object) {
      const n = `n${++nonce}`;
      return new Promise<Frame>((resolve, reject) => {
        if (socket.readyState !== socket.OPEN) {
          reject(new Error('socket closed'));
          return;
        }
        waiting.set(n, { resolve, reject });
        socket.send(JSON.stringify({ type: 'gift', nonce: n, ...body }));
      });
    },
  };
}
