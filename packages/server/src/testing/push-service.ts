import { createECDH, createPublicKey, type ECDH, randomBytes, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
// @ts-expect-error http_ece ships no types; decrypt(buffer, params) → Buffer is all this uses.
import ece from 'http_ece';

/**
 * A push service for tests: the receiving side of RFC 8030, checked the way the real ones check.
 * Each request must carry a VAPID authorization (RFC 8292) whose ES256 token verifies against the
 * key it names, with this service's origin as audience and an expiry within 24 h, a TTL, and an
 * aes128gcm body (RFC 8291) that decrypts with the subscription's private key and auth secret.
 * What it received, decrypted, is kept per subscription; anything else is refused with a 4xx and
 * counted as a rejection. The public push services cannot be reached from here; this one speaks
 * the same protocol over loopback.
 */
export interface StandInSubscription {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface Received {
  subscriptionId: string;
  payload: unknown;
  ttl: number;
  urgency: string | null;
  topic: string | null;
  vapidKey: string;
}

export interface PushServiceOptions {
  /** Decrypt and check every request (default); `false` checks every 100th and counts the rest. */
  verifyAll?: boolean;
  /** Answer this share of requests with 500 (a flaky push service). */
  failRate?: number;
}

const b64u = (b: Buffer) => b.toString('base64url');

function verifyVapid(authorization: string | undefined, origin: string): { key: string } | string {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
  if (!m) return 'no vapid authorization';
  const [, token, key] = m as unknown as [string, string, string];
  const [h, p, s] = token.split('.');
  if (!h || !p || !s) return 'malformed token';
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string };
  if (header.alg !== 'ES256') return 'token is not ES256';
  const raw = Buffer.from(key, 'base64url');
  if (raw.length !== 65 || raw[0] !== 4) return 'k is not an uncompressed P-256 key';
  const publicKey = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64u(raw.subarray(1, 33)), y: b64u(raw.subarray(33)) },
    format: 'jwk',
  });
  const ok = verify(
    'sha256',
    Buffer.from(`${h}.${p}`),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(s, 'base64url'),
  );
  if (!ok) return 'bad token signature';
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as {
    aud?: string;
    exp?: number;
    sub?: string;
  };
  const now = Date.now() / 1000;
  if (claims.aud !== origin) return `audience ${claims.aud} is not ${origin}`;
  if (!claims.exp || claims.exp <= now || claims.exp > now + 86_400) return 'expiry not within 24 h';
  if (!claims.sub || !/^(mailto:|https:)/.test(claims.sub)) return 'no contact subject';
  return { key };
}

export async function startPushService(options: PushServiceOptions = {}) {
  const keys = new Map<string, { ecdh: ECDH; auth: Buffer }>();
  const received = new Map<string, Received[]>();
  const counts = new Map<string, number>();
  const rejections: string[] = [];
  const gone = new Set<string>();
  let down = false;
  let requests = 0;
  let origin = '';

  const refuse = (res: ServerResponse, status: number, why: string) => {
    rejections.push(why);
    res.writeHead(status).end(why);
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    requests++;
    if (down) return req.socket.destroy();
    const id = /^\/push\/([A-Za-z0-9_-]+)$/.exec(req.url ?? '')?.[1];
    if (req.method !== 'POST' || !id || !keys.has(id))
      return refuse(res, 404, `no subscription at ${req.url}`);
    if (gone.has(id)) return res.writeHead(410).end('gone');
    if (options.failRate && Math.random() < options.failRate) return res.writeHead(500).end('try later');
    const ttl = Number(req.headers.ttl);
    if (req.headers.ttl === undefined || !Number.isInteger(ttl) || ttl < 0) return refuse(res, 400, 'no TTL');
    if (req.headers['content-encoding'] !== 'aes128gcm') return refuse(res, 415, 'not aes128gcm');
    const n = (counts.get(id) ?? 0) + 1;
    counts.set(id, n);
    const check = options.verifyAll !== false || requests % 100 === 1;
    let payload: unknown = null;
    let vapidKey = '';
    if (check) {
      const vapid = verifyVapid(req.headers.authorization, origin);
      if (typeof vapid === 'string') return refuse(res, 401, vapid);
      vapidKey = vapid.key;
      const sub = keys.get(id)!;
      try {
        const plain: Buffer = ece.decrypt(Buffer.concat(chunks), {
          version: 'aes128gcm',
          privateKey: sub.ecdh,
          authSecret: b64u(sub.auth),
        });
        payload = JSON.parse(plain.toString('utf8'));
      } catch (err) {
        return refuse(res, 400, `cannot decrypt: ${(err as Error).message}`);
      }
    }
    const list = received.get(id) ?? [];
    list.push({
      subscriptionId: id,
      payload,
      ttl,
      urgency: (req.headers.urgency as string | undefined) ?? null,
      topic: (req.headers.topic as string | undefined) ?? null,
      vapidKey,
    });
    received.set(id, list);
    res.writeHead(201, { location: `${origin}/message/${id}/${n}` }).end();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => refuse(res, 500, String(err)));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** A subscription with fresh keys, or with `share`d ones (many devices, one key pair: benchmarks). */
  function subscribe(share?: StandInSubscription): StandInSubscription {
    const id = randomBytes(12).toString('base64url');
    if (share) {
      keys.set(id, keys.get(share.id)!);
      return { id, endpoint: `${origin}/push/${id}`, keys: share.keys };
    }
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16);
    keys.set(id, { ecdh, auth });
    return {
      id,
      endpoint: `${origin}/push/${id}`,
      keys: { p256dh: b64u(ecdh.getPublicKey()), auth: b64u(auth) },
    };
  }

  return {
    origin,
    subscribe,
    /** What one subscription received, decrypted, in order. */
    received: (id: string) => received.get(id) ?? [],
    /** Requests accepted per subscription (each one counted, verified or not). */
    count: (id: string) => counts.get(id) ?? 0,
    /** Subscriptions that received at least one push, and the total accepted. */
    totals: () => ({ reached: counts.size, accepted: [...counts.values()].reduce((a, b) => a + b, 0) }),
    counts: () => counts,
    rejections: () => rejections,
    /** From now on this subscription is gone (410), as when its browser unsubscribed. */
    expire: (id: string) => gone.add(id),
    /** Drops every connection unanswered while down (the service is unreachable). */
    setDown: (value: boolean) => {
      down = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type PushServiceStandIn = Awaited<ReturnType<typeof startPushService>>;
