import { type RawBuilder, sql, type Transaction, type Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { BattleRow, BattlesTable, Database } from '../../db/schema.ts';
import { type UserRef, userRef, userRefSql } from '../accounts/public-user.ts';

type Tx = Db | Transaction<Database>;

export interface MemberRow {
  battleId: string;
  userId: string;
  side: number;
  slot: number;
  sessionId: string | null;
  open: boolean;
  handle: string;
  displayName: string;
  avatarUrl: string | null;
}

export const isUniqueViolation = (err: unknown, constraint: string): boolean =>
  (err as { code?: string })?.code === '23505' &&
  String((err as { constraint?: string }).constraint ?? (err as Error).message).includes(constraint);

/** The database's clock, in ms: every battle time and every gift time come from this one clock. */
export async function clock(db: Tx): Promise<number> {
  const { rows } = await sql<{
    ms: number;
  }>`select floor(extract(epoch from clock_timestamp()) * 1000)::int8 as ms`.execute(db);
  return rows[0]!.ms;
}

export function lockBattle(db: Tx, id: string): Promise<BattleRow | undefined> {
  return db.selectFrom('battles').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Locks several battles in id order, so two nodes flushing scores never deadlock. */
export function lockBattles(db: Tx, ids: string[]): Promise<BattleRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('battles').selectAll().where('id', 'in', ids).orderBy('id').forUpdate().execute();
}

/** Live scores of several battles in one statement. */
export async function updateScores(
  db: Tx,
  rows: {
    id: string;
    scores: number[];
    boosts: unknown[];
    extensions: number;
    lastGiftMs: number;
    endsAt: number | null;
  }[],
): Promise<BattleRow[]> {
  if (rows.length === 0) return [];
  const values = rows.map(
    (r) =>
      sql`(${r.id}::uuid, ${JSON.stringify(r.scores)}::jsonb, ${JSON.stringify(r.boosts)}::jsonb, ${r.extensions}::int, ${r.lastGiftMs}::int8, ${r.endsAt === null ? null : new Date(r.endsAt)}::timestamptz)`,
  );
  const { rows: out } = await sql<BattleRow>`
    update battles b set scores = v.scores, boosts = v.boosts, extensions = v.extensions,
      last_gift_ms = v.last_gift_ms, ends_at = coalesce(v.ends_at, b.ends_at)
    from (values ${sql.join(values)}) as v(id, scores, boosts, extensions, last_gift_ms, ends_at)
    where b.id = v.id
    returning b.*`.execute(db);
  return out;
}

export function findBattle(db: Tx, id: string): Promise<BattleRow | undefined> {
  return db.selectFrom('battles').selectAll().where('id', '=', id).executeTakeFirst();
}

export function members(db: Tx, battleIds: string[]): Promise<MemberRow[]> {
  if (battleIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('battleMembers as m')
    .innerJoin('users as u', 'u.id', 'm.userId')
    .select(['m.battleId', 'm.userId', 'm.side', 'm.slot', 'm.sessionId', 'm.open', ...userRef('u')])
    .where('m.battleId', 'in', battleIds)
    .orderBy('m.side')
    .orderBy('m.slot')
    .execute();
}

/** Open battles any of these users is in (at most one each). */
export function openBattlesOf(db: Tx, userIds: string[]) {
  if (userIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('battleMembers')
    .select(['userId', 'battleId'])
    .where('userId', 'in', userIds)
    .where('open', '=', true)
    .execute();
}

export function openBattleOfSession(db: Tx, sessionId: string) {
  return db
    .selectFrom('battleMembers')
    .select(['userId', 'battleId'])
    .where('sessionId', '=', sessionId)
    .where('open', '=', true)
    .executeTakeFirst();
}

export async function insertBattle(
  db: Tx,
  row: Omit<
    BattlesTable,
    'id' | 'createdAt' | 'extensions' | 'final' | 'lastGiftMs' | 'scores' | 'boosts' | 'mvps'
  > & {
    scores: string;
  },
  sides: { userId: string; sessionId: string | null }[][],
): Promise<string> {
  const { id } = await db.insertInto('battles').values(row).returning('id').executeTakeFirstOrThrow();
  await db
    .insertInto('battleMembers')
    .values(
      sides.flatMap((members, side) =>
        members.map((m, slot) => ({ battleId: id, userId: m.userId, sessionId: m.sessionId, side, slot })),
      ),
    )
    .execute();
  return id;
}

export async function updateBattle(db: Tx, id: string, patch: Updateable<BattlesTable>): Promise<void> {
  await db.updateTable('battles').set(patch).where('id', '=', id).execute();
}

export async function closeMembers(db: Tx, battleId: string): Promise<void> {
  await db.updateTable('battleMembers').set({ open: false }).where('battleId', '=', battleId).execute();
}

export async function setSessions(db: Tx, battleId: string, sessions: Map<string, string>): Promise<void> {
  for (const [userId, sessionId] of sessions)
    await db
      .updateTable('battleMembers')
      .set({ sessionId })
      .where('battleId', '=', battleId)
      .where('userId', '=', userId)
      .execute();
}

/**
 * Copies committed gifts into the counted gifts of the battle their session is in, skipping any
 * already counted; returns the new ones. `gifts` is the economy's relation of the gifts in question
 * (`giftsOfTransfers`), whose times are the ledger's own, exactly as the final count reads them.
 */
export async function countGiftsOf(db: Tx, battleIds: string[], gifts: RawBuilder<unknown>) {
  if (battleIds.length === 0) return [];
  const { rows } = await sql<{
    battleId: string;
    transferId: number;
    side: number;
    senderId: string;
    giftId: string;
    coins: number;
    atMs: number;
  }>`
    insert into battle_gifts (battle_id, transfer_id, side, sender_id, gift_id, coins, at_ms)
    select m.battle_id, g.transfer_id, m.side, g.sender_id, g.gift_id, g.coins, g.at_ms
    from (${gifts}) as g
    join battle_members m on m.session_id = g.session_id and m.battle_id in (${sql.join(battleIds)})
    on conflict do nothing
    returning battle_id, transfer_id, side, sender_id, gift_id, coins, at_ms`.execute(db);
  return rows;
}

export function countedGifts(db: Tx, battleId: string) {
  return db
    .selectFrom('battleGifts')
    .select(['transferId', 'side', 'senderId', 'giftId', 'coins', 'atMs'])
    .where('battleId', '=', battleId)
    .execute();
}

/** Battles with a live score to keep: the gifts to their sessions are counted as they commit. */
export function scoringBattles(db: Tx) {
  return db
    .selectFrom('battleMembers as m')
    .innerJoin('battles as b', 'b.id', 'm.battleId')
    .select(['m.battleId', 'm.sessionId', 'm.side'])
    .where('m.open', '=', true)
    .where('b.status', 'in', ['connecting', 'active'])
    .execute();
}

export function stats(db: Tx, userIds: string[]) {
  if (userIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('battleStats').selectAll().where('userId', 'in', userIds).execute();
}

/** A finished battle's outcome for one creator: streaks grow on wins and reset on anything else. */
export async function recordResult(db: Tx, userId: string, result: 'win' | 'loss' | 'draw'): Promise<void> {
  const win = result === 'win' ? 1 : 0;
  await sql`
    insert into battle_stats as s (user_id, battles, wins, losses, draws, win_streak, best_streak)
    values (${userId}, 1, ${win}, ${result === 'loss' ? 1 : 0}, ${result === 'draw' ? 1 : 0}, ${win}, ${win})
    on conflict (user_id) do update set
      battles = s.battles + 1,
      wins = s.wins + excluded.wins,
      losses = s.losses + excluded.losses,
      draws = s.draws + excluded.draws,
      win_streak = case when excluded.wins = 1 then s.win_streak + 1 else 0 end,
      best_streak = greatest(s.best_streak, case when excluded.wins = 1 then s.win_streak + 1 else 0 end)`.execute(
    db,
  );
}

export function users(db: Tx, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('users as u').select(userRef('u')).where('u.id', 'in', ids).execute();
}

/** Decided battles of a creator, newest first, with the opponent (first member of the other side). */
export async function history(db: Tx, userId: string, vsId: string | null, limit: number) {
  // The opponent's columns come back flat beside the battle's, as the accounts module names them.
  const { rows } = await sql<
    UserRef & {
      battleId: string;
      side: number;
      winner: number | null;
      reason: 'finished' | 'forfeit';
      scores: number[];
      endedAt: Date;
      resultEndsAt: Date | null;
    }
  >`
    select b.id as battle_id, me.side, b.winner, b.reason, b.scores,
           coalesce(b.ended_at, b.ends_at) as ended_at, b.result_ends_at, ${userRefSql('u')}
    from battle_members me
    join battles b on b.id = me.battle_id
    join battle_members o on o.battle_id = b.id and o.side <> me.side and o.slot = 0
    join users u on u.id = o.user_id
    where me.user_id = ${userId} and b.final and b.reason in ('finished', 'forfeit')
      ${vsId ? sql`and o.user_id = ${vsId}` : sql``}
    order by b.ends_at desc
    limit ${limit}`.execute(db);
  return rows.map(({ id, handle, displayName, avatarUrl, ...battle }) => ({
    ...battle,
    opponent: { id, handle, displayName, avatarUrl } satisfies UserRef,
  }));
}

export async function headToHead(db: Tx, userId: string, vsId: string) {
  const { rows } = await sql<{ wins: number; losses: number; draws: number }>`
    select count(*) filter (where b.winner = me.side)::int8 as wins,
           count(*) filter (where b.winner is not null and b.winner <> me.side)::int8 as losses,
           count(*) filter (where b.winner is null)::int8 as draws
    from battle_members me
    join battles b on b.id = me.battle_id
    join battle_members o on o.battle_id = b.id and o.side <> me.side
    where me.user_id = ${userId} and o.user_id = ${vsId} and b.final and b.reason in ('finished', 'forfeit')`.execute(
    db,
  );
  return rows[0] ?? { wins: 0, losses: 0, draws: 0 };
}

// ─── quick match queue ──────────────────────────────────────────────────────────────────────────

export async function lockQueue(db: Tx): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('onair:battle_queue'))`.execute(db);
}

export function queued(db: Tx, exceptUserId: string, maxAgeMs: number) {
  return db
    .selectFrom('battleQueue as q')
    .selectAll('q')
    .where('q.userId', '<>', exceptUserId)
    .where('q.queuedAt', '>', sql<Date>`clock_timestamp() - make_interval(secs => ${maxAgeMs / 1000})`)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('battleMembers as m')
            .select('m.userId')
            .whereRef('m.userId', '=', 'q.userId')
            .where('m.open', '=', true),
        ),
      ),
    )
    .orderBy('q.queuedAt')
    .limit(50)
    .execute();
}

export async function enqueue(
  db: Tx,
  row: { userId: string; sessionId: string; friendsOnly: boolean; durationMs: number; resultMs: number },
): Promise<void> {
  await db
    .insertInto('battleQueue')
    .values(row)
    .onConflict((oc) =>
      oc.column('userId').doUpdateSet({
        sessionId: row.sessionId,
        friendsOnly: row.friendsOnly,
        durationMs: row.durationMs,
        resultMs: row.resultMs,
        queuedAt: sql<Date>`clock_timestamp()`,
      }),
    )
    .execute();
}

export async function dequeue(db: Tx, userIds: string[]): Promise<number> {
  if (userIds.length === 0) return 0;
  const r = await db.deleteFrom('battleQueue').where('userId', 'in', userIds).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function dequeueSession(db: Tx, sessionId: string): Promise<void> {
  await db.deleteFrom('battleQueue').where('sessionId', '=', sessionId).execute();
}
