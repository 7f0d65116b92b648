import { formatLocalDateTime } from '@onair/core';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeWebDist, signup, testApp } from '../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../test/databases.ts';
import { authPlugin } from './auth.ts';

type Who = 'anonymous' | 'viewer' | 'creator' | 'admin';
const WHO: Who[] = ['anonymous', 'viewer', 'creator', 'admin'];
const OTHER_ID = '00000000-0000-4000-8000-000000000000';

interface Row {
  /** A request that would succeed for an allowed caller. */
  request: (ctx: Ctx) => { url: string; payload?: object } | Promise<{ url: string; payload?: object }>;
  /** Expected status per caller. */
  expect: Record<Who, number>;
}
interface Ctx {
  viewerId: string;
  creatorHandle: string;
  tokenId: (who: Who) => string;
  /** The creator's LIVE session. */
  sessionId: string;
  /** A new comment by the viewer in that session. */
  freshComment: () => Promise<string>;
  /** A scheduled LIVE of the creator's that stays scheduled, and one the cancel row cancels. */
  eventId: string;
  cancelEventId: string;
}

const all = (status: number): Record<Who, number> => ({
  anonymous: status,
  viewer: status,
  creator: status,
  admin: status,
});
const signedIn = (status: number): Record<Who, number> => ({
  anonymous: 401,
  viewer: status,
  creator: status,
  admin: status,
});
const creatorsOnly = (status: number): Record<Who, number> => ({
  anonymous: 401,
  viewer: 403,
  creator: status,
  admin: status,
});
const WS_WITHOUT_UPGRADE = 404;
const adminOnly = (status: number): Record<Who, number> => ({
  anonymous: 401,
  viewer: 403,
  creator: 403,
  admin: status,
});

/**
 * Every route × every kind of caller. A route that exists but has no row here fails the
 * "covers every route" test, so new routes cannot skip this table.
 */
const MATRIX: Record<string, Row> = {
  'GET /healthz': { request: () => ({ url: '/healthz' }), expect: all(200) },
  'GET /readyz': { request: () => ({ url: '/readyz' }), expect: all(200) },
  'GET /metrics': { request: () => ({ url: '/metrics' }), expect: all(200) },
  // Browsers send violation reports without credentials; anyone may, within a rate limit.
  'POST /api/v1/csp-report': {
    request: () => ({
      url: '/api/v1/csp-report',
      payload: { 'csp-report': { 'effective-directive': 'img-src', 'blocked-uri': 'https://x.test' } },
    }),
    expect: all(204),
  },
  'POST /api/v1/auth/signup': {
    // Signed-in callers may create another account too (a creator's second channel).
    request: () => ({
      url: '/api/v1/auth/signup',
      payload: { handle: `m${Math.random().toString(36).slice(2, 10)}`, password: 'password123' },
    }),
    expect: all(201),
  },
  'POST /api/v1/auth/login': {
    request: (c) => ({
      url: '/api/v1/auth/login',
      payload: { handle: c.creatorHandle, password: 'password123' },
    }),
    expect: all(200),
  },
  'POST /api/v1/auth/logout': { request: () => ({ url: '/api/v1/auth/logout' }), expect: signedIn(200) },
  'GET /api/v1/me': { request: () => ({ url: '/api/v1/me' }), expect: signedIn(200) },
  'PATCH /api/v1/me': {
    request: () => ({ url: '/api/v1/me', payload: { bio: 'hello' } }),
    expect: signedIn(200),
  },
  'POST /api/v1/me/creator': { request: () => ({ url: '/api/v1/me/creator' }), expect: signedIn(200) },
  'GET /api/v1/me/tokens': { request: () => ({ url: '/api/v1/me/tokens' }), expect: signedIn(200) },
  'POST /api/v1/me/tokens': {
    request: () => ({ url: '/api/v1/me/tokens', payload: { name: 'bot' } }),
    expect: signedIn(201),
  },
  'DELETE /api/v1/me/tokens/:id': {
    request: (c) => ({ url: `/api/v1/me/tokens/${c.tokenId('viewer')}` }),
    // Only the viewer owns this token; everyone else's delete finds nothing.
    expect: { anonymous: 401, viewer: 200, creator: 404, admin: 404 },
  },
  'GET /api/v1/users/:handle': {
    request: (c) => ({ url: `/api/v1/users/${c.creatorHandle}` }),
    expect: all(200),
  },
  'GET /api/v1/admin/users': { request: () => ({ url: '/api/v1/admin/users' }), expect: adminOnly(200) },
  'PUT /api/v1/admin/users/:id/role': {
    request: (c) => ({ url: `/api/v1/admin/users/${c.viewerId}/role`, payload: { role: 'viewer' } }),
    expect: adminOnly(200),
  },
  'GET /api/v1/feed': { request: () => ({ url: '/api/v1/feed' }), expect: all(200) },
  'GET /api/v1/rooms/:handle': {
    request: (c) => ({ url: `/api/v1/rooms/${c.creatorHandle}` }),
    expect: all(200),
  },
  'GET /api/v1/me/room': { request: () => ({ url: '/api/v1/me/room' }), expect: creatorsOnly(200) },
  'PATCH /api/v1/me/room': {
    request: () => ({ url: '/api/v1/me/room', payload: { title: 'Hello' } }),
    expect: creatorsOnly(200),
  },
  'POST /api/v1/me/room/stream-key': {
    request: () => ({ url: '/api/v1/me/room/stream-key' }),
    expect: creatorsOnly(200),
  },
  'GET /api/v1/users/:handle/follow': {
    request: (c) => ({ url: `/api/v1/users/${c.creatorHandle}/follow` }),
    expect: all(200),
  },
  // Following yourself is refused (400) — the creator is the target of these two rows.
  'PUT /api/v1/users/:handle/follow': {
    request: (c) => ({ url: `/api/v1/users/${c.creatorHandle}/follow` }),
    expect: { anonymous: 401, viewer: 200, creator: 400, admin: 200 },
  },
  'DELETE /api/v1/users/:handle/follow': {
    request: (c) => ({ url: `/api/v1/users/${c.creatorHandle}/follow` }),
    expect: { anonymous: 401, viewer: 200, creator: 400, admin: 200 },
  },
  // Everyone but the admin follows the admin (set up below), so only the admin's own row is refused.
  'PUT /api/v1/users/:handle/follow/notify': {
    request: () => ({ url: '/api/v1/users/matrix_admin/follow/notify', payload: { notify: false } }),
    expect: { anonymous: 401, viewer: 200, creator: 200, admin: 400 },
  },
  'GET /api/v1/me/following': { request: () => ({ url: '/api/v1/me/following' }), expect: signedIn(200) },
  'GET /api/v1/me/notifications': {
    request: () => ({ url: '/api/v1/me/notifications' }),
    expect: signedIn(200),
  },
  'POST /api/v1/me/notifications/read': {
    request: () => ({ url: '/api/v1/me/notifications/read', payload: {} }),
    expect: signedIn(200),
  },
  // Economy. Money is private: purchases, wallets and withdrawals answer only their owner, so an
  // unknown (or someone else's) id is a 404 for everyone signed in.
  'GET /api/v1/wallet': { request: () => ({ url: '/api/v1/wallet' }), expect: signedIn(200) },
  'GET /api/v1/wallet/statement': {
    request: () => ({ url: '/api/v1/wallet/statement?asset=DIAMOND' }),
    expect: signedIn(200),
  },
  'GET /api/v1/coin-packages': { request: () => ({ url: '/api/v1/coin-packages' }), expect: all(200) },
  'POST /api/v1/wallet/purchases': {
    request: () => ({
      url: '/api/v1/wallet/purchases',
      payload: { packageId: 'coins_70', idempotencyKey: `matrix-${Math.random().toString(36).slice(2)}` },
    }),
    expect: signedIn(201),
  },
  'GET /api/v1/wallet/purchases/:id': {
    request: () => ({ url: `/api/v1/wallet/purchases/${OTHER_ID}` }),
    expect: signedIn(404),
  },
  'POST /api/v1/wallet/purchases/:id/confirm': {
    request: () => ({ url: `/api/v1/wallet/purchases/${OTHER_ID}/confirm`, payload: {} }),
    expect: signedIn(404),
  },
  'GET /api/v1/gifts': { request: () => ({ url: '/api/v1/gifts' }), expect: all(200) },
  // The creator is not LIVE: others are told the room is offline, the creator cannot gift themself.
  'POST /api/v1/rooms/:handle/gifts': {
    request: (c) => ({
      url: `/api/v1/rooms/${c.creatorHandle}/gifts`,
      payload: { giftId: 'rose', idempotencyKey: `matrix-${Math.random().toString(36).slice(2)}` },
    }),
    expect: { anonymous: 401, viewer: 409, creator: 400, admin: 409 },
  },
  'GET /api/v1/rooms/:handle/top-gifters': {
    request: (c) => ({ url: `/api/v1/rooms/${c.creatorHandle}/top-gifters` }),
    expect: all(200),
  },
  'GET /api/v1/rooms/:handle/leaderboard': {
    request: (c) => ({ url: `/api/v1/rooms/${c.creatorHandle}/leaderboard?window=weekly` }),
    expect: all(200),
  },
  'GET /api/v1/leagues/me': { request: () => ({ url: '/api/v1/leagues/me' }), expect: signedIn(200) },
  'GET /api/v1/leagues/:handle': {
    request: (c) => ({ url: `/api/v1/leagues/${c.creatorHandle}` }),
    expect: all(200),
  },
  'GET /api/v1/me/earnings': { request: () => ({ url: '/api/v1/me/earnings' }), expect: signedIn(200) },
  'GET /api/v1/me/withdrawals': { request: () => ({ url: '/api/v1/me/withdrawals' }), expect: signedIn(200) },
  // Nobody here has diamonds: the request is well-formed and refused for lack of them.
  'POST /api/v1/me/withdrawals': {
    request: () => ({
      url: '/api/v1/me/withdrawals',
      payload: { diamonds: 5000, idempotencyKey: `matrix-${Math.random().toString(36).slice(2)}` },
    }),
    expect: signedIn(402),
  },
  'GET /api/v1/admin/withdrawals': {
    request: () => ({ url: '/api/v1/admin/withdrawals' }),
    expect: adminOnly(200),
  },
  'POST /api/v1/admin/withdrawals/:id/approve': {
    request: () => ({ url: `/api/v1/admin/withdrawals/${OTHER_ID}/approve` }),
    expect: adminOnly(404),
  },
  'POST /api/v1/admin/withdrawals/:id/reject': {
    request: () => ({ url: `/api/v1/admin/withdrawals/${OTHER_ID}/reject`, payload: {} }),
    expect: adminOnly(404),
  },
  'POST /api/v1/admin/withdrawals/:id/payout': {
    request: () => ({ url: `/api/v1/admin/withdrawals/${OTHER_ID}/payout` }),
    expect: adminOnly(404),
  },
  'GET /api/v1/admin/gifts': { request: () => ({ url: '/api/v1/admin/gifts' }), expect: adminOnly(200) },
  'POST /api/v1/admin/gifts': {
    request: () => ({
      url: '/api/v1/admin/gifts',
      payload: {
        id: `g${Math.random().toString(36).slice(2, 10)}`,
        name: 'Matrix',
        coins: 7,
        icon: '🧪',
        animation: 'float',
        tier: 'small',
      },
    }),
    expect: adminOnly(201),
  },
  'PATCH /api/v1/admin/gifts/:id': {
    request: () => ({ url: '/api/v1/admin/gifts/rose', payload: { name: 'Rose' } }),
    expect: adminOnly(200),
  },
  'GET /api/v1/admin/coin-packages': {
    request: () => ({ url: '/api/v1/admin/coin-packages' }),
    expect: adminOnly(200),
  },
  'POST /api/v1/admin/coin-packages': {
    request: () => ({
      url: '/api/v1/admin/coin-packages',
      payload: {
        id: `p${Math.random().toString(36).slice(2, 10)}`,
        coins: 10,
        priceCents: 15,
        currency: 'USD',
      },
    }),
    expect: adminOnly(201),
  },
  'PATCH /api/v1/admin/coin-packages/:id': {
    request: () => ({ url: '/api/v1/admin/coin-packages/coins_70', payload: { priceCents: 99 } }),
    expect: adminOnly(200),
  },
  'POST /api/v1/admin/purchases/:id/refund': {
    request: () => ({ url: `/api/v1/admin/purchases/${OTHER_ID}/refund` }),
    expect: adminOnly(404),
  },
  'GET /api/v1/admin/ledger/check': {
    request: () => ({ url: '/api/v1/admin/ledger/check' }),
    expect: adminOnly(200),
  },
  // Signed by Stripe, not by a user; this test server has no STRIPE_WEBHOOK_SECRET (the Stripe tests do).
  'POST /api/v1/webhooks/stripe': {
    request: () => ({ url: '/api/v1/webhooks/stripe', payload: {} }),
    expect: all(503),
  },
  // Without an Upgrade header the socket route is not reachable; the WS tests cover it as a socket.
  'GET /api/v1/ws': { request: () => ({ url: '/api/v1/ws' }), expect: all(WS_WITHOUT_UPGRADE) },
  'GET /api/v1/sessions/:id/comments': {
    request: (c) => ({ url: `/api/v1/sessions/${c.sessionId}/comments` }),
    expect: all(200),
  },
  'PUT /api/v1/sessions/:id/pin': {
    request: (c) => ({ url: `/api/v1/sessions/${c.sessionId}/pin`, payload: { commentId: null } }),
    expect: { anonymous: 401, viewer: 403, creator: 200, admin: 200 },
  },
  'POST /api/v1/sessions/:id/moderation': {
    request: (c) => ({
      url: `/api/v1/sessions/${c.sessionId}/moderation`,
      payload: { action: 'unmute', handle: 'matrix_target' },
    }),
    expect: { anonymous: 401, viewer: 403, creator: 200, admin: 200 },
  },
  // The viewer wrote the comment: the author, the host and admins may delete it.
  'DELETE /api/v1/comments/:id': {
    request: async (c) => ({ url: `/api/v1/comments/${await c.freshComment()}` }),
    expect: signedIn(200),
  },
  'POST /api/v1/comments/:id/report': {
    request: async (c) => ({
      url: `/api/v1/comments/${await c.freshComment()}/report`,
      payload: { reason: 'spam' },
    }),
    expect: signedIn(200),
  },
  'PUT /api/v1/sessions/:id/fans-only': {
    request: (c) => ({ url: `/api/v1/sessions/${c.sessionId}/fans-only`, payload: { fansOnly: false } }),
    expect: { anonymous: 401, viewer: 403, creator: 200, admin: 200 },
  },
  'GET /api/v1/users/:handle/fan-club': {
    request: (c) => ({ url: `/api/v1/users/${c.creatorHandle}/fan-club` }),
    expect: all(200),
  },
  'GET /api/v1/me/fan-club': { request: () => ({ url: '/api/v1/me/fan-club' }), expect: creatorsOnly(200) },
  'PATCH /api/v1/me/fan-club': {
    request: () => ({ url: '/api/v1/me/fan-club', payload: { badgeName: 'Club' } }),
    expect: creatorsOnly(200),
  },
  'GET /api/v1/studio/fans': { request: () => ({ url: '/api/v1/studio/fans' }), expect: creatorsOnly(200) },
  'GET /api/v1/studio/fans.csv': {
    request: () => ({ url: '/api/v1/studio/fans.csv' }),
    expect: creatorsOnly(200),
  },
  'GET /api/v1/auth/session': { request: () => ({ url: '/api/v1/auth/session' }), expect: all(200) },
  'GET /api/v1/push/key': { request: () => ({ url: '/api/v1/push/key' }), expect: all(200) },
  'GET /api/v1/push/settings': { request: () => ({ url: '/api/v1/push/settings' }), expect: signedIn(200) },
  'PATCH /api/v1/push/settings': {
    request: () => ({ url: '/api/v1/push/settings', payload: { quietHours: null } }),
    expect: signedIn(200),
  },
  // Devices are each owner's alone: another user's (or an unknown) id is not found, even for admins.
  'POST /api/v1/push/devices': {
    request: () => ({
      url: '/api/v1/push/devices',
      payload: { subscription: { endpoint: 'x', keys: { p256dh: 'x', auth: 'x' } } },
    }),
    expect: { anonymous: 401, viewer: 400, creator: 400, admin: 400 },
  },
  'PATCH /api/v1/push/devices/:id': {
    request: () => ({ url: `/api/v1/push/devices/${OTHER_ID}`, payload: { name: 'Phone' } }),
    expect: { anonymous: 401, viewer: 404, creator: 404, admin: 404 },
  },
  'DELETE /api/v1/push/devices/:id': {
    request: () => ({ url: `/api/v1/push/devices/${OTHER_ID}` }),
    expect: { anonymous: 401, viewer: 404, creator: 404, admin: 404 },
  },
  'POST /api/v1/push/devices/:id/test': {
    request: () => ({ url: `/api/v1/push/devices/${OTHER_ID}/test` }),
    expect: { anonymous: 401, viewer: 404, creator: 404, admin: 404 },
  },
  'GET /api/v1/admin/reports': { request: () => ({ url: '/api/v1/admin/reports' }), expect: adminOnly(200) },
  'GET /api/v1/me/chat-settings': {
    request: () => ({ url: '/api/v1/me/chat-settings' }),
    expect: creatorsOnly(200),
  },
  'PATCH /api/v1/me/chat-settings': {
    request: () => ({ url: '/api/v1/me/chat-settings', payload: { slowModeS: 0 } }),
    expect: creatorsOnly(200),
  },
  'PUT /api/v1/me/moderators/:handle': {
    request: () => ({ url: '/api/v1/me/moderators/matrix_target' }),
    expect: creatorsOnly(200),
  },
  'DELETE /api/v1/me/moderators/:handle': {
    request: () => ({ url: '/api/v1/me/moderators/matrix_target' }),
    expect: creatorsOnly(200),
  },
  'PUT /api/v1/users/:handle/block': {
    request: () => ({ url: '/api/v1/users/matrix_target/block' }),
    expect: signedIn(200),
  },
  'DELETE /api/v1/users/:handle/block': {
    request: () => ({ url: '/api/v1/users/matrix_target/block' }),
    expect: signedIn(200),
  },
  'POST /api/v1/users/:handle/share': {
    request: (c) => ({ url: `/api/v1/users/${c.creatorHandle}/share` }),
    expect: signedIn(200),
  },
  'POST /api/v1/share/:code/visit': {
    request: () => ({ url: '/api/v1/share/abcdef/visit' }),
    expect: all(200),
  },
  'GET /api/v1/me/shares': { request: () => ({ url: '/api/v1/me/shares' }), expect: creatorsOnly(200) },
  // Battles: creators only, as themselves. The matrix target is not LIVE, nor is the admin.
  'POST /api/v1/battles/invites': {
    request: () => ({ url: '/api/v1/battles/invites', payload: { handle: 'matrix_target' } }),
    expect: { anonymous: 401, viewer: 403, creator: 409, admin: 409 },
  },
  'POST /api/v1/battles/match': {
    request: () => ({ url: '/api/v1/battles/match', payload: {} }),
    expect: { anonymous: 401, viewer: 403, creator: 200, admin: 409 },
  },
  'DELETE /api/v1/battles/match': {
    request: () => ({ url: '/api/v1/battles/match' }),
    expect: creatorsOnly(200),
  },
  'GET /api/v1/battles/current': {
    request: () => ({ url: '/api/v1/battles/current' }),
    expect: creatorsOnly(200),
  },
  'GET /api/v1/battles/:id': { request: () => ({ url: `/api/v1/battles/${OTHER_ID}` }), expect: all(404) },
  'POST /api/v1/battles/:id/accept': {
    request: () => ({ url: `/api/v1/battles/${OTHER_ID}/accept` }),
    expect: creatorsOnly(404),
  },
  'POST /api/v1/battles/:id/decline': {
    request: () => ({ url: `/api/v1/battles/${OTHER_ID}/decline` }),
    expect: creatorsOnly(404),
  },
  'POST /api/v1/battles/:id/leave': {
    request: () => ({ url: `/api/v1/battles/${OTHER_ID}/leave` }),
    expect: creatorsOnly(404),
  },
  'POST /api/v1/battles/:id/rematch': {
    request: () => ({ url: `/api/v1/battles/${OTHER_ID}/rematch` }),
    expect: creatorsOnly(404),
  },
  'GET /api/v1/sessions/:id/battle': {
    request: (c) => ({ url: `/api/v1/sessions/${c.sessionId}/battle` }),
    expect: all(200),
  },
  'GET /api/v1/users/:handle/battles': {
    request: (c) => ({ url: `/api/v1/users/${c.creatorHandle}/battles` }),
    expect: all(200),
  },
  // Studio: a creator's own figures. A session's figures answer its creator only (admins included).
  'GET /api/v1/studio/sessions': {
    request: () => ({ url: '/api/v1/studio/sessions' }),
    expect: creatorsOnly(200),
  },
  'GET /api/v1/studio/sessions/:id': {
    request: (c) => ({ url: `/api/v1/studio/sessions/${c.sessionId}` }),
    expect: { anonymous: 401, viewer: 403, creator: 200, admin: 403 },
  },
  'GET /api/v1/studio/trends': {
    request: () => ({ url: '/api/v1/studio/trends?from=2026-01-01&to=2026-01-31' }),
    expect: creatorsOnly(200),
  },
  'GET /api/v1/studio/audience': {
    request: () => ({ url: '/api/v1/studio/audience' }),
    expect: creatorsOnly(200),
  },
  'GET /api/v1/studio/heatmap': {
    request: () => ({ url: '/api/v1/studio/heatmap' }),
    expect: creatorsOnly(200),
  },
  'GET /api/v1/studio/insights': {
    request: () => ({ url: '/api/v1/studio/insights' }),
    expect: creatorsOnly(200),
  },
  'GET /api/v1/studio/live': { request: () => ({ url: '/api/v1/studio/live' }), expect: creatorsOnly(200) },
  'GET /api/v1/studio/ranking': {
    request: () => ({ url: '/api/v1/studio/ranking' }),
    expect: creatorsOnly(200),
  },
  'GET /api/v1/studio/rewards': {
    request: () => ({ url: '/api/v1/studio/rewards' }),
    expect: creatorsOnly(200),
  },
  'GET /api/v1/studio/export': {
    request: () => ({ url: '/api/v1/studio/export?dataset=sessions' }),
    expect: creatorsOnly(200),
  },
  'GET /api/v1/search': { request: () => ({ url: '/api/v1/search?q=matrix' }), expect: all(200) },
  'GET /api/v1/tags/trending': { request: () => ({ url: '/api/v1/tags/trending' }), expect: all(200) },
  'GET /api/v1/tags/:tag': { request: () => ({ url: '/api/v1/tags/matrix' }), expect: all(200) },
  'POST /api/v1/events': {
    request: () => ({
      url: '/api/v1/events',
      payload: {
        title: 'Matrix LIVE',
        startsLocal: formatLocalDateTime(Date.now() + 3 * 86_400_000, 'UTC'),
        timeZone: 'UTC',
        durationMin: 30,
      },
    }),
    expect: creatorsOnly(201),
  },
  'GET /api/v1/me/events': { request: () => ({ url: '/api/v1/me/events' }), expect: creatorsOnly(200) },
  'GET /api/v1/events/upcoming': { request: () => ({ url: '/api/v1/events/upcoming' }), expect: all(200) },
  'GET /api/v1/events/:id': { request: (c) => ({ url: `/api/v1/events/${c.eventId}` }), expect: all(200) },
  'GET /api/v1/events/:id.ics': {
    request: (c) => ({ url: `/api/v1/events/${c.eventId}.ics` }),
    expect: all(200),
  },
  // Only the creator who scheduled it; an admin is not its owner either.
  'PATCH /api/v1/events/:id': {
    request: (c) => ({ url: `/api/v1/events/${c.eventId}`, payload: { title: 'Renamed' } }),
    expect: { anonymous: 401, viewer: 403, creator: 200, admin: 403 },
  },
  'POST /api/v1/events/:id/cancel': {
    request: (c) => ({ url: `/api/v1/events/${c.cancelEventId}/cancel` }),
    expect: { anonymous: 401, viewer: 403, creator: 200, admin: 403 },
  },
  'PUT /api/v1/events/:id/rsvp': {
    request: (c) => ({ url: `/api/v1/events/${c.eventId}/rsvp` }),
    expect: signedIn(200),
  },
  'DELETE /api/v1/events/:id/rsvp': {
    request: (c) => ({ url: `/api/v1/events/${c.eventId}/rsvp` }),
    expect: signedIn(200),
  },
  'GET /api/v1/users/:handle/events': {
    request: (c) => ({ url: `/api/v1/users/${c.creatorHandle}/events` }),
    expect: all(200),
  },
  'GET /api/v1/users/:handle/events.ics': {
    request: (c) => ({ url: `/api/v1/users/${c.creatorHandle}/events.ics` }),
    expect: all(200),
  },
  'GET /api/v1/studio/consistency': {
    request: () => ({ url: '/api/v1/studio/consistency?tz=Europe/London' }),
    expect: creatorsOnly(200),
  },
  'GET /': { request: () => ({ url: '/' }), expect: all(200) },
  'GET /*': { request: () => ({ url: '/@someone' }), expect: all(200) },
};

describe.each(testDatabases())('authorization matrix on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  const headers: Record<Who, Record<string, string>> = { anonymous: {}, viewer: {}, creator: {}, admin: {} };
  const tokens: Partial<Record<Who, string>> = {};
  let ctx: Ctx;

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database, { WEB_DIST: await fakeWebDist() });
    const admin = await signup(app, 'matrix_admin', 'password123');
    const viewer = await signup(app, 'matrix_viewer', 'password123');
    const creator = await signup(app, 'matrix_creator', 'password123');
    await app.inject({ method: 'POST', url: '/api/v1/me/creator', headers: creator.auth });
    for (const follower of [viewer, creator]) {
      await app.inject({ method: 'PUT', url: '/api/v1/users/matrix_admin/follow', headers: follower.auth });
    }
    headers.admin = admin.auth;
    headers.viewer = viewer.auth;
    headers.creator = creator.auth;
    await signup(app, 'matrix_target', 'password123');
    // Some rows (regenerating the stream key) end the creator's LIVE: go LIVE again when needed.
    let sessionId = '';
    const ensureLive = async () => {
      const room = (await app.inject({ url: '/api/v1/me/room', headers: creator.auth })).json();
      if (room.state === 'live') return room.session.id as string;
      const { streamId } = (await app.services.live.hooks.authorizePublish({
        app: 'live',
        name: room.ingest.streamKey,
        clientIp: '127.0.0.1',
      }))!;
      await app.services.live.hooks.published(streamId, {
        videoCodec: 'h264',
        audioCodec: null,
        width: 1,
        height: 1,
        fps: 1,
      });
      return streamId;
    };
    sessionId = await ensureLive();
    const viewerActor = { id: viewer.user.id, role: 'viewer' as const };
    const scheduleEvent = async () =>
      (
        await app.services.liveEvents.create(
          { id: creator.user.id, role: 'creator' },
          {
            title: 'Matrix event',
            description: '',
            startsLocal: formatLocalDateTime(Date.now() + 2 * 86_400_000, 'UTC'),
            timeZone: 'UTC',
            durationMin: 30,
            hashtags: [],
          },
        )
      ).id;
    const eventId = await scheduleEvent();
    const cancelEventId = await scheduleEvent();
    ctx = {
      eventId,
      cancelEventId,
      viewerId: viewer.user.id,
      creatorHandle: creator.user.handle,
      tokenId: (who) => tokens[who] ?? OTHER_ID,
      get sessionId() {
        return sessionId;
      },
      freshComment: async () => {
        sessionId = await ensureLive();
        const { id } = await app.services.chat.postComment(viewerActor, sessionId, 'hello there');
        await app.services.chat.drain();
        return id;
      },
    };
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('covers every route the app serves', () => {
    const served = app.declaredRoutes.map((r) => `${r.method} ${r.url}`).sort();
    expect(served).toEqual(Object.keys(MATRIX).sort());
  });

  for (const [route, row] of Object.entries(MATRIX)) {
    it.each(WHO)(`${route} as %s`, async (who) => {
      const [method] = route.split(' ') as [string];
      // Fresh credentials and a fresh viewer token per case, so logout/revoke cases do not leak.
      const h =
        who === 'anonymous'
          ? {}
          : {
              authorization: `Bearer ${
                (
                  await app.inject({
                    method: 'POST',
                    url: '/api/v1/auth/login?token=true',
                    payload: { handle: `matrix_${who}`, password: 'password123' },
                  })
                ).json().token
              }`,
            };
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/me/tokens',
        headers: headers.viewer,
        payload: { name: 't' },
      });
      tokens.viewer = created.json().id;
      const { url, payload } = await row.request(ctx);
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers: h,
        ...(payload ? { payload } : {}),
      });
      expect(res.statusCode, res.body).toBe(row.expect[who]);
    });
  }
});

describe('route auth declarations', () => {
  it('refuses to register a route that does not declare who may call it', async () => {
    const app = Fastify();
    await app.register(authPlugin, { accounts: {} as never, allowedOrigins: new Set<string>() });
    expect(() => app.get('/undeclared', async () => 'oops')).toThrow(/declares no auth mode/);
    await app.close();
  });
});
