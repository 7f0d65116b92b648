import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { onCommands, reply } from './child.ts';
import { LatencyHistogram } from './histogram.ts';
import { clockMs, scanBatch, stampOf } from './wire.ts';

/**
 * The viewers of the fan-out benchmark, in a process of their own: N connections to one room (OnAir's
 * WebSocket gateway, or a Socket.IO server through socket.io-client), each checking that it receives
 * every comment of a step exactly once and recording send → receipt latency per delivery.
 *
 * Commands (JSON lines on stdin) and answers (stdout):
 *   {"cmd":"connect","mode":"onair"|"socketio","urls":[…],"room":"…","n":2000}
 *        → {"event":"connected","connected":n,"failed":0,"ms":…}
 *   {"cmd":"clock"} → {"event":"clock","t":<clockMs>}
 *   {"cmd":"step","base":seq,"cap":n,"from":ms,"to":ms}  → {"event":"step"}
 *        a step's comments carry seqs base … base+cap-1; latency counts those sent in [from, to)
 *   {"cmd":"end","last":seq,"timeoutMs":…} → {"event":"end", …stats}
 *        waits until every open client saw `last` (or the timeout), then counts lost/duplicated
 *   {"cmd":"close"} → {"event":"closed"}
 */

interface Client {
  /** Deliveries per seq of the current step (index = seq - base), null if not in the step. */
  counts: Uint8Array | null;
  /** Highest seq seen. */
  last: number;
  open: boolean;
  close(): void;
}

const clients: Client[] = [];
const closeCodes = new Map<string, number>();
let mode: 'onair' | 'socketio' = 'onair';

const step = {
  active: false,
  base: 0,
  cap: 0,
  from: 0,
  to: 0,
  hist: new LatencyHistogram(),
  deliveries: 0,
  windowDeliveries: 0,
  stale: 0,
  beyond: 0,
  outOfOrder: 0,
  unstamped: 0,
  slowPath: 0,
  frames: 0,
  closes: 0,
  cpu: process.cpuUsage(),
  startedAt: 0,
};
const loopDelay = monitorEventLoopDelay({ resolution: 10 });

function record(client: Client, seq: number, sentAt: number, receivedAt: number): void {
  if (seq <= client.last) step.outOfOrder++;
  else client.last = seq;
  const counts = client.counts;
  if (!step.active || counts === null) return;
  const i = seq - step.base;
  if (i < 0) {
    step.stale++;
    return;
  }
  if (i >= step.cap) {
    step.beyond++;
    return;
  }
  if (counts[i]! < 255) counts[i]!++;
  step.deliveries++;
  if (Number.isNaN(sentAt)) step.unstamped++;
  else if (sentAt >= step.from && sentAt < step.to) {
    step.windowDeliveries++;
    step.hist.add(receivedAt - sentAt);
  }
}

function onClosed(client: Client, code: string): void {
  if (!client.open) return;
  client.open = false;
  closeCodes.set(code, (closeCodes.get(code) ?? 0) + 1);
  if (step.active) step.closes++;
}

// ---------------------------------------------------------------- OnAir: raw `ws`, frames scanned
const seqs: number[] = [];
const stamps: number[] = [];
const BATCH_PREFIX = '{"type":"batch"';

interface ServerFrame {
  type: string;
  code?: string;
  message?: string;
  events?: { seq: number; kind: string; comment?: { text: string } }[];
}

function connectOnAir(url: string, room: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
    const client: Client = { counts: null, last: 0, open: false, close: () => ws.terminate() };
    let joined = false;
    const timer = setTimeout(() => fail(new Error('no "joined" within 30 s')), 30_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      ws.terminate();
      reject(err);
    };
    ws.on('error', (err) => {
      if (!joined) fail(err);
    });
    ws.on('close', (code) => onClosed(client, String(code)));
    ws.on('message', (data: Buffer) => {
      const receivedAt = clockMs();
      const text = data.toString('latin1');
      step.frames++;
      if (text.startsWith(BATCH_PREFIX) && scanBatch(text, seqs, stamps)) {
        for (let i = 0; i < seqs.length; i++) record(client, seqs[i]!, stamps[i]!, receivedAt);
        return;
      }
      // Anything else (hello, joined, errors, a batch with other events) is rare: parse it properly.
      const frame = JSON.parse(data.toString('utf8')) as ServerFrame;
      if (frame.type === 'batch') {
        step.slowPath++;
        for (const e of frame.events ?? []) {
          record(
            client,
            e.seq,
            e.kind === 'comment' ? stampOf(e.comment?.text ?? '') : Number.NaN,
            receivedAt,
          );
        }
      } else if (frame.type === 'hello') {
        ws.send(JSON.stringify({ type: 'join', room }));
      } else if (frame.type === 'joined') {
        joined = true;
        client.open = true;
        clearTimeout(timer);
        resolve(client);
      } else if (frame.type === 'error' && !joined) {
        fail(new Error(`${frame.code}: ${frame.message}`));
      }
    });
  });
}

// ---------------------------------------------------------------- Socket.IO: socket.io-client
interface SocketIoComment {
  seq: number;
  comment: { text: string };
}

function connectSocketIo(url: string, room: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket: Socket = io(url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: 30_000,
    });
    const client: Client = { counts: null, last: 0, open: false, close: () => socket.disconnect() };
    socket.on('connect_error', (err) => {
      socket.disconnect();
      reject(err);
    });
    socket.on('connect', () => {
      socket.emit('join', room, () => {
        client.open = true;
        resolve(client);
      });
    });
    socket.on('disconnect', (reason) => onClosed(client, reason));
    socket.on('comment', (m: SocketIoComment) => {
      const receivedAt = clockMs();
      step.frames++;
      record(client, m.seq, stampOf(m.comment.text), receivedAt);
    });
  });
}

async function connectAll(urls: string[], room: string, n: number) {
  const started = performance.now();
  const errors = new Map<string, number>();
  let failed = 0;
  const concurrency = 50;
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const url = urls[i % urls.length]!;
      try {
        clients.push(await (mode === 'onair' ? connectOnAir(url, room) : connectSocketIo(url, room)));
      } catch (err) {
        failed++;
        const key = err instanceof Error ? err.message.slice(0, 120) : String(err);
        errors.set(key, (errors.get(key) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return {
    connected: clients.length,
    failed,
    errors: Object.fromEntries(errors),
    ms: Math.round(performance.now() - started),
  };
}

function startStep(base: number, cap: number, from: number, to: number): void {
  Object.assign(step, {
    active: true,
    base,
    cap,
    from,
    to,
    deliveries: 0,
    windowDeliveries: 0,
    stale: 0,
    beyond: 0,
    outOfOrder: 0,
    unstamped: 0,
    slowPath: 0,
    frames: 0,
    closes: 0,
    cpu: process.cpuUsage(),
    startedAt: performance.now(),
  });
  step.hist.reset();
  loopDelay.reset();
  for (const c of clients) {
    if (!c.open) {
      c.counts = null;
      continue;
    }
    if (c.counts && c.counts.length >= cap) c.counts.fill(0, 0, cap);
    else c.counts = new Uint8Array(cap);
  }
}

async function endStep(last: number, timeoutMs: number) {
  const cpu = process.cpuUsage(step.cpu);
  const wallUs = (performance.now() - step.startedAt) * 1000;
  const waitFrom = performance.now();
  const caughtUp = () => clients.every((c) => !c.open || c.last >= last);
  while (!caughtUp() && performance.now() - waitFrom < timeoutMs) {
    await new Promise((r) => setTimeout(r, 10));
  }
  const drainMs = performance.now() - waitFrom;
  const timedOut = !caughtUp();
  step.active = false;
  const span = last - step.base + 1;
  let participants = 0;
  let lost = 0;
  let duplicated = 0;
  let clientsMissing = 0;
  for (const c of clients) {
    const counts = c.counts;
    if (counts === null) continue;
    participants++;
    let missing = 0;
    for (let i = 0; i < span && i < counts.length; i++) {
      const k = counts[i]!;
      if (k === 0) missing++;
      else if (k > 1) duplicated += k - 1;
    }
    if (span > counts.length) missing += span - counts.length;
    if (missing > 0) clientsMissing++;
    lost += missing;
  }
  const h = step.hist;
  return {
    hist: h.toPairs(),
    participants,
    open: clients.filter((c) => c.open).length,
    deliveries: step.deliveries,
    windowDeliveries: step.windowDeliveries,
    // Percentiles are taken by the parent over the merged histograms of all viewer processes.
    maxMs: h.max,
    negative: h.negative,
    lost,
    clientsMissing,
    duplicated,
    outOfOrder: step.outOfOrder,
    stale: step.stale,
    beyond: step.beyond,
    unstamped: step.unstamped,
    slowPath: step.slowPath,
    frames: step.frames,
    closes: step.closes,
    closeCodes: Object.fromEntries(closeCodes),
    drainMs: Math.round(drainMs),
    timedOut,
    /** Share of one core this process used while the step was sending (1 = a full core). */
    cpu: (cpu.user + cpu.system) / wallUs,
    loopDelayP99Ms: loopDelay.count > 0 ? loopDelay.percentile(99) / 1e6 : 0,
  };
}

loopDelay.enable();
onCommands(async (command) => {
  switch (command.cmd) {
    case 'connect':
      mode = command.mode === 'socketio' ? 'socketio' : 'onair';
      reply({
        event: 'connected',
        ...(await connectAll(command.urls as string[], String(command.room), Number(command.n))),
      });
      return;
    case 'clock':
      reply({ event: 'clock', t: clockMs() });
      return;
    case 'step':
      startStep(Number(command.base), Number(command.cap), Number(command.from), Number(command.to));
      reply({ event: 'step' });
      return;
    case 'end':
      reply({ event: 'end', ...(await endStep(Number(command.last), Number(command.timeoutMs))) });
      return;
    case 'close':
      for (const c of clients) c.close();
      clients.length = 0;
      reply({ event: 'closed' });
      return;
  }
});
// A graceful exit, so that --cpu-prof (when given) gets to write its profile.
const quit = () => {
  for (const c of clients) c.close();
  process.exit(0);
};
process.stdin.on('end', quit);
process.once('SIGTERM', quit);
