import { EventKind, type MetricEvent } from '@onair/core';
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

/**
 * What the server itself recorded about members watching one LIVE: the studio's view start/end rows
 * (`metric_events`, written by the room hub's capture when a socket attaches to or leaves the room)
 * for viewers who are members of the creator's club, and the session's window from the live domain.
 * Nothing here comes from a client's claim: a socket attached to the room is what watching is.
 */
export async function memberViews(
  db: Db,
  sessionId: string,
): Promise<{
  creatorId: string;
  from: number;
  to: number | null;
  events: MetricEvent[];
  /** When each viewer joined the club: watching before that is not a member's mission. */
  joinedAt: Map<string, number>;
} | null> {
  const session = await db
    .selectFrom('liveSessions')
    .select(['creatorId', 'startedAt', 'liveAt', 'endedAt'])
    .where('id', '=', sessionId)
    .executeTakeFirst();
  if (!session) return null;
  const { rows } = await sql<{ viewerId: string; kind: number; at: Date; joinedAt: Date }>`
    select e.viewer_id, e.kind, e.at, m.joined_at
    from metric_events e
    join fan_memberships m on m.creator_id = ${session.creatorId} and m.fan_id = e.viewer_id
    where e.session_id = ${sessionId} and e.kind in (${EventKind.viewStart}, ${EventKind.viewEnd})`.execute(
    db,
  );
  return {
    creatorId: session.creatorId,
    from: (session.liveAt ?? session.startedAt).getTime(),
    to: session.endedAt?.getTime() ?? null,
    joinedAt: new Map(rows.map((r) => [r.viewerId, new Date(r.joinedAt).getTime()])),
    events: rows.map((r) => ({
      viewerId: r.viewerId,
      kind: Number(r.kind) as EventKind,
      at: new Date(r.at).getTime(),
      value: 1,
    })),
  };
}
