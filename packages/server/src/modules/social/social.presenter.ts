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
    text: actor ? `${actor.displayName} is LIVE now` : 'A creator you follow is LIVE now',
    createdAt: n.createdAt.toISOString(),
    readAt: n.readAt?.toISOString() ?? null,
  };
}
