/**
 * Battles' read model: who counts as a friend in a friends-only quick match (`POST
 * /api/v1/battles/match`). It reads social's `follows` only, joined with itself (a follow each way),
 * so the queue's candidates are checked in one statement per match attempt; no battles table is
 * involved. Only read here: follows are written by the social service.
 */
import { sql, type Transaction } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';

type Tx = Db | Transaction<Database>;

/** Mutual follows between `userId` and each candidate: the "friends" a friends-only match accepts. */
export async function friendsAmong(db: Tx, userId: string, candidates: string[]): Promise<Set<string>> {
  if (candidates.length === 0) return new Set();
  const { rows } = await sql<{ id: string }>`
    select a.creator_id as id from follows a
    join follows b on b.follower_id = a.creator_id and b.creator_id = a.follower_id
    where a.follower_id = ${userId} and a.creator_id in (${sql.join(candidates)})`.execute(db);
  return new Set(rows.map((r) => r.id));
}
