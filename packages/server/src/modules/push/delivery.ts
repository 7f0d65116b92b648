import type { PushKind, PushPayload } from '@onair/protocol';
import type { Expression } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../../db/database.ts';
import type { Jobs } from '../../jobs/jobs.ts';
import { createEncryptor } from './encryptor.ts';
import type { PushConfig } from './push.config.ts';
import * as repo from './push.repository.ts';
import { createTransport, outcomeOf, type PushOptions } from './transport.ts';

export const PUSH_JOBS = { send: 'push.send', cleanup: 'push.cleanup' } as const;

/** Requests in flight per batch; a node runs a few batches at once (jobs' leased lane). */
const IN_FLIGHT = 32;
/** Subscriptions encrypted for per request to the encryption thread: sending starts after the first. */
const ENCRYPT_CHUNK = 50;
/** Results are written back in groups: a node killed mid-batch resends at most the unwritten ones. */
const RECORD_EVERY = 20;
/** Renewed while a batch runs: a node that dies hands its batches on within this long. */
const LEASE_MS = 15_000;
const KEEP_MS = 86_400_000;

/** How long each kind is worth delivering, and how urgently (RFC 8030 TTL and Urgency). */
const DELIVERY: Record<PushKind | 'test', Pick<PushOptions, 'ttlSeconds' | 'urgency'>> = {
  live: { ttlSeconds: 3_600, urgency: 'high' },
  reminders: { ttlSeconds: 900, urgency: 'high' },
  battles: { ttlSeconds: 120, urgency: 'high' },
  money: { ttlSeconds: 86_400, urgency: 'normal' },
  test: { ttlSeconds: 300, urgency: 'high' },
};

export interface Message {
  /** Unique per thing told: a second enqueue of the same key changes nothing. */
  key: string;
  kind: PushKind | 'test';
  title: string;
  body: string;
  url: string;
  /** One per thing shown: a message delivered twice replaces itself on screen. */
  tag: string;
  icon?: string | undefined;
}

export interface DeliveryDeps {
  db: Db;
  jobs: Jobs;
  config: PushConfig;
  log: Logger;
  now: () => number;
}

/**
 * The outbox: `enqueue` stores a message and its deliveries (inside the caller's transaction) and
 * schedules one `push.send` job per batch; those jobs run leased, outside any transaction, and
 * write each result back as they go.
 */
export function createDelivery({ db, jobs, config, log, now }: DeliveryDeps) {
  const transport = createTransport({
    publicKey: config.publicKey,
    privateKey: config.privateKey,
    subject: config.subject,
    allowPrivate: config.allowPrivate,
    now,
  });
  const encryptor = createEncryptor();

  async function enqueue(
    trx: Db,
    message: Message,
    audience: { users: Expression<unknown> | readonly string[]; deviceId?: string },
  ): Promise<{ deliveries: number; batches: number }> {
    const at = new Date(now());
    const payload: PushPayload = {
      kind: message.kind,
      title: message.title,
      body: message.body,
      url: message.url,
      tag: message.tag,
      ...(message.icon ? { icon: message.icon } : {}),
      sentAt: at.toISOString(),
    };
    const id = await repo.createMessage(trx, {
      key: message.key,
      kind: message.kind,
      payload,
      now: at,
      ...DELIVERY[message.kind],
    });
    if (id === null) return { deliveries: 0, batches: 0 };
    const everyday = message.kind === 'live' || message.kind === 'reminders';
    const out = await repo.insertDeliveries(trx, id, {
      users: audience.users,
      kind: message.kind,
      ...(audience.deviceId ? { deviceId: audience.deviceId } : {}),
      capped: everyday,
      quiet: message.kind !== 'test',
      maxPerHour: config.maxPerHour,
      now: at,
    });
    for (let b = 0; b < out.batches; b++)
      await jobs.schedule(PUSH_JOBS.send, `${id}:${b}`, at, { messageId: id, batch: b }, trx);
    if (out.batches > 0) {
      const day = at.toISOString().slice(0, 10);
      await jobs.schedule(PUSH_JOBS.cleanup, day, new Date(at.getTime() + KEEP_MS), {}, trx);
    }
    return out;
  }

  async function sendBatch(messageId: string, batch: number): Promise<void> {
    const loaded = await repo.loadBatch(db, messageId, batch);
    if (!loaded || loaded.pending.length === 0) return;
    const { message, pending } = loaded;
    if (message.expiresAt.getTime() <= now()) {
      await repo.expireBatch(db, messageId, batch);
      log.info({ messageId, batch, expired: pending.length }, 'push expired before delivery');
      return;
    }
    const body = JSON.stringify(message.payload);
    const options: PushOptions = {
      ttlSeconds: Math.max(0, Math.round((message.expiresAt.getTime() - now()) / 1000)),
      urgency: message.urgency as PushOptions['urgency'],
      // Same topic for every copy: a push service holding an undelivered copy keeps only one.
      topic: message.key.replace(/[^A-Za-z0-9_-]/g, '').slice(-32),
    };
    let results: { subscriptionId: string; outcome: repo.Outcome; status: number | null }[] = [];
    let writing: Promise<void> = Promise.resolve();
    const flush = () => {
      const chunk = results;
      results = [];
      if (chunk.length > 0) writing = writing.then(() => repo.record(db, messageId, chunk, new Date(now())));
    };
    const chunks: Promise<(Uint8Array | string)[]>[] = [];
    for (let i = 0; i < pending.length; i += ENCRYPT_CHUNK)
      chunks.push(encryptor.encrypt(body, pending.slice(i, i + ENCRYPT_CHUNK)));
    let next = 0;
    let retry = 0;
    const worker = async () => {
      while (next < pending.length) {
        const i = next++;
        const target = pending[i]!;
        const sealed = (await chunks[Math.floor(i / ENCRYPT_CHUNK)]!)[i % ENCRYPT_CHUNK]!;
        const { status, error } =
          typeof sealed === 'string'
            ? { status: 400, error: `cannot encrypt for this subscription: ${sealed}` }
            : await transport.send(target.endpoint, sealed, options);
        const outcome = outcomeOf(status);
        if (outcome === 'retry') retry++;
        if (outcome === 'failed' || error)
          log.warn({ messageId, subscriptionId: target.subscriptionId, status, error }, 'push not delivered');
        results.push({ subscriptionId: target.subscriptionId, outcome, status });
        if (results.length >= RECORD_EVERY) flush();
      }
    };
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, pending.length) }, worker));
    flush();
    await writing;
    // Those the push service could not take now are left pending; the job's backoff retries them.
    if (retry > 0) throw new Error(`${retry} of ${pending.length} pushes to retry`);
  }

  jobs.registerLeased<{ messageId: string; batch: number }>(
    PUSH_JOBS.send,
    ({ job }) => sendBatch(job.payload.messageId, job.payload.batch),
    { leaseMs: LEASE_MS, maxAttempts: 12, backoffMs: (n) => Math.min(5_000 * 2 ** (n - 1), 1_800_000) },
  );
  jobs.register(PUSH_JOBS.cleanup, async ({ trx }) => {
    const removed = await repo.deleteOlderThan(trx, new Date(now() - KEEP_MS));
    log.info({ removed }, 'old push messages removed');
  });

  return {
    enqueue,
    close: async () => {
      transport.close();
      await encryptor.close();
    },
  };
}

export type Delivery = ReturnType<typeof createDelivery>;
