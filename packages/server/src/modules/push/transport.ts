import http from 'node:http';
import https from 'node:https';
import webpush from 'web-push';
import { guardedLookup } from './endpoint-guard.ts';

/**
 * One push request, RFC 8030 over RFC 8291 encryption and RFC 8292 (VAPID) signing. The crypto is
 * web-push's (the encryption in a worker thread: encryptor.ts); the transport is ours, so that it keeps connections alive (thousands of pushes a
 * second go to a handful of push-service hosts), speaks plain http to a push service on a private
 * network when the operator allows it, checks every address it connects to, and bounds the time and
 * the response it will wait for.
 */
export interface PushOptions {
  ttlSeconds: number;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
  /** Push services replace a stored, undelivered message of the same topic (≤ 32 base64url chars). */
  topic?: string;
}

export interface Transport {
  /** Posts a body already encrypted for this subscription (encryptor.ts). */
  send(
    endpoint: string,
    body: Uint8Array,
    options: PushOptions,
  ): Promise<{ status: number | null; error?: string }>;
  close(): void;
}

export interface TransportOptions {
  publicKey: string;
  privateKey: string;
  subject: string;
  allowPrivate: boolean;
  timeoutMs?: number;
  /** Open connections per push-service host. */
  sockets?: number;
  now?: () => number;
}

/** A VAPID token is good for 12 h; one is signed per push-service origin and reused for 6. */
const VAPID_REUSE_MS = 6 * 3_600_000;
const RESPONSE_LIMIT = 4_096;

export function createTransport(o: TransportOptions): Transport {
  const now = o.now ?? Date.now;
  const lookup = guardedLookup(o.allowPrivate);
  const agentOptions = { keepAlive: true, maxSockets: o.sockets ?? 64, lookup };
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
  const vapid = new Map<string, { header: string; until: number }>();

  function authorization(origin: string): string {
    const cached = vapid.get(origin);
    if (cached && cached.until > now()) return cached.header;
    const expiration = Math.floor(now() / 1000) + 12 * 3600;
    const { Authorization } = webpush.getVapidHeaders(
      origin,
      o.subject,
      o.publicKey,
      o.privateKey,
      'aes128gcm',
      expiration,
    ) as { Authorization: string };
    vapid.set(origin, { header: Authorization, until: now() + VAPID_REUSE_MS });
    return Authorization;
  }

  return {
    send(endpoint, body, options) {
      return new Promise((resolve) => {
        const url = new URL(endpoint);
        const secure = url.protocol === 'https:';
        if (!secure && !(o.allowPrivate && url.protocol === 'http:')) {
          resolve({ status: null, error: 'endpoint is not https' });
          return;
        }
        const headers: Record<string, string | number> = {
          TTL: options.ttlSeconds,
          Urgency: options.urgency,
          'Content-Type': 'application/octet-stream',
          'Content-Encoding': 'aes128gcm',
          'Content-Length': body.length,
          Authorization: authorization(url.origin),
        };
        if (options.topic) headers.Topic = options.topic;
        const request = (secure ? https : http).request(
          url,
          {
            method: 'POST',
            headers,
            agent: secure ? agents.https : agents.http,
            timeout: o.timeoutMs ?? 10_000,
          },
          (response) => {
            let seen = 0;
            response.on('data', (chunk: Buffer) => {
              seen += chunk.length;
              // A push service has nothing long to say; one that streams forever is cut off.
              if (seen > RESPONSE_LIMIT) response.destroy();
            });
            response.on('close', () => resolve({ status: response.statusCode ?? null }));
            response.on('error', () => resolve({ status: response.statusCode ?? null }));
          },
        );
        request.on('timeout', () => request.destroy(new Error('push service did not answer in time')));
        request.on('error', (err) => resolve({ status: null, error: err.message }));
        request.end(body);
      });
    },
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/** What a push service's answer means for the delivery (RFC 8030 §5, and what FCM/Mozilla send). */
export function outcomeOf(status: number | null): 'sent' | 'gone' | 'failed' | 'retry' {
  if (status === null) return 'retry';
  if (status >= 200 && status < 300) return 'sent';
  if (status === 404 || status === 410) return 'gone';
  if (status === 429 || status >= 500) return 'retry';
  // 400 (malformed), 401/403 (our VAPID key is not the one it was subscribed with), 413 (too big):
  // sending the same again will not help.
  return 'failed';
}
