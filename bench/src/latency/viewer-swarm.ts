import http from 'node:http';
import { createInterface } from 'node:readline';

/**
 * Many HTTP-FLV viewers in a process of their own (so their traffic does not delay the decoding
 * viewer that measures latency). Each reads its response like a player's network layer and counts
 * bytes; none decodes. Commands and answers are JSON lines on stdin/stdout:
 *   {"cmd":"set","n":200}     → {"event":"set","connected":200,"failed":0}
 *   {"cmd":"window","ms":5000} → {"event":"window","bytes":[…per viewer…],"closed":0}
 *
 * usage: node --import tsx viewer-swarm.ts <flvUrl>
 */

const url = process.argv[2] ?? '';
if (!url) throw new Error('usage: viewer-swarm.ts <flvUrl>');
const say = (message: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(message)}\n`);

interface Viewer {
  bytes: number;
  closed: boolean;
  request: http.ClientRequest;
}
const viewers: Viewer[] = [];

function open(): Promise<boolean> {
  return new Promise((resolve) => {
    const viewer: Viewer = { bytes: 0, closed: false, request: null as unknown as http.ClientRequest };
    viewer.request = http.get(url, { agent: false, timeout: 10_000 }, (res) => {
      viewer.request.setTimeout(0);
      if (res.statusCode !== 200) {
        res.resume();
        resolve(false);
        return;
      }
      viewers.push(viewer);
      res.on('data', (chunk: Buffer) => {
        viewer.bytes += chunk.length;
      });
      res.on('close', () => {
        viewer.closed = true;
      });
      resolve(true);
    });
    // No answer within 10 s counts as a refused viewer (the server is past its limit).
    viewer.request.on('timeout', () => viewer.request.destroy());
    viewer.request.on('error', () => {
      viewer.closed = true;
      resolve(false);
    });
  });
}

async function set(n: number): Promise<void> {
  let failed = 0;
  // In batches: a thousand simultaneous connects would measure the accept queue, not playback.
  while (viewers.length < n) {
    const batch = Math.min(50, n - viewers.length);
    const results = await Promise.all(Array.from({ length: batch }, open));
    failed += results.filter((ok) => !ok).length;
    if (failed > 20) break;
  }
  say({ event: 'set', connected: viewers.filter((v) => !v.closed).length, failed });
}

function measure(ms: number): void {
  const start = viewers.map((v) => v.bytes);
  setTimeout(() => {
    say({
      event: 'window',
      bytes: viewers.map((v, i) => v.bytes - (start[i] ?? 0)),
      closed: viewers.filter((v) => v.closed).length,
    });
  }, ms);
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line) as { cmd: string; n?: number; ms?: number };
  if (command.cmd === 'set') void set(command.n ?? 0);
  else if (command.cmd === 'window') measure(command.ms ?? 1000);
  else if (command.cmd === 'quit') {
    for (const v of viewers) v.request.destroy();
    process.exit(0);
  }
});
say({ event: 'ready' });
