import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { onCommands, reply } from './child.ts';

/**
 * The baseline of the fan-out benchmark: a plain Socket.IO server, the way a chat room is usually
 * built with it. Each comment is stamped with the room's next sequence number (so clients can tell
 * lost from duplicated, as OnAir's seq allows) and broadcast on its own with `io.to(room).emit` as it
 * arrives. The message is shaped like OnAir's comment event (same user fields, same text), so both
 * carry the same bytes per comment. With REDIS_URL the `@socket.io/redis-adapter` relays broadcasts
 * between processes (the two-node case; publishers then all talk to one process, which numbers).
 *
 * usage: node --import tsx socketio-server.ts   (env: REDIS_URL, ADAPTER_KEY)
 * prints {"event":"listening","port":…}; {"cmd":"close"} → {"event":"closed"} and exits.
 */

const http = createServer();
const io = new Server(http, {
  transports: ['websocket'],
  serveClient: false,
  perMessageDeflate: false,
  // The default 1 MB is plenty: clients send 150-character comments.
  maxHttpBufferSize: 64 * 1024,
});

let pub: Redis | undefined;
let sub: Redis | undefined;
if (process.env.REDIS_URL) {
  pub = new Redis(process.env.REDIS_URL);
  sub = pub.duplicate();
  io.adapter(createAdapter(pub, sub, { key: process.env.ADAPTER_KEY ?? 'socket.io' }));
}

const seqs = new Map<string, number>();
const users = new Map<string, { id: string; handle: string }>();

io.on('connection', (socket) => {
  socket.on('join', (room: unknown, ack: unknown) => {
    if (typeof room !== 'string') return;
    void socket.join(room);
    if (typeof ack === 'function') ack({ ok: true });
  });
  socket.on('comment', (body: unknown, ack: unknown) => {
    const { room, text, handle } = (body ?? {}) as { room?: unknown; text?: unknown; handle?: unknown };
    if (typeof room !== 'string' || typeof text !== 'string' || typeof handle !== 'string') return;
    let user = users.get(handle);
    if (!user) {
      user = { id: randomUUID(), handle };
      users.set(handle, user);
    }
    const seq = (seqs.get(room) ?? 0) + 1;
    seqs.set(room, seq);
    const comment = {
      id: randomUUID(),
      user: { id: user.id, handle: user.handle, displayName: user.handle, avatarUrl: null, badge: null },
      text: text.slice(0, 150),
      replyTo: null,
      mentions: [],
      at: new Date().toISOString(),
    };
    io.to(room).emit('comment', { seq, kind: 'comment', comment });
    if (typeof ack === 'function') ack({ id: comment.id, seq });
  });
});

http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  reply({ event: 'listening', port: typeof address === 'object' && address ? address.port : 0 });
});

async function close(): Promise<void> {
  await new Promise<void>((resolve) => io.close(() => resolve()));
  await Promise.all([pub?.quit(), sub?.quit()].map((p) => p?.catch(() => undefined)));
}

onCommands(async (command) => {
  if (command.cmd !== 'close') return;
  await close();
  reply({ event: 'closed' });
  process.exit(0);
});
process.once('SIGTERM', () => {
  void close().finally(() => process.exit(0));
});
process.stdin.on('end', () => {
  void close().finally(() => process.exit(0));
});
