import type {} from '@fastify/websocket';
import { ClientFrame, REALTIME_VERSION, type ServerFrame } from '@onair/protocol';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { AppError } from '../errors.ts';
import type { ChatService } from '../modules/chat/chat.service.ts';
import { createRateLimiter } from '../modules/chat/rate-limit.ts';
import type { GiftsService } from '../modules/economy/gifts.service.ts';
import { type Bus, topics } from './bus.ts';
import type { HubClient, RoomHub } from './room-hub.ts';

/** Frames bigger than this are abuse, not chat: the socket is closed with 1009. */
const MAX_FRAME_BYTES = 4096;
const MAX_WATCHED = 8;
const MAX_ROOMS = 4;
/** More client frames per second than this, sustained, is a flood: closed with 1008. */
const FLOOD_BURST = 60;
const FLOOD_PER_S = 30;

/**
 * Local fan-out for per-user and per-stream topics: one bus subscription per topic per node, however
 * many sockets on this node care, so a node only hears about what its own clients are attached to.
 */
export function createTopicHub(bus: Bus) {
  const local = new Map<string, { sockets: Set<WebSocket>; off: Promise<() => Promise<void>> }>();
  return {
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
  };
}

export interface GatewayOptions {
  bus: Bus;
  hub: RoomHub;
  chat: ChatService;
  /** Gifts sent over the socket go through the same service (and group commit) as over HTTP. */
  gifts: Pick<GiftsService, 'send'>;
  /** Hears each accepted heart tap or reaction with who sent it (the studio counts them per viewer). */
  onSignal?: (room: string, userId: string, kind: 'heart' | 'react', count: number) => void;
}

const send = (socket: WebSocket, frame: ServerFrame) => {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
};

export async function gatewayRoutes(
  app: FastifyInstance,
  { bus, hub, chat, gifts, onSignal }: GatewayOptions,
) {
  const topicHub = createTopicHub(bus);
  // Hearts are cheap to send and cheap to aggregate, but not free: 10 taps a second per socket.
  const heartLimiter = createRateLimiter(20, 10);

  app.get(
    '/ws',
    { websocket: true, config: { auth: 'public' }, schema: { hide: true } },
    async (socket, request) => {
      const actor = request.actor;
      const user = request.auth?.user ?? null;
      const topicsHeld = new Set<string>();
      const client: HubClient = { socket, userId: actor?.id ?? null, hidden: null, floors: new Map() };
      const rooms = new Set<string>();
      const flood = createRateLimiter(FLOOD_BURST, FLOOD_PER_S);
      let hiddenLoaded = false;

      const attachTopic = async (topic: string) => {
        topicsHeld.add(topic);
        await topicHub.attach(topic, socket);
      };
      const fail = (err: unknown, extra: { nonce?: string | undefined; room?: string } = {}) => {
        if (err instanceof AppError) {
          send(socket, {
            type: 'error',
            code: err.code,
            message: err.message,
            ...(err.data === undefined ? {} : { data: err.data }),
            ...pick(extra),
          });
          return;
        }
        request.log.error({ err }, 'realtime handler failed');
        send(socket, {
          type: 'error',
          code: 'internal',
          message: 'Something went wrong on our side.',
          ...pick(extra),
        });
      };

      async function join(room: string, since: number | undefined) {
        if (!rooms.has(room) && rooms.size >= MAX_ROOMS) {
          send(socket, {
            type: 'error',
            code: 'request.rate_limited',
            message: `Join at most ${MAX_ROOMS} rooms per connection.`,
            room,
          });
          return;
        }
        if (actor && !hiddenLoaded) {
          hiddenLoaded = true;
          client.hidden = await chat.hiddenFor(actor.id);
        }
        const first = !rooms.has(room);
        rooms.add(room);
        // Listen first, then read what was missed: nothing falls between the two, and the floor drops
        // whatever the live flush repeats.
        await hub.attach(room, client);
        try {
          const { snapshot, replay } = await chat.join(room, since, hub.viewers(room));
          client.floors.set(room, snapshot ? snapshot.seq : (replay.at(-1)?.seq ?? since ?? 0));
          const hidden = client.hidden;
          if (snapshot && hidden) snapshot.comments = snapshot.comments.filter((c) => !hidden.has(c.user.id));
          send(socket, { type: 'joined', room, snapshot, replayed: replay.length });
          const visible = hidden
            ? replay.filter((e) => e.kind !== 'comment' || !hidden.has(e.comment.user.id))
            : replay;
          if (visible.length > 0) send(socket, { type: 'batch', room, events: visible });
          if (first && user) hub.joined(room, user.displayName);
        } catch (err) {
          rooms.delete(room);
          hub.detach(room, client);
          throw err;
        }
      }

      socket.on('close', () => {
        for (const t of topicsHeld) topicHub.detach(t, socket);
        for (const room of rooms) hub.detach(room, client);
      });

      socket.on('message', (data, isBinary) => {
        const size = Array.isArray(data)
          ? data.reduce((n, b) => n + b.length, 0)
          : (data as Buffer).byteLength;
        if (isBinary || size > MAX_FRAME_BYTES) {
          socket.close(1009, 'frame too large or binary');
          return;
        }
        if (flood.take('socket') > 0) {
          socket.close(1008, 'too many frames');
          return;
        }
        let raw: unknown;
        try {
          raw = JSON.parse(data.toString());
        } catch {
          send(socket, {
            type: 'error',
            code: 'request.malformed_json',
            message: 'Frames are JSON objects.',
          });
          return;
        }
        const result = ClientFrame.safeParse(raw);
        if (!result.success) {
          const issue = result.error.issues[0];
          // Echo the nonce and room back even for an invalid frame, so the client can tell which one failed.
          const r = (typeof raw === 'object' && raw !== null ? raw : {}) as {
            nonce?: unknown;
            room?: unknown;
          };
          send(socket, {
            type: 'error',
            code: 'request.invalid',
            message: issue ? `${issue.path.join('.') || 'frame'}: ${issue.message}` : 'invalid frame',
            ...pick({
              nonce: typeof r.nonce === 'string' ? r.nonce.slice(0, 64) : undefined,
              room: typeof r.room === 'string' ? r.room.slice(0, 64) : undefined,
            }),
          });
          return;
        }
        const frame = result.data;
        void handle(frame).catch((err) =>
          fail(
            err,
            'nonce' in frame
              ? ({ nonce: frame.nonce, room: 'room' in frame ? frame.room : undefined } as never)
              : {},
          ),
        );
      });

      async function handle(frame: ClientFrame): Promise<void> {
        switch (frame.type) {
          case 'ping':
            send(socket, { type: 'pong', ...(frame.t === undefined ? {} : { t: frame.t }) });
            return;
          case 'watch': {
            const topic = topics.stream(frame.sessionId);
            if (
              !topicsHeld.has(topic) &&
              [...topicsHeld].filter((t) => t.includes(':stream:')).length >= MAX_WATCHED
            ) {
              send(socket, {
                type: 'error',
                code: 'request.rate_limited',
                message: `Watch at most ${MAX_WATCHED} streams per connection.`,
              });
              return;
            }
            await attachTopic(topic);
            return;
          }
          case 'unwatch': {
            const topic = topics.stream(frame.sessionId);
            topicsHeld.delete(topic);
            topicHub.detach(topic, socket);
            return;
          }
          case 'join':
            await join(frame.room, frame.since).catch((err) => fail(err, { room: frame.room }));
            return;
          case 'leave':
            rooms.delete(frame.room);
            hub.detach(frame.room, client);
            return;
          case 'comment': {
            if (!rooms.has(frame.room))
              throw new AppError('request.invalid', 400, 'Join the room before commenting.');
            const { id, seq } = await chat.postComment(actor, frame.room, frame.text, frame.replyTo);
            send(socket, {
              type: 'ack',
              id,
              seq,
              ...(frame.nonce === undefined ? {} : { nonce: frame.nonce }),
            });
            return;
          }
          case 'heart':
          case 'react': {
            if (!actor) throw new AppError('auth.required', 401, 'Sign in to send hearts.');
            if (!rooms.has(frame.room)) throw new AppError('request.invalid', 400, 'Join the room first.');
            if (heartLimiter.take(actor.id) > 0) return; // Over the tap rate: dropped quietly, like a double tap.
            if (frame.type === 'heart') hub.hearts(frame.room, frame.count);
            else hub.react(frame.room, frame.reaction);
            onSignal?.(frame.room, actor.id, frame.type, frame.type === 'heart' ? frame.count : 1);
            return;
          }
          case 'gift': {
            const { type: _, to, nonce, ...body } = frame;
            const sender = actor && user && { ...actor, handle: user.handle, displayName: user.displayName };
            const { receipt, replayed } = await gifts.send(sender, to, body);
            send(socket, { type: 'receipt', receipt, replayed, ...(nonce === undefined ? {} : { nonce }) });
            return;
          }
        }
      }

      if (actor) await attachTopic(topics.user(actor.id));
      send(socket, { type: 'hello', v: REALTIME_VERSION, userId: actor?.id ?? null });
    },
  );
}

function pick(extra: { nonce?: string | undefined; room?: string | undefined }) {
  return {
    ...(extra.nonce === undefined ? {} : { nonce: extra.nonce }),
    ...(extra.room === undefined ? {} : { room: extra.room }),
  };
}
