import { formatLocalDateTime } from '@onair/core';
import { API_PREFIX, type LiveEvent } from '@onair/protocol';
import { presentUser } from '../accounts/accounts.presenter.ts';
import type { EventWithCreator } from './events.repository.ts';

/** `rsvped`: null when nobody is signed in, so a client can tell "not asked" from "unknown". */
export function presentEvent(e: EventWithCreator, rsvped: boolean | null): LiveEvent {
  return {
    id: e.id,
    creator: presentUser({
      id: e.creatorId,
      handle: e.creatorHandle,
      displayName: e.creatorDisplayName,
      bio: e.creatorBio,
      avatarUrl: e.creatorAvatarUrl,
      role: e.creatorRole,
      createdAt: e.creatorCreatedAt,
    }),
    title: e.title,
    description: e.description,
    startsAt: e.startsAt.toISOString(),
    endsAt: new Date(e.startsAt.getTime() + e.durationMin * 60_000).toISOString(),
    timeZone: e.timeZone,
    startsLocal: formatLocalDateTime(e.startsAt.getTime(), e.timeZone),
    durationMin: e.durationMin,
    coverUrl: e.coverUrl,
    hashtags: e.hashtags,
    status: e.status,
    sessionId: e.sessionId,
    rsvpCount: e.rsvpCount,
    rsvped,
    icsUrl: `${API_PREFIX}/events/${e.id}.ics`,
  };
}
