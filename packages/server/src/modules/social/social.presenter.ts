import type { Notification, PublicUser } from '@onair/protocol';
import type { listNotifications } from './social.repository.ts';

type NotificationRow = Awaited<ReturnType<typeof listNotifications>>[number];

export function presentNotification(n: NotificationRow): Notification {
  const actor: PublicUser | null =
    n.actorId && n.actorHandle
      ? {
          id: n.actorId,
          handle: n.actorHandle,
          displayName: n.actorDisplayName ?? n.actorHandle,
          bio: n.actorBio ?? '',
          avatarUrl: n.actorAvatarUrl ?? null,
          role: n.actorRole ?? 'creator',
          createdAt: (n.actorCreatedAt ?? new Date(0)).toISOString(),
        }
      : null;
  return {
    id: n.id,
    kind: n.kind,
    actor,
    sessionId: n.sessionId,
    eventId: n.eventId,
    text: notificationText(n.kind, actor?.displayName ?? null),
    createdAt: n.createdAt.toISOString(),
    readAt: n.readAt?.toISOString() ?? null,
  };
}

function notificationText(kind: Notification['kind'], name: string | null): string {
  const who = name ?? 'A creator';
  switch (kind) {
    case 'live_started':
      return name ? `${name} is LIVE now` : 'A creator you follow is LIVE now';
    // The job may run a little late, or the event may have been scheduled minutes ahead: "soon".
    case 'event_reminder':
      return `${who}'s scheduled LIVE starts soon`;
    case 'event_live':
      return `${who} is LIVE now, as scheduled`;
    case 'event_cancelled':
      return `${who} cancelled a scheduled LIVE`;
  }
}
