import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Db } from '../../db/database.ts';
import { checkLedger } from './check-ledger.ts';

/**
 * Test support for the money loop: real API calls and the live domain's own ingest hooks (what RTMP
 * would trigger), so economy tests exercise the same paths as production.
 */
export type TestUser = { user: { id: string; handle: string }; auth: { authorization: string } };

const STREAM_INFO = { videoCodec: 'h264', audioCodec: 'aac', width: 720, height: 1280, fps: 30 };

/** Makes the user a creator and takes their room LIVE; returns the session id. */
export async function goLive(app: FastifyInstance, creator: TestUser): Promise<string> {
  await app.inject({ method: 'POST', url: '/api/v1/me/creator', headers: creator.auth });
  const { live } = app.services;
  const key = await live.streamKeyFor(creator.user.id);
  if (!key) throw new Error(`@${creator.user.handle} cannot go LIVE`);
  const auth = await live.hooks.authorizePublish({ app: 'live', name: key, clientIp: '127.0.0.1' });
  if (!auth) throw new Error(`publish refused for @${creator.user.handle}`);
  await live.hooks.published(auth.streamId, STREAM_INFO);
  return auth.streamId;
}

export async function endLive(app: FastifyInstance, sessionId: string): Promise<void> {
  await app.services.live.hooks.unpublished(sessionId, 'stopped');
}

let keys = 0;
export const newKey = (prefix = 'key') => `${prefix}-${Date.now().toString(36)}-${(++keys).toString(36)}`;

/** Buys a package with the sandbox provider through the API (create + confirm). */
export async function buyCoins(app: FastifyInstance, who: TestUser, packageId = 'coins_700') {
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/wallet/purchases',
    headers: who.auth,
    payload: { packageId, idempotencyKey: newKey('buy') },
  });
  if (created.statusCode !== 201) throw new Error(`purchase failed: ${created.body}`);
  const confirmed = await app.inject({
    method: 'POST',
    url: `/api/v1/wallet/purchases/${created.json().id}/confirm`,
    headers: who.auth,
    payload: {},
  });
  if (confirmed.json().status !== 'succeeded') throw new Error(`confirm failed: ${confirmed.body}`);
  return confirmed.json() as { id: string; coins: number };
}

export async function wallet(
  app: FastifyInstance,
  who: TestUser,
): Promise<{ coins: number; diamonds: number }> {
  return (await app.inject({ url: '/api/v1/wallet', headers: who.auth })).json();
}

export function sendGift(
  app: FastifyInstance,
  who: TestUser,
  creatorHandle: string,
  body: Record<string, unknown>,
) {
  return app.inject({
    method: 'POST',
    url: `/api/v1/rooms/${creatorHandle}/gifts`,
    headers: who.auth,
    payload: { idempotencyKey: newKey('gift'), ...body },
  });
}

/** The invariant checker, run at the end of every money test: fails with its precise report. */
export async function expectLedgerOk(db: Db): Promise<void> {
  const report = await checkLedger(db);
  expect(report.problems, JSON.stringify(report.problems, null, 2)).toEqual([]);
  expect(report.ok).toBe(true);
}
