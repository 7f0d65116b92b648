import type {} from '@fastify/websocket';
import { ClientFrame, REALTIME_VERSION, type ServerFrame } from '@onair/protocol';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { type Bus, topics } from './bus.ts';

/** Frames bigger than this are abuse, not chat: the socket is closed with 1009. */
const MAX_FRAME_BYTES = 4096;
const MAX_WATCHED = 8;

/**
 * Local fan-out: one bus subscription per topic per node, however many sockets on this node care,
 * so a node only hears about users and streams its own clients are attached to.
 */
export function createHub(bus: Bus) {
  const local = new Map<string, { sockets: Set<WebSocket>; off: Promise<() => Promise<void>> }>();
  const send = (socket: WebSocket, frame: ServerFrame) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  };
  return {
    send,
    attach(topic: string, socket: WebSocket) {
      let entry = local.get(topic);
      if (!entry) {
        const sockets = new Set<WebSocket>();
        const off = bus.subscribe(topic, (message) => {
          const text = JSON.stringify(message);
          for (const s of sockets) if (s.readyState === s.OPEN) s.send(text);
        });
        entry = { sockets, off };
        local.set(topic, entry);
      }
      entry.sockets.add(socket);
      return entry.off.then(() => undefined);
    },
    detach(topic: string, socket: WebSocket) {
      const entry = local.get(topic);
      if (!entry?.sockets.delete(socket) || entry.sockets.size > 0) return;
      local.delete(topic);
      void entry.off.then((off) => off());
    },
    topicCount: () => local.size,
  };
}

export async function gatewayRoutes(app: FastifyInstance, { bus }: { bus: Bus }) {
  const hub = createHub(bus);

  app.get(
    '/ws',
    { websocket: true, config: { auth: 'public' }, schema: { hide: true } },
    async (socket, request) => {
      const userId = request.actor?.id ?? null;
      const attached = new Set<string>();
      const attach = async (topic: string) => {
        attached.add(topic);
        await hub.attach(topic, socket);
      };
      socket.on('close', () => {
        for (const t of attached) hub.detach(t, socket);
      });
      socket.on('message', (data, isBinary) => {
        const size = Array.isArray(data)
          ? data.reduce((n, b) => n + b.length, 0)
          : (data as Buffer).byteLength;
        if (isBinary || size > MAX_FRAME_BYTES) {
          socket.close(1009, 'frame too large or binary');
          return;
        }
        let parsed: ClientFrame;
        try {
          const result = ClientFrame.safeParse(JSON.parse(data.toString()));
          if (!result.success) {
            hub.send(socket, {
              type: 'error',
              code: 'request.invalid',
              message: result.error.issues[0]?.message ?? 'invalid frame',
            });
            return;
          }
          parsed = result.data;
        } catch {
          hub.send(socket, {
            type: 'error',
            code: 'request.malformed_json',
            message: 'Frames are JSON objects.',
          });
          return;
        }
        if (parsed.type === 'ping')
          hub.send(socket, { type: 'pong', ...(parsed.t === undefined ? {} : { t: parsed.t }) });
        else if (parsed.type === 'watch') {
          const topic = topics.stream(parsed.sessionId);
          if (
            !attached.has(topic) &&
            [...attached].filter((t) => t.includes(':stream:')).length >= MAX_WATCHED
          ) {
            hub.send(socket, {
              type: 'error',
              code: 'request.rate_limited',
              message: `Watch at most ${MAX_WATCHED} streams per connection.`,
            });
            return;
          }
          void attach(topic);
        } else if (parsed.type === 'unwatch') {
          const topic = topics.stream(parsed.sessionId);
          attached.delete(topic);
          hub.detach(topic, socket);
        }
      });
      if (userId) await attach(topics.user(userId));
      hub.send(socket, { type: 'hello', v: REALTIME_VERSION, userId });
    },
  );
}
