import type { Actor } from '@onair/core';
import { formatLocalDateTime } from '@onair/core';
import {
  type CreateEventBody,
  EVENT_MAX_UPCOMING,
  type EventList,
  type LiveEvent,
  type MyEventsList,
  type RsvpState,
  type UpdateEventBody,
} from '@onair/protocol';
import type { Transaction } from 'kysely';
import type { Logger } from 'pino';
import { requireAccess } from '../../access.ts';
import type { Db } from '../../db/database.ts';
import type { Database, LiveEventRow } from '../../db/schema.ts';
import { conflict, notFound } from '../../errors.ts';
import type { DomainEvents } from '../../events/domain-events.ts';
import type { Jobs } from '../../jobs/jobs.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import type { SocialService } from '../social/social.service.ts';
import { EVENT_JOBS, registerEventLifecycle } from './events.lifecycle.ts';
import { presentEvent } from './events.presenter.ts';
import * as repo from './events.repository.ts';
import { type CalendarEvent, renderCalendar } from './ical.ts';
import { missedDeadline, reminderAt, resolveStart } from './schedule-rules.ts';
import { feedUpcoming } from './upcoming.read-model.ts';

export interface EventsDeps {
  db: Db;
  accounts: AccountsService;
  social: SocialService;
  jobs: Jobs;
  /** Where the live domain says a session started and ended (going LIVE keeps an event). */
  events: Pick<DomainEvents, 'on'>;
  log: Logger;
  /** Milliseconds since the epoch (a test server's clock can be moved). */
  now: () => number;
  /** The server's public origin, for calendar links and UIDs. */
  publicUrl: string;
}

type Trx = Transaction<Database>;

const eventNotFound = () => notFound('events.not_found', 'No such event.');

export function createEventsService(deps: EventsDeps) {
  const { db, accounts, social, jobs, log } = deps;
  const nowDate = () => new Date(deps.now());
  const host = new URL(deps.publicUrl).hostname;

  registerEventLifecycle(deps);

  async function scheduleJobs(trx: Trx, e: LiveEventRow): Promise<void> {
    await jobs.schedule(EVENT_JOBS.reminder, e.id, reminderAt(e.startsAt, deps.now()), {}, trx);
    await jobs.schedule(EVENT_JOBS.missed, e.id, missedDeadline(e.startsAt, e.durationMin), {}, trx);
  }

  async function present(actor: Actor | null, id: string): Promise<LiveEvent> {
    const row = await repo.findWithCreator(db, id);
    if (!row) throw eventNotFound();
    const rsvped = actor ? (await repo.rsvpedAmong(db, actor.id, [id])).has(id) : null;
    return presentEvent(row, rsvped);
  }

  async function presentList(actor: Actor | null, rows: repo.EventWithCreator[]): Promise<LiveEvent[]> {
    const mine = actor
      ? await repo.rsvpedAmong(
          db,
          actor.id,
          rows.map((r) => r.id),
        )
      : null;
    return rows.map((r) => presentEvent(r, mine ? mine.has(r.id) : null));
  }

  /** Loads and locks an event its owner is about to change; refuses anyone else and ended events. */
  async function ownScheduled(trx: Trx, actor: Actor | null, id: string): Promise<LiveEventRow> {
    const row = await repo.findForUpdate(trx, id);
    if (!row) throw eventNotFound();
    requireAccess(actor, 'event.manage', { ownerId: row.creatorId });
    if (row.status === 'cancelled') throw conflict('events.cancelled', 'This event was cancelled.');
    if (row.status !== 'scheduled' || row.startsAt.getTime() <= deps.now())
      throw conflict('events.started', 'This event has already started.');
    return row;
  }

  function toCalendar(e: repo.EventWithCreator): CalendarEvent {
    return {
      id: e.id,
      title: e.title,
      description: e.description,
      startsAt: e.startsAt,
      durationMin: e.durationMin,
      url: new URL(`/events/${e.id}`, deps.publicUrl).toString(),
      status: e.status,
      hashtags: e.hashtags,
      updatedAt: e.updatedAt,
      creatorName: e.creatorDisplayName,
    };
  }

  return {
    async create(actor: Actor | null, body: CreateEventBody): Promise<LiveEvent> {
      requireAccess(actor, 'live.go', null);
      const { startsAt, timeZone } = resolveStart(body.startsLocal, body.timeZone, deps.now());
      const id = await db.transaction().execute(async (trx) => {
        await repo.lockCreatorSchedule(trx, actor.id);
        if ((await repo.countUpcoming(trx, actor.id, nowDate())) >= EVENT_MAX_UPCOMING)
          throw conflict(
            'events.too_many_upcoming',
            `You already have ${EVENT_MAX_UPCOMING} upcoming events; cancel one or wait until it has happened.`,
          );
        const row = await repo.insert(
          trx,
          {
            creatorId: actor.id,
            title: body.title,
            description: body.description,
            startsAt,
            timeZone,
            durationMin: body.durationMin,
            coverUrl: body.coverUrl ?? null,
            hashtags: [...new Set(body.hashtags)],
          },
          nowDate(),
        );
        await scheduleJobs(trx, row);
        return row.id;
      });
      log.info({ eventId: id, creatorId: actor.id, startsAt }, 'LIVE event scheduled');
      return present(actor, id);
    },

    get: (actor: Actor | null, id: string) => present(actor, id),

    /**
     * Changes what is given. A new `startsLocal` is read in the new `timeZone` if one is given, else
     * in the event's; a new zone alone keeps the wall-clock time and moves the instant. Reminders
     * follow a new start (one already sent is not sent again).
     */
    async update(actor: Actor | null, id: string, body: UpdateEventBody): Promise<LiveEvent> {
      await db.transaction().execute(async (trx) => {
        const row = await ownScheduled(trx, actor, id);
        const patch: Parameters<typeof repo.update>[2] = {};
        if (body.startsLocal !== undefined || body.timeZone !== undefined) {
          const start = resolveStart(
            body.startsLocal ?? formatLocalDateTime(row.startsAt.getTime(), row.timeZone),
            body.timeZone ?? row.timeZone,
            deps.now(),
          );
          patch.startsAt = start.startsAt;
          patch.timeZone = start.timeZone;
        }
        if (body.title !== undefined) patch.title = body.title;
        if (body.description !== undefined) patch.description = body.description;
        if (body.durationMin !== undefined) patch.durationMin = body.durationMin;
        if (body.coverUrl !== undefined) patch.coverUrl = body.coverUrl;
        if (body.hashtags !== undefined) patch.hashtags = [...new Set(body.hashtags)];
        const updated = await repo.update(trx, id, patch, nowDate());
        if (updated && (patch.startsAt || patch.durationMin !== undefined)) await scheduleJobs(trx, updated);
      });
      return present(actor, id);
    },

    /** Cancels (idempotent for a cancelled event) and tells everyone who asked for a reminder. */
    async cancel(actor: Actor | null, id: string): Promise<LiveEvent> {
      const push = await db.transaction().execute(async (trx) => {
        const current = await repo.findForUpdate(trx, id);
        if (current?.status === 'cancelled') {
          requireAccess(actor, 'event.manage', { ownerId: current.creatorId });
          return null;
        }
        const row = await ownScheduled(trx, actor, id);
        await repo.transition(trx, id, 'scheduled', 'cancelled', nowDate());
        await jobs.cancel(EVENT_JOBS.reminder, id, trx);
        await jobs.cancel(EVENT_JOBS.missed, id, trx);
        const told = await social.notifyEvent(
          {
            userIds: await repo.rsvpUserIds(trx, id),
            kind: 'event_cancelled',
            eventId: id,
            actorId: row.creatorId,
          },
          trx,
        );
        return told.push;
      });
      if (push) await push();
      log.info({ eventId: id }, 'LIVE event cancelled');
      return present(actor, id);
    },

    async listByCreator(
      actor: Actor | null,
      handle: string,
      q: { when: 'upcoming' | 'past'; limit: number },
    ): Promise<EventList> {
      const creator = await accounts.getByHandle(actor, handle);
      const rows = await repo.listByCreator(db, creator.id, { ...q, now: nowDate() });
      return { items: await presentList(actor, rows) };
    },

    /** The feed's "Upcoming" row: for a signed-in viewer, who they follow and what they RSVPed first. */
    async upcoming(actor: Actor | null, q: { limit: number }): Promise<EventList> {
      const rows = await feedUpcoming(db, { viewerId: actor?.id ?? null, limit: q.limit, now: nowDate() });
      return { items: await presentList(actor, rows) };
    },

    /** The creator's own upcoming events with their RSVP counts (the Studio). */
    async mine(actor: Actor | null): Promise<MyEventsList> {
      requireAccess(actor, 'live.go', null);
      const rows = await repo.listByCreator(db, actor.id, { when: 'upcoming', now: nowDate(), limit: 50 });
      return {
        items: await presentList(actor, rows),
        totalRsvps: rows.reduce((n, r) => n + r.rsvpCount, 0),
      };
    },

    /** "Remind me": idempotent, a second call answers the same state and counts nothing twice. */
    async rsvp(actor: Actor | null, id: string): Promise<RsvpState> {
      requireAccess(actor, 'event.rsvp', null);
      return db.transaction().execute(async (trx) => {
        const row = await repo.findForUpdate(trx, id);
        if (!row) throw eventNotFound();
        if (row.status === 'cancelled') throw conflict('events.cancelled', 'This event was cancelled.');
        if (row.status !== 'scheduled' || row.startsAt.getTime() <= deps.now())
          throw conflict('events.started', 'This event has already started.');
        const added = await repo.addRsvp(trx, id, actor.id, nowDate());
        return { eventId: id, rsvped: true, rsvpCount: row.rsvpCount + (added ? 1 : 0) };
      });
    },

    /** Idempotent too; allowed whatever the event's state (taking a reminder back harms nobody). */
    async unrsvp(actor: Actor | null, id: string): Promise<RsvpState> {
      requireAccess(actor, 'event.rsvp', null);
      return db.transaction().execute(async (trx) => {
        const row = await repo.findForUpdate(trx, id);
        if (!row) throw eventNotFound();
        const removed = await repo.removeRsvp(trx, id, actor.id);
        return { eventId: id, rsvped: false, rsvpCount: row.rsvpCount - (removed ? 1 : 0) };
      });
    },

    async calendar(id: string): Promise<string> {
      const row = await repo.findWithCreator(db, id);
      if (!row) throw eventNotFound();
      return renderCalendar({ events: [toCalendar(row)], now: nowDate(), host });
    },

    /** A creator's upcoming events as a calendar feed to subscribe to. */
    async creatorCalendar(actor: Actor | null, handle: string): Promise<string> {
      const creator = await accounts.getByHandle(actor, handle);
      const rows = await repo.listByCreator(db, creator.id, { when: 'upcoming', now: nowDate(), limit: 50 });
      return renderCalendar({
        events: rows.map(toCalendar),
        name: `${creator.displayName} on OnAir`,
        now: nowDate(),
        host,
      });
    },
  };
}

export type EventsService = ReturnType<typeof createEventsService>;
