import { type Actor, isTimeZone } from '@onair/core';
import {
  type AddPushDeviceBody,
  deviceName,
  type PushDevice,
  type PushKey,
  type PushSettings,
  type UpdatePushDeviceBody,
  type UpdatePushSettingsBody,
} from '@onair/protocol';
import type { Logger } from 'pino';
import { requireAccess } from '../../access.ts';
import type { Db } from '../../db/database.ts';
import type { PushSubscriptionRow } from '../../db/schema.ts';
import { AppError, badRequest, notFound } from '../../errors.ts';
import type { DomainEvents } from '../../events/domain-events.ts';
import type { Jobs } from '../../jobs/jobs.ts';
import { liveAlertAudience } from '../social/live-alerts.read-model.ts';
import type { NotificationChannel } from '../social/social.service.ts';
import { createDelivery } from './delivery.ts';

import { checkEndpoint } from './endpoint-guard.ts';
import * as messages from './messages.ts';
import type { PushConfig } from './push.config.ts';
import * as repo from './push.repository.ts';

export const FANOUT_JOB = 'push.fanout';
/** One test push per device this often at most. */
export const TEST_EVERY_MS = 30_000;

export interface PushDeps {
  db: Db;
  jobs: Jobs;
  events: Pick<DomainEvents, 'on'>;
  /** Where stored notifications are announced (social's `addChannel`). */
  notifications: { addChannel(channel: NotificationChannel): void };
  config: PushConfig;
  log: Logger;
  now: () => number;
}

const present = (d: PushSubscriptionRow): PushDevice => ({
  id: d.id,
  name: d.name,
  service: new URL(d.endpoint).host,
  kinds: { live: d.live, reminders: d.reminders, battles: d.battles, money: d.money },
  createdAt: d.createdAt.toISOString(),
  lastSentAt: d.lastSentAt?.toISOString() ?? null,
});

const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
const fromBase64url = (s: string) =>
  /^[A-Za-z0-9_-]*={0,2}$/.test(s) ? Buffer.from(s, 'base64url') : Buffer.alloc(0);

/**
 * Web Push: devices and their settings (the API), and the sources of pushes: a stored go-live or
 * reminder notification (social's channel), a battle invite and a payout (domain events).
 */
export function createPushService({ db, jobs, events, notifications, config, log, now }: PushDeps) {
  const delivery = createDelivery({ db, jobs, config, log, now });
  const deviceNotFound = () => notFound('push.device_not_found', 'No such device among yours.');
  /** Every route here acts on the caller's own devices and settings. */
  const manage: (actor: Actor | null) => asserts actor is Actor = (actor) =>
    requireAccess(actor, 'push.manage', { ownerId: actor?.id ?? '' });

  async function ownDevice(actor: Actor, id: string) {
    const device = await repo.findDevice(db, actor.id, id);
    if (!device) throw deviceNotFound();
    return device;
  }

  // A go-live reaches many devices: the channel (inside the go-live's own transaction) only
  // schedules the fan-out, which then runs as a job, off the go-live's path.
  notifications.addChannel(async (n, trx) => {
    if (n.kind === 'live_started' && n.sessionId)
      await jobs.schedule(
        FANOUT_JOB,
        `live:${n.sessionId}`,
        now(),
        { creatorId: n.actorId, sessionId: n.sessionId },
        trx,
      );
    if (n.kind === 'event_reminder' && n.eventId && n.userIds) {
      const creator = await messages.userRef(trx, n.actorId);
      const message = creator && (await messages.reminderMessage(trx, creator, n.eventId, now()));
      if (message) await delivery.enqueue(trx, message, { users: n.userIds });
    }
  });

  jobs.register<{ creatorId: string; sessionId: string }>(FANOUT_JOB, async ({ job, trx }) => {
    const creator = await messages.userRef(trx, job.payload.creatorId);
    if (!creator) return;
    const out = await delivery.enqueue(trx, messages.liveMessage(creator, job.payload.sessionId), {
      users: liveAlertAudience(trx, creator.id),
    });
    log.info({ sessionId: job.payload.sessionId, ...out }, 'go-live push queued');
  });

  events.on('battles.invited', async ({ battleId, inviterId, inviteeId }) => {
    await db.transaction().execute(async (trx) => {
      const [inviter, invitee] = [
        await messages.userRef(trx, inviterId),
        await messages.userRef(trx, inviteeId),
      ];
      if (inviter && invitee)
        await delivery.enqueue(trx, messages.battleInviteMessage(inviter, invitee, battleId), {
          users: [inviteeId],
        });
    });
  });

  events.on('economy.withdrawal_paid', async ({ withdrawalId, userId, netCents, currency }) => {
    await db
      .transaction()
      .execute((trx) =>
        delivery.enqueue(trx, messages.payoutMessage(withdrawalId, netCents, currency), { users: [userId] }),
      );
  });

  async function settings(userId: string): Promise<PushSettings> {
    const [devices, prefs] = await Promise.all([repo.listDevices(db, userId), repo.preferences(db, userId)]);
    const quiet =
      prefs && prefs.quietStart !== null && prefs.quietEnd !== null
        ? { start: hhmm(prefs.quietStart), end: hhmm(prefs.quietEnd), timeZone: prefs.timeZone }
        : null;
    return { devices: devices.map(present), quietHours: quiet, maxPerHour: config.maxPerHour };
  }

  return {
    key: (): PushKey => ({ publicKey: config.publicKey }),

    async settings(actor: Actor | null): Promise<PushSettings> {
      manage(actor);
      return settings(actor.id);
    },

    async updateSettings(actor: Actor | null, body: UpdatePushSettingsBody): Promise<PushSettings> {
      manage(actor);
      const q = body.quietHours;
      if (q && !isTimeZone(q.timeZone))
        throw badRequest(
          'push.quiet_hours_invalid',
          `"${q.timeZone}" is not a time zone (try Europe/Paris).`,
        );
      if (q && q.start === q.end)
        throw badRequest('push.quiet_hours_invalid', 'Quiet hours need an end different from their start.');
      await repo.setQuietHours(
        db,
        actor.id,
        q ? { start: minutes(q.start), end: minutes(q.end), timeZone: q.timeZone } : null,
      );
      return settings(actor.id);
    },

    async addDevice(
      actor: Actor | null,
      body: AddPushDeviceBody,
      userAgent: string | undefined,
    ): Promise<{ device: PushDevice; created: boolean }> {
      manage(actor);
      const { endpoint, keys } = body.subscription;
      const p256dh = fromBase64url(keys.p256dh);
      if (p256dh.length !== 65 || p256dh[0] !== 4 || fromBase64url(keys.auth).length !== 16)
        throw badRequest(
          'push.bad_subscription',
          'The subscription keys are not a P-256 key and a 16-byte secret.',
        );
      const problem = await checkEndpoint(endpoint, config.allowPrivate);
      if (problem === 'bad_url')
        throw badRequest(
          'push.bad_subscription',
          'The subscription endpoint is not an https URL of a push service.',
        );
      if (problem === 'private')
        throw badRequest(
          'push.private_endpoint',
          'The subscription endpoint is on a private network address.',
        );
      const name = body.name?.trim() || deviceName(userAgent ?? '');
      const { inserted, ...row } = await repo.upsertDevice(db, {
        userId: actor.id,
        endpoint,
        p256dh: keys.p256dh,
        auth: keys.auth,
        name,
      });
      return { device: present(row), created: inserted };
    },

    async updateDevice(actor: Actor | null, id: string, body: UpdatePushDeviceBody): Promise<PushDevice> {
      manage(actor);
      const name = body.name?.trim();
      if (body.name !== undefined && !name) throw badRequest('request.invalid', 'A device needs a name.');
      const patch = { ...(body.kinds ?? {}), ...(name ? { name } : {}) };
      const device = await repo.updateDevice(db, actor.id, id, patch);
      if (!device) throw deviceNotFound();
      return present(device);
    },

    async removeDevice(actor: Actor | null, id: string): Promise<void> {
      manage(actor);
      if (!(await repo.deleteDevice(db, actor.id, id))) throw deviceNotFound();
    },

    async testDevice(actor: Actor | null, id: string): Promise<{ queued: true }> {
      manage(actor);
      const device = await ownDevice(actor, id);
      const at = now();
      const last = await repo.lastTestAt(db, device.id);
      if (last && at - last.getTime() < TEST_EVERY_MS) {
        const wait = Math.ceil((TEST_EVERY_MS - (at - last.getTime())) / 1000);
        throw new AppError('push.test_rate_limited', 429, `One test at a time: try again in ${wait} s.`, {
          retryAfterS: wait,
        });
      }
      await db.transaction().execute((trx) =>
        delivery.enqueue(trx, messages.testMessage(device.id, at), {
          users: [actor.id],
          deviceId: device.id,
        }),
      );
      return { queued: true };
    },

    close: delivery.close,
  };
}

export type PushService = ReturnType<typeof createPushService>;
