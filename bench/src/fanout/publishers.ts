import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { percentile } from '../stats.ts';
import { clockMs, stampedText } from './wire.ts';

/**
 * OnAir's gateway closes a socket that sends more than 30 frames a second, sustained (1008): each
 * publisher connection stays under that, so a rate of R comments/s takes ceil(R / 25) connections.
 */
export const PER_SOCKET_RATE = 25;

export interface PublishResult {
  /** Comments the pacer sent. */
  sent: number;
  acked: number;
  /** Error frames (or acks that never came) by code. */
  errors: Record<string, number>;
  seqMin: number;
  seqMax: number;
  /** Acknowledged comments whose send time lies in the measured window. */
  windowAcked: number;
  /** Send → ack, as the publisher sees it: how long the server takes to accept a comment. */
  ackP50Ms: number;
  ackP99Ms: number;
  /** The most the pacer fell behind its schedule (this process too busy to send on time). */
  maxBehindMs: number;
}

interface Ack {
  seq?: number;
  code?: string;
}

interface Transport {
  open(index: number): Promise<void>;
  send(index: number, text: string, nonce: string, done: (ack: Ack) => void): void;
  closes(): number;
  close(): Promise<void>;
}

export interface Publisher {
  readonly connections: number;
  /** Opens connections (joined to the room) until there are at least `n`. */
  ensure(n: number): Promise<void>;
  /** Sends `rate` comments/s for `durationMs`, round-robin over the connections, and collects acks. */
  run(rate: number, durationMs: number, window: { from: number; to: number }): Promise<PublishResult>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function createPublisher(transport: Transport): Publisher {
  let connections = 0;
  let run = 0;
  return {
    get connections() {
      return connections;
    },
    async ensure(n) {
      const opening: Promise<void>[] = [];
      for (; connections < n; connections++) opening.push(transport.open(connections));
      await Promise.all(opening);
    },
    async run(rate, durationMs, window) {
      run++;
      const total = Math.max(1, Math.round((rate * durationMs) / 1000));
      const sentAt = new Float64Array(total);
      const ackMs: number[] = [];
      const errors: Record<string, number> = {};
      let acked = 0;
      let answered = 0;
      let windowAcked = 0;
      let seqMin = Number.POSITIVE_INFINITY;
      let seqMax = 0;
      let maxBehindMs = 0;
      const closesBefore = transport.closes();
      let allAnswered: () => void = () => undefined;
      const done = new Promise<void>((resolve) => {
        allAnswered = resolve;
      });
      const t0 = performance.now();
      let i = 0;
      for (let ticks = 0; i < total && ticks < 10_000_000; ticks++) {
        const due = Math.min(total, Math.floor((rate * (performance.now() - t0)) / 1000) + 1);
        if (due - i > 1) maxBehindMs = Math.max(maxBehindMs, ((due - i - 1) / rate) * 1000);
        for (; i < due; i++) {
          const n = i;
          const at = clockMs();
          sentAt[n] = at;
          transport.send(n % connections, stampedText(at, n), `${run}.${n}`, (ack) => {
            answered++;
            if (ack.seq !== undefined) {
              acked++;
              ackMs.push(clockMs() - at);
              if (ack.seq < seqMin) seqMin = ack.seq;
              if (ack.seq > seqMax) seqMax = ack.seq;
              if (at >= window.from && at < window.to) windowAcked++;
            } else {
              const code = ack.code ?? 'unknown';
              errors[code] = (errors[code] ?? 0) + 1;
            }
            if (answered === total) allAnswered();
          });
        }
        if (i < total)
          await sleep(Math.max(1, Math.min(10, ((i + 1) * 1000) / rate - (performance.now() - t0))));
      }
      // Every comment is answered (ack or error) well within this unless the server is drowning.
      await Promise.race([done, sleep(15_000)]);
      if (answered < total) errors['no-ack'] = total - answered;
      const closed = transport.closes() - closesBefore;
      if (closed > 0) errors['publisher-closed'] = closed;
      return {
        sent: total,
        acked,
        errors,
        seqMin: acked > 0 ? seqMin : 0,
        seqMax,
        windowAcked,
        ackP50Ms: percentile(ackMs, 50),
        ackP99Ms: percentile(ackMs, 99),
        maxBehindMs,
      };
    },
    close: () => transport.close(),
  };
}

/** Signed-in OnAir users posting through the gateway, as the web app does. */
export function onAirPublisher(urlOf: (index: number) => string, tokens: string[], room: string): Publisher {
  const sockets: WebSocket[] = [];
  const pending = new Map<string, (ack: Ack) => void>();
  let closes = 0;
  let closing = false;
  const settle = (nonce: string | undefined, ack: Ack) => {
    if (nonce === undefined) return;
    const cb = pending.get(nonce);
    if (!cb) return;
    pending.delete(nonce);
    cb(ack);
  };
  return createPublisher({
    open(index) {
      return new Promise((resolve, reject) => {
        const ws = new WebSocket(urlOf(index), {
          perMessageDeflate: false,
          headers: { authorization: `Bearer ${tokens[index % tokens.length]}` },
        });
        const timer = setTimeout(() => reject(new Error('publisher: no "joined" within 30 s')), 30_000);
        ws.on('error', (err) => reject(err));
        ws.on('close', () => {
          if (!closing) closes++;
        });
        ws.on('message', (data: Buffer) => {
          // Batches (the room's own fan-out reaching this member) are not this side's business.
          const head = data.toString('latin1', 0, 16);
          if (head.startsWith('{"type":"batch"')) return;
          const frame = JSON.parse(data.toString()) as {
            type: string;
            nonce?: string;
            seq?: number;
            code?: string;
            message?: string;
          };
          if (frame.type === 'ack') settle(frame.nonce, { seq: frame.seq! });
          else if (frame.type === 'error') settle(frame.nonce, { code: frame.code! });
          else if (frame.type === 'hello') ws.send(JSON.stringify({ type: 'join', room }));
          else if (frame.type === 'joined') {
            clearTimeout(timer);
            sockets[index] = ws;
            resolve();
          }
        });
      });
    },
    send(index, text, nonce, done) {
      pending.set(nonce, done);
      sockets[index]!.send(JSON.stringify({ type: 'comment', room, text, nonce }));
    },
    closes: () => closes,
    async close() {
      closing = true;
      for (const ws of sockets) ws?.terminate();
      pending.clear();
    },
  });
}

/**
 * Publishers of the Socket.IO baseline. They do not join the room (Socket.IO needs no membership to
 * emit), so the baseline fans out to N clients where OnAir fans out to N clients plus its publishers:
 * if anything, that favours the baseline.
 */
export function socketIoPublisher(urlOf: (index: number) => string, room: string): Publisher {
  const sockets: Socket[] = [];
  let closes = 0;
  let closing = false;
  return createPublisher({
    open(index) {
      return new Promise((resolve, reject) => {
        const socket = io(urlOf(index), { transports: ['websocket'], reconnection: false, forceNew: true });
        socket.on('connect_error', reject);
        socket.on('connect', () => {
          sockets[index] = socket;
          resolve();
        });
        socket.on('disconnect', () => {
          if (!closing) closes++;
        });
      });
    },
    send(index, text, _nonce, done) {
      sockets[index]!.emit('comment', { room, text, handle: `bench_pub_${index % 10}` }, (ack: Ack) =>
        done(ack),
      );
    },
    closes: () => closes,
    async close() {
      closing = true;
      for (const s of sockets) s?.disconnect();
    },
  });
}
