import { ClientFrame, isCleanText, REALTIME_VERSION, type ServerFrame } from '@onair/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { AppError } from '../errors.ts';
import type { RateLimits } from '../limits/limits.ts';
import type { ChatService } from '../modules/chat/chat.service.ts';
import type { GiftsService } from '../modules/economy/gifts.service.ts';
import { type Bus, topics } from './bus.ts';
import type { HubClient, RoomHub } from './room-hub.ts';
import { createTopicHub } from './topic-hub.ts';

/** Frames bigger than this are abuse, not chat: the socket is closed with 1009. */
const MAX_FRAME_BYTES = 4096;
/** Frames received but not yet handled; a client this far ahead is flooding (1008). */
const MAX_QUEUED_FRAMES = 64;
const MAX_WATCHED = 8;
const MAX_ROOMS = 4;

export interface GatewayOptions {
  bus: Bus;
  hub: RoomHub;
  chat: ChatService;
  /** Gifts sent over the socket go through the same service (and group commit) as over HTTP. */
  gifts: Pick<GiftsService, 'send'>;
  limits: Pick<RateLimits, 'frames' | 'hearts' | 'gifts'>;
  /** Hears each accepted heart tap or reaction with who sent it (the studio counts them per viewer). */
  onSignal?: (room: string, userId: string, kind: 'heart' | 'react', count: number) => void;
}

type Reply = { nonce?: string | undefined; room?: string | undefined };

const send = (socket: WebSocket, frame: ServerFrame) => {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
};

/**
 * Errors on an open socket. ws reports protocol violations (a frame over maxPayload, bad UTF-8, a bad
 * opcode) this way after it has already started the close handshake with the right code (1009,
 * 1007, 1002): that is the client's doing, so it is logged quietly and the close is left to finish.
 */
export function websocketErrorHandler(error: Error, socket: WebSocket, request: FastifyRequest) {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('WS_ERR_')) {
    request.log.info({ code, message: error.message }, 'websocket closed for a protocol violation');
    return;
  }
  request.log.error({ err: error }, 'websocket handler failed');
  socket.close(1011, 'internal error');
}

let socketCounter = 0;

export async function gatewayRoutes(
  app: FastifyInstance,
  { bus, hub, chat, gifts, limits, onSignal }: GatewayOptions,
) {
  const topicHub = createTopicHub(bus);

  app.route({
    method: 'GET',
    url: '/ws',
    config: { auth: 'public' },
    schema: { hide: true },
    // A plain GET (no Upgrade) gets a coded answer, not the websocket plugin's empty 404.
    handler: async () => {
      throw new AppError('route.not_found', 404, 'This is the realtime endpoint: open it as a WebSocket.');
    },
    wsHandler: async (socket, request) => {
      const actor = request.actor;
      const user = request.auth?.user ?? null;
      const socketKey = `${process.pid}:${++socketCounter}`;
      const topicsHeld = new Set<string>();
      const client: HubClient = { socket, userId: actor?.id ?? null, hidden: null, floors: new Map() };
      const rooms = new Set<string>();
      let hiddenLoaded = false;
      // Frames of one socket run one after another, in the order they arrived: a `comment` right
      // behind its `join` finds the room joined. Only the slow tail of a frame (a gift's commit, a
      // comment's store) runs outside the queue, answered by its receipt or ack when it is done.
      let queue: Promise<void> = Promise.resolve();
      let queued = 0;

      const reply = (frame: ServerFrame, to: Reply = {}) =>
        send(socket, {
          ...frame,
          ...(to.nonce === undefined ? {} : { nonce: to.nonce }),
          ...(to.room === undefined ? {} : { room: to.room }),
        } as ServerFrame);
      const fail = (err: unknown, to: Reply = {}) => {
        if (err instanceof AppError) {
          const data = err.data === undefined ? {} : { data: err.data };
          return reply({ type: 'error', code: err.code, message: err.message, ...data }, to);
        }
        request.log.error({ err }, 'realtime handler failed');
        reply({ type: 'error', code: 'internal', message: 'Something went wrong on our side.' }, to);
      };

      const attachTopic = async (topic: string) => {
        topicsHeld.add(topic);
        await topicHub.attach(topic, socket);
      };

      async function join(room: string, since: number | undefined) {
        if (!rooms.has(room) && rooms.size >= MAX_ROOMS) {
          throw new AppError('request.rate_limited', 429, `Join at most ${MAX_ROOMS} rooms per connection.`);
        }
        if (actor && !hiddenLoaded) {
          hiddenLoaded = true;
          client.hidden = await chat.hiddenFor(actor.id);
        }
        const first = !rooms.has(room);
        rooms.add(room);
        // Listen first, then read what was missed: nothing falls between the two. The hub holds the
        // live batches of this client meanwhile (a flush during the read would otherwise reach it
        // ahead of `joined` and the replay, repeating what the replay then sends again); `release`
        // sends them after the replay, without anything at or below the floor.
        await hub.attach(room, client);
        try {
          const { snapshot, replay } = await chat.join(room, since, hub.viewers(room));
          const floor = snapshot ? snapshot.seq : (replay.at(-1)?.seq ?? since ?? 0);
          const hidden = client.hidden;
          if (snapshot && hidden) snapshot.comments = snapshot.comments.filter((c) => !hidden.has(c.user.id));
          send(socket, { type: 'joined', room, snapshot, replayed: replay.length });
          const visible = hidden
            ? replay.filter((e) => e.kind !== 'comment' || !hidden.has(e.comment.user.id))
            : replay;
          if (visible.length > 0) send(socket, { type: 'batch', room, events: visible });
          hub.release(room, client, floor);
          if (first && user)
            hub.joined(
              room,
              user.displayName,
              await chat.entrance(room, user.id, user.displayName).catch(() => null),
            );
        } catch (err) {
          rooms.delete(room);
          hub.detach(room, client);
          throw err;
        }
      }

      /** Runs one frame up to the point where the next may start; returns its answer's tail, if any. */
      async function handle(frame: ClientFrame): Promise<void> {
        switch (frame.type) {
          case 'ping':
            send(socket, { type: 'pong', ...(frame.t === undefined ? {} : { t: frame.t }) });
            return;
          case 'watch': {
            const topic = topics.stream(frame.sessionId);
            const watched = [...topicsHeld].filter((t) => t.includes(':stream:')).length;
            if (!topicsHeld.has(topic) && watched >= MAX_WATCHED) {
              throw new AppError(
                'request.rate_limited',
                429,
                `Watch at most ${MAX_WATCHED} streams per connection.`,
              );
            }
            await attachTopic(topic);
            send(socket, { type: 'watching', sessionId: frame.sessionId });
            return;
          }
          case 'unwatch': {
            const topic = topics.stream(frame.sessionId);
            topicsHeld.delete(topic);
            topicHub.detach(topic, socket);
            return;
          }
          case 'join':
            return join(frame.room, frame.since);
          case 'leave':
            rooms.delete(frame.room);
            hub.detach(frame.room, client);
            return;
          case 'comment': {
            if (!rooms.has(frame.room))
              throw new AppError('request.invalid', 400, 'Join the room before commenting.');
            const posted = await chat.postComment(actor, frame.room, frame.text, frame.replyTo);
            const to = { nonce: frame.nonce, room: frame.room };
            // Acknowledged once stored, not merely broadcast: an ack is a promise the comment is kept.
            void posted.stored.then(
              () => reply({ type: 'ack', id: posted.id, seq: posted.seq }, { nonce: frame.nonce }),
              (err) => fail(err, to),
            );
            return;
          }
          case 'heart':
          case 'react': {
            if (!actor) throw new AppError('auth.required', 401, 'Sign in to send hearts.');
            if (!rooms.has(frame.room)) throw new AppError('request.invalid', 400, 'Join the room first.');
            if ((await limits.hearts.take(actor.id)) > 0) return; // Over the tap rate: dropped quietly, like a double tap.
            if (frame.type === 'heart') hub.hearts(frame.room, frame.count);
            else hub.react(frame.room, frame.reaction);
            onSignal?.(frame.room, actor.id, frame.type, frame.type === 'heart' ? frame.count : 1);
            return;
          }
          case 'gift': {
            const { type: _, to, nonce, ...body } = frame;
            const sender = actor && user && { ...actor, handle: user.handle, displayName: user.displayName };
            if (actor)
              await limits.gifts.consume(actor.id, 'request.rate_limited', 'You are sending gifts too fast.');
            // Committed with everyone else's gifts (group commit): the queue moves on meanwhile.
            void gifts.send(sender, to, body).then(
              ({ receipt, replayed }) => reply({ type: 'receipt', receipt, replayed }, { nonce }),
              (err) => fail(err, { nonce }),
            );
            return;
          }
        }
      }

      /** Parses and runs one raw frame, answering a bad one with a coded error. */
      async function run(data: string, overLimit: Promise<number>) {
        if ((await overLimit) > 0) {
          socket.close(1008, 'too many frames');
          return;
        }
        let raw: unknown;
        try {
          raw = JSON.parse(data);
        } catch {
          return fail(new AppError('request.malformed_json', 400, 'Frames are JSON objects.'));
        }
        const result = ClientFrame.safeParse(raw);
        if (!result.success) {
          const issue = result.error.issues[0];
          // Echo the nonce and room back even for an invalid frame, so the client can tell which one failed.
          const r = (typeof raw === 'object' && raw !== null ? raw : {}) as {
            nonce?: unknown;
            room?: unknown;
          };
          const message = issue ? `${issue.path.join('.') || 'frame'}: ${issue.message}` : 'invalid frame';
          return fail(new AppError('request.invalid', 400, message), {
            nonce: echoable(r.nonce),
            room: echoable(r.room),
          });
        }
        const frame = result.data;
        await handle(frame).catch((err) =>
          fail(err, {
            nonce: 'nonce' in frame ? frame.nonce : undefined,
            room: 'room' in frame ? frame.room : undefined,
          }),
        );
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
        if (++queued > MAX_QUEUED_FRAMES) {
          socket.close(1008, 'too many frames');
          return;
        }
        // Counted on arrival, not when the queue reaches the frame, so a slow frame cannot hide a flood.
        const overLimit = limits.frames.take(socketKey);
        const text = data.toString();
        queue = queue
          .then(() => run(text, overLimit))
          .catch((err) => fail(err))
          .finally(() => {
            queued -= 1;
          });
      });

      if (actor) await attachTopic(topics.user(actor.id));
      send(socket, { type: 'hello', v: REALTIME_VERSION, userId: actor?.id ?? null });
    },
  });
}

/** A client's own nonce or room, echoed back only when it is short printable text. */
function echoable(v: unknown): string | undefined {
  return typeof v === 'string' && v.length <= 64 && isCleanText(v) ? v : undefined;
}
