import {
  CommentPage,
  cleanString,
  FansOnlyBody,
  HandleParams,
  IdParams,
  ModerationSettings,
  MuteBody,
  Ok,
  ReportBody,
  ShareLink,
  UpdateChatSettingsBody,
} from '@onair/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ChatService } from './chat.service.ts';

const HistoryQuery = z.object({
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
const PinBody = z.object({ commentId: z.uuid().nullable() }).strict();
const ModerationBody = z.discriminatedUnion('action', [
  z
    .object({ action: z.literal('mute'), handle: cleanString().max(24), minutes: MuteBody.shape.minutes })
    .strict(),
  z.object({ action: z.enum(['unmute', 'ban', 'unban']), handle: cleanString().max(24) }).strict(),
]);
const CodeParams = z.object({ code: z.string().regex(/^[A-Za-z0-9_-]{4,20}$/) });
const Blocked = z.object({ blocked: z.boolean() });

export async function chatRoutes(app: FastifyInstance, { chat }: { chat: ChatService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['chat'];

  r.get(
    '/sessions/:id/comments',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: "A LIVE session's chat, newest first",
        params: IdParams,
        querystring: HistoryQuery,
        response: { 200: CommentPage },
      },
    },
    (request) => chat.history(request.params.id, request.query.before, request.query.limit),
  );
  r.put(
    '/sessions/:id/pin',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Pin a comment (or unpin with null)',
        params: IdParams,
        body: PinBody,
        response: { 200: Ok },
      },
    },
    async (request) => {
      await chat.pin(request.actor, request.params.id, request.body.commentId);
      return { ok: true as const };
    },
  );
  r.post(
    '/sessions/:id/moderation',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Mute, unmute, ban or unban a viewer',
        params: IdParams,
        body: ModerationBody,
        response: { 200: Ok },
      },
    },
    async (request) => {
      const b = request.body;
      await chat.sanction(
        request.actor,
        request.params.id,
        b.handle,
        b.action,
        b.action === 'mute' ? b.minutes : undefined,
      );
      return { ok: true as const };
    },
  );
  r.delete(
    '/comments/:id',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Delete a comment (author, host, moderator)',
        params: IdParams,
        response: { 200: Ok },
      },
    },
    async (request) => {
      await chat.deleteComment(request.actor, request.params.id);
      return { ok: true as const };
    },
  );
  r.post(
    '/comments/:id/report',
    {
      config: { auth: 'user', rateLimit: { limit: 'reports', by: 'user' } },
      schema: {
        tags,
        summary: 'Report a comment to the admins',
        params: IdParams,
        body: ReportBody,
        response: { 200: Ok },
      },
    },
    async (request) => {
      await chat.report(request.actor, request.params.id, request.body.reason);
      return { ok: true as const };
    },
  );
  r.put(
    '/sessions/:id/fans-only',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Fans-only chat on or off (host or moderator): only fan club members may comment',
        params: IdParams,
        body: FansOnlyBody,
        response: { 200: Ok },
      },
    },
    async (request) => {
      await chat.setFansOnly(request.actor, request.params.id, request.body.fansOnly);
      return { ok: true as const };
    },
  );
  r.get(
    '/admin/reports',
    { config: { auth: 'user' }, schema: { tags: ['admin'], summary: 'Open comment reports' } },
    (request) => chat.reports(request.actor),
  );
  r.get(
    '/me/chat-settings',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Your moderators, muted and banned viewers, filters',
        response: { 200: ModerationSettings },
      },
    },
    (request) => chat.settings(request.actor),
  );
  r.patch(
    '/me/chat-settings',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Banned words and slow mode',
        body: UpdateChatSettingsBody,
        response: { 200: ModerationSettings },
      },
    },
    (request) => chat.updateSettings(request.actor, request.body),
  );
  r.put(
    '/me/moderators/:handle',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Appoint a moderator',
        params: HandleParams,
        response: { 200: ModerationSettings },
      },
    },
    (request) => chat.setModerator(request.actor, request.params.handle, true),
  );
  r.delete(
    '/me/moderators/:handle',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Remove a moderator',
        params: HandleParams,
        response: { 200: ModerationSettings },
      },
    },
    (request) => chat.setModerator(request.actor, request.params.handle, false),
  );
  r.put(
    '/users/:handle/block',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Block: they cannot comment in your LIVE and you do not see them',
        params: HandleParams,
        response: { 200: Blocked },
      },
    },
    (request) => chat.block(request.actor, request.params.handle, true),
  );
  r.delete(
    '/users/:handle/block',
    {
      config: { auth: 'user' },
      schema: { tags, summary: 'Unblock', params: HandleParams, response: { 200: Blocked } },
    },
    (request) => chat.block(request.actor, request.params.handle, false),
  );
  r.post(
    '/users/:handle/share',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: "Your share link to a creator's LIVE (credits you with visits and follows)",
        params: HandleParams,
        response: { 200: ShareLink },
      },
    },
    (request) => chat.share(request.actor, request.params.handle),
  );
  r.post(
    '/share/:code/visit',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'Count a visit through a share link',
        params: CodeParams,
        response: { 200: z.object({ counted: z.boolean() }) },
      },
    },
    (request) => chat.shareVisit(request.params.code),
  );
  r.get(
    '/me/shares',
    { config: { auth: 'user' }, schema: { tags, summary: 'Who shared your LIVEs and what it brought' } },
    (request) => chat.shareStats(request.actor),
  );
}
