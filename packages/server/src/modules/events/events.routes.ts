import {
  CreateEventBody,
  CreatorEventsQuery,
  EventIdParams,
  EventList,
  HandleParams,
  LiveEvent,
  MyEventsList,
  RsvpState,
  UpcomingEventsQuery,
  UpdateEventBody,
} from '@onair/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { EventsService } from './events.service.ts';

const CALENDAR_TYPE = 'text/calendar; charset=utf-8';
const Calendar = z.string().meta({ description: 'An iCalendar (RFC 5545) file' });

export async function eventsRoutes(app: FastifyInstance, { events }: { events: EventsService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['events'];
  const writes = { limit: 'eventWrites', by: 'user' } as const;
  const rsvps = { limit: 'rsvps', by: 'user' } as const;

  r.post(
    '/events',
    {
      config: { auth: 'user', rateLimit: writes },
      schema: {
        tags,
        summary: 'Schedule a LIVE (local start + IANA zone)',
        body: CreateEventBody,
        response: { 201: LiveEvent },
      },
    },
    async (request, reply) => reply.code(201).send(await events.create(request.actor, request.body)),
  );
  r.get(
    '/me/events',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Your upcoming events with their RSVP counts',
        response: { 200: MyEventsList },
      },
    },
    (request) => events.mine(request.actor),
  );
  r.get(
    '/events/upcoming',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: "Upcoming LIVEs for the feed: followed creators' and your RSVPs first, then soonest",
        querystring: UpcomingEventsQuery,
        response: { 200: EventList },
      },
    },
    (request) => events.upcoming(request.actor, request.query),
  );
  // Registered before `/events/:id`: the calendar file of one event.
  r.get(
    '/events/:id.ics',
    {
      config: { auth: 'public' },
      schema: { tags, summary: 'One event as iCalendar', params: EventIdParams, response: { 200: Calendar } },
    },
    async (request, reply) =>
      reply
        .type(CALENDAR_TYPE)
        .header('content-disposition', `attachment; filename="onair-event-${request.params.id}.ics"`)
        .send(await events.calendar(request.params.id)),
  );
  r.get(
    '/events/:id',
    {
      config: { auth: 'public' },
      schema: { tags, summary: 'One scheduled LIVE', params: EventIdParams, response: { 200: LiveEvent } },
    },
    (request) => events.get(request.actor, request.params.id),
  );
  r.patch(
    '/events/:id',
    {
      config: { auth: 'user', rateLimit: writes },
      schema: {
        tags,
        summary: 'Edit your scheduled LIVE (reminders follow a new start)',
        params: EventIdParams,
        body: UpdateEventBody,
        response: { 200: LiveEvent },
      },
    },
    (request) => events.update(request.actor, request.params.id, request.body),
  );
  r.post(
    '/events/:id/cancel',
    {
      config: { auth: 'user', rateLimit: writes },
      schema: {
        tags,
        summary: 'Cancel your scheduled LIVE (idempotent; RSVPers are told)',
        params: EventIdParams,
        response: { 200: LiveEvent },
      },
    },
    (request) => events.cancel(request.actor, request.params.id),
  );
  r.put(
    '/events/:id/rsvp',
    {
      config: { auth: 'user', rateLimit: rsvps },
      schema: {
        tags,
        summary: 'Remind me (idempotent: a repeat answers the same state)',
        params: EventIdParams,
        response: { 200: RsvpState },
      },
    },
    (request) => events.rsvp(request.actor, request.params.id),
  );
  r.delete(
    '/events/:id/rsvp',
    {
      config: { auth: 'user', rateLimit: rsvps },
      schema: {
        tags,
        summary: 'No reminder (idempotent)',
        params: EventIdParams,
        response: { 200: RsvpState },
      },
    },
    (request) => events.unrsvp(request.actor, request.params.id),
  );
  r.get(
    '/users/:handle/events',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: "A creator's upcoming (or past) events",
        params: HandleParams,
        querystring: CreatorEventsQuery,
        response: { 200: EventList },
      },
    },
    (request) => events.listByCreator(request.actor, request.params.handle, request.query),
  );
  r.get(
    '/users/:handle/events.ics',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: "A creator's upcoming events as a calendar feed",
        params: HandleParams,
        response: { 200: Calendar },
      },
    },
    async (request, reply) =>
      reply.type(CALENDAR_TYPE).send(await events.creatorCalendar(request.actor, request.params.handle)),
  );
}
