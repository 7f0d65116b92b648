import type { Logger } from 'pino';
import type { Db } from '../../db/database.ts';
import type { DomainEvents } from '../../events/domain-events.ts';
import type { Jobs } from '../../jobs/jobs.ts';
import type { SocialService } from '../social/social.service.ts';
import * as repo from './events.repository.ts';
import { EARLY_START_MS } from './schedule-rules.ts';

/** The durable jobs of a scheduled LIVE, keyed by the event's id. */
export const EVENT_JOBS = {
  /** 10 minutes before the start: one notification per RSVPer. */
  reminder: 'event.reminder',
  /** At the missed deadline: `missed` if the creator never went LIVE in the window. */
  missed: 'event.missed',
} as const;

interface LifecycleDeps {
  db: Db;
  social: SocialService;
  jobs: Jobs;
  events: Pick<DomainEvents, 'on'>;
  log: Logger;
  now: () => number;
}

/**
 * What happens to an event after it is scheduled: the reminder and missed jobs, and the go-live and
 * end of its creator's session (domain events from the live module). Every step is a conditional
 * status change (`scheduled → live → kept`, `scheduled → missed`), so a step that runs twice, or
 * races another, changes nothing the second time; notifications are unique per user, kind and event.
 */
export function registerEventLifecycle({ db, social, jobs, events, log, now }: LifecycleDeps): void {
  jobs.register(EVENT_JOBS.reminder, async ({ job, trx, afterCommit }) => {
    const event = await repo.find(trx, job.key);
    if (event?.status !== 'scheduled') return;
    const told = await social.notifyEvent(
      {
        userIds: await repo.rsvpUserIds(trx, event.id),
        kind: 'event_reminder',
        eventId: event.id,
        actorId: event.creatorId,
      },
      trx,
    );
    afterCommit(told.push);
    log.info({ eventId: event.id, notified: told.created }, 'event reminders sent');
  });

  jobs.register(EVENT_JOBS.missed, async ({ job, trx }) => {
    const missed = await repo.transition(trx, job.key, 'scheduled', 'missed', new Date(now()));
    if (missed) log.info({ eventId: missed.id, creatorId: missed.creatorId }, 'LIVE event missed');
  });

  events.on('live.session_started', async ({ sessionId, creatorId, liveAt }) => {
    const push = await db.transaction().execute(async (trx) => {
      const event = await repo.scheduledInWindow(trx, creatorId, liveAt, EARLY_START_MS);
      if (!event) return null;
      await repo.transition(trx, event.id, 'scheduled', 'live', new Date(now()), sessionId);
      // Going LIVE early makes the reminder pointless: "is LIVE now" replaces it.
      await jobs.cancel(EVENT_JOBS.reminder, event.id, trx);
      await jobs.cancel(EVENT_JOBS.missed, event.id, trx);
      const told = await social.notifyEvent(
        {
          userIds: await repo.rsvpUserIds(trx, event.id),
          kind: 'event_live',
          eventId: event.id,
          actorId: creatorId,
          sessionId,
        },
        trx,
      );
      log.info({ eventId: event.id, sessionId, notified: told.created }, 'LIVE event started');
      return told.push;
    });
    if (push) await push();
  });

  events.on('live.session_ended', async ({ sessionId }) => {
    await db.transaction().execute(async (trx) => {
      for (const e of await repo.liveWithSession(trx, sessionId))
        await repo.transition(trx, e.id, 'live', 'kept', new Date(now()));
    });
  });
}
