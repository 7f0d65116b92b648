/**
 * How reliably creators keep the LIVEs they schedule, for ranking and the studio: events'
 * `live_events` only. An event counts once its outcome is known or under way (`live`, `kept`,
 * `missed`), so upcoming events weigh nothing yet and cancelled ones (announced as such) never do.
 * `since` is compared with the events' start.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

export interface KeptCounts {
  scheduled: number;
  kept: number;
}

/**
 * Counts per creator in one grouped query (the ranking job asks for every LIVE creator every few
 * seconds). Creators with no such event are absent from the map. Served by
 * `live_events_creator_starts_idx`.
 */
export async function eventsKeptByCreator(
  db: Db,
  creatorIds: readonly string[],
  since: Date,
): Promise<Map<string, KeptCounts>> {
  const out = new Map<string, KeptCounts>();
  if (creatorIds.length === 0) return out;
  const { rows } = await sql<{ creatorId: string; scheduled: number; kept: number }>`
    select creator_id,
           count(*)::int as scheduled,
           count(*) filter (where status in ('live', 'kept'))::int as kept
    from live_events
    where creator_id = any(${sql.val([...new Set(creatorIds)])}::uuid[])
      and starts_at >= ${since}
      and status in ('live', 'kept', 'missed')
    group by creator_id`.execute(db);
  for (const r of rows) out.set(r.creatorId, { scheduled: Number(r.scheduled), kept: Number(r.kept) });
  return out;
}
