import {
  FollowingList,
  FollowState,
  HandleParams,
  MarkReadBody,
  NotificationList,
  NotificationsQuery,
  SetNotifyBody,
} from '@onair/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

const FollowQuery = z.object({
  ref: z
    .string()
    .regex(/^[A-Za-z0-9_-]{4,20}$/)
    .optional(),
});

import type { SocialService } from './social.service.ts';

export async function socialRoutes(app: FastifyInstance, { social }: { social: SocialService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['social'];

  r.get(
    '/users/:handle/follow',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'Whether you follow this creator',
        params: HandleParams,
        response: { 200: FollowState },
      },
    },
    (request) => social.followState(request.actor, request.params.handle),
  );
  r.put(
    '/users/:handle/follow',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Follow (idempotent); ?ref= credits the share link that brought you',
        params: HandleParams,
        querystring: FollowQuery,
        response: { 200: FollowState },
      },
    },
    (request) => social.follow(request.actor, request.params.handle, request.query.ref),
  );
  r.delete(
    '/users/:handle/follow',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Unfollow (idempotent)',
        params: HandleParams,
        response: { 200: FollowState },
      },
    },
    (request) => social.unfollow(request.actor, request.params.handle),
  );
  r.put(
    '/users/:handle/follow/notify',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Turn LIVE alerts for a followed creator on or off',
        params: HandleParams,
        body: SetNotifyBody,
        response: { 200: FollowState },
      },
    },
    (request) => social.setNotify(request.actor, request.params.handle, request.body.notify),
  );
  r.get(
    '/me/following',
    {
      config: { auth: 'user' },
      schema: { tags, summary: 'Creators you follow', response: { 200: FollowingList } },
    },
    (request) => social.following(request.actor),
  );
  r.get(
    '/me/notifications',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Your notifications, newest first',
        querystring: NotificationsQuery,
        response: { 200: NotificationList },
      },
    },
    (request) => social.notifications(request.actor, request.query),
  );
  r.post(
    '/me/notifications/read',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Mark some (ids) or all notifications read',
        body: MarkReadBody,
        response: { 200: z.object({ unread: z.number() }) },
      },
    },
    (request) => social.markRead(request.actor, request.body.ids),
  );
}
