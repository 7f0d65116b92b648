import { EventKind } from '@onair/core';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/database.ts';
import { signup } from '../../test/app.ts';

type Person = Awaited<ReturnType<typeof signup>>;

/** A creator with a profile, through the accounts API. */
export async function creator(
  app: FastifyInstance,
  handle: string,
  profile: { displayName?: string; bio?: string } = {},
): Promise<Person> {
  const person = await signup(app, handle);
  await app.inject({ method: 'POST', url: '/api/v1/me/creator', headers: person.auth });
  if (Object.keys(profile).length) {
    const res = await app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: person.auth,
      payload: profile,
    });
    if (res.statusCode !== 200) throw new Error(`profile: ${res.body}`);
  }
  return person;
}

/** Sets the room up and starts a LIVE session through the live domain's publish hooks. */
export async function goLive(
  app: FastifyInstance,
  person: Person,
  room: { title: string; topic?: string; hashtags?: string[] },
): Promise<string> {
  const patch = await app.inject({
    method: 'PATCH',
    url: '/api/v1/me/room',
    headers: person.auth,
    payload: room,
  });
  if (patch.statusCode !== 200) throw new Error(`room: ${patch.body}`);
  const key = (await app.inject({ url: '/api/v1/me/room', headers: person.auth })).json().ingest.streamKey;
  const { hooks } = app.services.live;
  const allowed = await hooks.authorizePublish({ app: 'live', name: key, clientIp: '127.0.0.1' });
  if (!allowed) throw new Error('publish refused');
  await hooks.published(allowed.streamId, {
    videoCodec: null,
    audioCodec: null,
    width: null,
    height: null,
    fps: null,
  });
  return allowed.streamId;
}

/** A scheduled event row as the events domain stores it. */
export async function scheduleEvent(
  db: Db,
  creatorId: string,
  event: { title: string; startsAt: Date; hashtags?: string[]; timeZone?: string; rsvpCount?: number },
): Promise<string> {
  const row = await db
    .insertInto('liveEvents')
    .values({
      creatorId,
      title: event.title,
      startsAt: event.startsAt,
      timeZone: event.timeZone ?? 'Europe/Paris',
      durationMin: 60,
      hashtags: event.hashtags ?? [],
      status: 'scheduled',
      rsvpCount: event.rsvpCount ?? 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Engagement rows as the studio's recorder writes them. */
export async function engage(
  db: Db,
  sessionId: string,
  viewerId: string,
  at: number,
  counts: { comments?: number; shares?: number; gifts?: number; hearts?: number },
): Promise<void> {
  const rows = [
    ...Array.from({ length: counts.comments ?? 0 }, () => ({ kind: EventKind.comment, value: 1 })),
    ...Array.from({ length: counts.shares ?? 0 }, () => ({ kind: EventKind.share, value: 1 })),
    ...Array.from({ length: counts.gifts ?? 0 }, () => ({ kind: EventKind.gift, value: 10 })),
    ...(counts.hearts ? [{ kind: EventKind.heart, value: counts.hearts }] : []),
  ];
  if (!rows.length) return;
  await db
    .insertInto('metricEvents')
    .values(rows.map((r) => ({ sessionId, viewerId, kind: r.kind, at: new Date(at), value: r.value })))
    .execute();
}
