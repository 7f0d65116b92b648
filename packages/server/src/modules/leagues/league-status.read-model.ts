import { ENTRY_TIER, LEAGUE_TIERS, type LeagueTier } from '@onair/core';
import { sql } from 'kysely';
import { textArrayLiteral } from '../../db/array-literal.ts';
import type { Db } from '../../db/database.ts';

/**
 * Reads: leagues: `league_memberships`, `league_periods` (this module's own tables, named a read
 * model because other domains call it: the weekly LIVE Rewards settlement asks it about up to
 * 100,000 creators, in batches of about 1,000).
 *
 * For each creator, the tier they competed in at the end of the week (`current`: their membership
 * in the last period that started before `weekEnd`) and the best tier they held in any period that
 * started before the week (`bestBefore`). A period already under way when the week began counts in
 * both, so a promotion is a "new high" in the week it takes effect and "kept" in the weeks after.
 * A creator with no membership (never LIVE) answers D5 for both, which core's `leagueMissionMet`
 * treats as no achievement. One statement per batch: the ids go in as one array, each creator's two
 * answers come from the (creator_id, period_key) index.
 */
export async function leagueWeekStatus(
  db: Db,
  creatorIds: readonly string[],
  weekStart: Date,
  weekEnd: Date,
): Promise<Map<string, { current: LeagueTier; bestBefore: LeagueTier }>> {
  const out = new Map<string, { current: LeagueTier; bestBefore: LeagueTier }>();
  const ids = [...new Set(creatorIds)];
  if (ids.length === 0) return out;
  const { rows } = await sql<{ creatorId: string; currentRank: number | null; bestRank: number | null }>`
    select c.id as creator_id, cur.tier_rank as current_rank, best.tier_rank as best_rank
    from unnest(${textArrayLiteral(ids)}::uuid[]) as c(id)
    left join lateral (
      select m.tier_rank from league_memberships m join league_periods p on p.key = m.period_key
      where m.creator_id = c.id and p.starts_at < ${weekEnd}
      order by p.starts_at desc limit 1
    ) cur on true
    left join lateral (
      select max(m.tier_rank) as tier_rank from league_memberships m join league_periods p on p.key = m.period_key
      where m.creator_id = c.id and p.starts_at < ${weekStart}
    ) best on true`.execute(db);
  const tier = (rank: number | null): LeagueTier => (rank === null ? ENTRY_TIER : LEAGUE_TIERS[rank]!);
  for (const r of rows) {
    const current = tier(r.currentRank);
    const bestBefore = tier(r.bestRank);
    out.set(r.creatorId, { current, bestBefore });
  }
  return out;
}
