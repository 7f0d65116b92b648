import {
  AddPushDeviceBody,
  IdParams,
  PushDevice,
  PushKey,
  PushSettings,
  UpdatePushDeviceBody,
  UpdatePushSettingsBody,
} from '@onair/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PushService } from './push.service.ts';

/** Web Push devices and settings: each user manages only their own. */
export async function pushRoutes(app: FastifyInstance, { push }: { push: PushService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['push'];
  const user = { auth: 'user' as const };

  r.get(
    '/push/key',
    {
      config: { auth: 'public' },
      schema: { tags, summary: 'The VAPID key browsers subscribe to push with', response: { 200: PushKey } },
    },
    () => push.key(),
  );
  r.get(
    '/push/settings',
    {
      config: user,
      schema: {
        tags,
        summary: 'Your devices, their kinds, and your quiet hours',
        response: { 200: PushSettings },
      },
    },
    (request) => push.settings(request.actor),
  );
  r.patch(
    '/push/settings',
    {
      config: user,
      schema: {
        tags,
        summary: 'Set or clear your quiet hours',
        body: UpdatePushSettingsBody,
        response: { 200: PushSettings },
      },
    },
    (request) => push.updateSettings(request.actor, request.body),
  );
  r.post(
    '/push/devices',
    {
      config: user,
      schema: {
        tags,
        summary: "Add this browser's push subscription as one of your devices",
        body: AddPushDeviceBody,
        response: { 200: PushDevice, 201: PushDevice },
      },
    },
    async (request, reply) => {
      const { device, created } = await push.addDevice(
        request.actor,
        request.body,
        request.headers['user-agent'],
      );
      return reply.code(created ? 201 : 200).send(device);
    },
  );
  r.patch(
    '/push/devices/:id',
    {
      config: user,
      schema: {
        tags,
        summary: "Rename a device or choose what it's told about",
        params: IdParams,
        body: UpdatePushDeviceBody,
        response: { 200: PushDevice },
      },
    },
    (request) => push.updateDevice(request.actor, request.params.id, request.body),
  );
  r.delete(
    '/push/devices/:id',
    { config: user, schema: { tags, summary: 'Remove a device', params: IdParams } },
    async (request, reply) => {
      await push.removeDevice(request.actor, request.params.id);
      return reply.code(204).send();
    },
  );
  r.post(
    '/push/devices/:id/test',
    {
      config: user,
      schema: {
        tags,
        summary: 'Send a test notification to one of your devices',
        params: IdParams,
        response: { 202: z.object({ queued: z.literal(true) }) },
      },
    },
    async (request, reply) => reply.code(202).send(await push.testDevice(request.actor, request.params.id)),
  );
}
