import { HandleParams, MyRoom, Room, UpdateRoomBody } from '@onair/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { LiveService } from './live.service.ts';

export async function liveRoutes(app: FastifyInstance, { live }: { live: LiveService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['live'];

  r.get(
    '/me/room',
    {
      config: { auth: 'user' },
      schema: { tags, summary: 'Your LIVE room with its OBS settings', response: { 200: MyRoom } },
    },
    (request) => live.myRoom(request.actor),
  );
  r.patch(
    '/me/room',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Set the title, topic and hashtags of your next LIVE',
        body: UpdateRoomBody,
        response: { 200: MyRoom },
      },
    },
    (request) => live.updateRoom(request.actor, request.body),
  );
  r.post(
    '/me/room/stream-key',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Regenerate your stream key (the old one stops working at once)',
        response: { 200: MyRoom },
      },
    },
    (request) => live.regenerateKey(request.actor),
  );
  r.get(
    '/rooms/:handle',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: "A creator's room and current broadcast",
        params: HandleParams,
        response: { 200: Room },
      },
    },
    (request) => live.room(request.actor, request.params.handle),
  );
}
