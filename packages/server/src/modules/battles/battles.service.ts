import {
  type Actor,
  applyGift,
  type BattleErrorCode,
  type BattleEvent,
  type BattleState,
  type Boost,
  type BoosterKind,
  type BoosterRules,
  byCommitOrder,
  DEFAULT_BOOSTER_RULES,
  deadlineOf,
  newInvite,
  newMatch,
  reduce,
  type ScoredGift,
  type ScoreWindow,
  type Tally,
  tally,
  topSupporters,
} from '@onair/core';
import type {
  Battle,
  BattleHistory,
  BattleInviteBody,
  BattleMatchBody,
  BattleMatchResult,
  GiftEvent,
  ServerFrame,
} from '@onair/protocol';
import type { Transaction } from 'kysely';
import type { Logger } from 'pino';
import { requireAccess } from '../../access.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { BattleRow, Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { type Bus, topics } from '../../realtime/bus.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import type { LiveService } from '../live/live.service.ts';
import { type BattleUserRow, presentBattle, type ViewParts } from './battles.presenter.ts';
import type { MemberRow } from './battles.repository.ts';
import * as repo from './battles.repository.ts';

type Trx = Transaction<Database>;

export interface BattleConfig {
  inviteMs: number;
  connectMs: number;
  durationMs: number;
  resultMs: number;
  /** The final count waits this long after the deadline for gift transactions under way. */
  settleMs: number;
  tickMs: number;
  rules: BoosterRules;
  /** Gift id → the booster it triggers. */
  boosters: Map<string, BoosterKind>;
  /** Run the deadline worker in this process (the `worker` role). */
  worker: boolean;
  /** How long a quick-match request waits in the queue. */
  queueMs: number;
}

export function battlesConfig(config: Config): BattleConfig {
  const boosters = new Map<string, BoosterKind>();
  for (const part of config.BATTLE_BOOSTER_GIFTS.split(',')) {
    const [kind, gift] = part.split('=').map((p) => p.trim());
    if (kind && gift) boosters.set(gift, kind as BoosterKind);
  }
  return {
    inviteMs: config.BATTLE_INVITE_TTL_S * 1000,
    connectMs: config.BATTLE_CONNECT_S * 1000,
    durationMs: config.BATTLE_DURATION_S * 1000,
    resultMs: config.BATTLE_RESULT_S * 1000,
    settleMs: config.BATTLE_SETTLE_MS,
    tickMs: config.BATTLE_TICK_MS,
    rules: { ...DEFAULT_BOOSTER_RULES, speedRoundMs: config.BATTLE_SPEED_ROUND_S * 1000 },
    boosters,
    worker: config.ROLES.includes('worker'),
    queueMs: 60_000,
  };
}

export interface BattlesDeps {
  db: Db;
  bus: Bus;
  log: Logger;
  accounts: Pick<AccountsService, 'getByHandle'>;
  live: Pick<LiveService, 'currentSessions'>;
  gifts: { onGift(listener: (event: GiftEvent) => void): () => void };
  config: BattleConfig;
}

export interface BattleInstruments {
  /** A battle decided (finished or forfeited), by reason and whether it was a draw. */
  decided(reason: 'finished' | 'forfeit', draw: boolean): void;
  /** One live-score flush: how long it took and how many gifts it counted. */
  flushed(seconds: number, gifts: number): void;
}

/** Every node hears battle state changes here, to know which sessions' gifts to count. */
export const BATTLES_TOPIC = 'onair:battles';
interface BattleChange {
  battleId: string;
  status: BattleRow['status'];
  sessions: string[];
}

const STATUS: Record<BattleErrorCode, number> = {
  'battle.invite_expired': 409,
  'battle.not_invited': 403,
  'battle.not_member': 403,
  'battle.ended': 409,
  'battle.state': 409,
};
const MESSAGES: Record<BattleErrorCode, string> = {
  'battle.invite_expired': 'This invite has expired. Send a new one.',
  'battle.not_invited': 'Only the invited creator can answer this invite.',
  'battle.not_member': "You're not in this battle.",
  'battle.ended': 'This battle is over.',
  'battle.state': "That can't be done at this point of the battle.",
};
const battleError = (code: BattleErrorCode) => new AppError(code, STATUS[code], MESSAGES[code]);
const notFound = () => new AppError('battle.not_found', 404, 'There is no such battle.');
const busy = (handle: string | null) =>
  new AppError(
    'battle.busy',
    409,
    handle ? `@${handle} is already in a battle.` : "You're already in a battle. Leave it first.",
  );

const ms = (d: Date | null): number | null => (d === null ? null : d.getTime());
const date = (n: number | null): Date | null => (n === null ? null : new Date(n));

function stateOf(row: BattleRow, members: MemberRow[]): BattleState {
  const sides: string[][] = [];
  for (const m of members) {
    const side = sides[m.side] ?? [];
    side[m.slot] = m.userId;
    sides[m.side] = side;
  }
  return {
    status: row.status,
    sides: sides.map((s) => s.filter(Boolean)),
    settings: {
      inviteMs: row.inviteMs,
      connectMs: row.connectMs,
      durationMs: row.durationMs,
      resultMs: row.resultMs,
    },
    invitedAt: row.invitedAt.getTime(),
    expiresAt: ms(row.expiresAt),
    startsAt: ms(row.startsAt),
    startedAt: ms(row.startedAt),
    endsAt: ms(row.endsAt),
    extensions: row.extensions,
    resultEndsAt: ms(row.resultEndsAt),
    endedAt: ms(row.endedAt),
    reason: row.reason,
    scores: row.final ? (row.scores as number[]) : null,
    winner: row.winner,
    forfeitBy: row.forfeitBy,
  };
}

function patchOf(s: BattleState) {
  return {
    status: s.status,
    reason: s.reason,
    expiresAt: date(s.expiresAt),
    startsAt: date(s.startsAt),
    startedAt: date(s.startedAt),
    endsAt: date(s.endsAt),
    resultEndsAt: date(s.resultEndsAt),
    endedAt: date(s.endedAt),
    extensions: s.extensions,
    winner: s.winner,
    forfeitBy: s.forfeitBy,
    ...(s.scores ? { scores: JSON.stringify(s.scores), final: true } : {}),
  };
}

/**
 * LIVE battles: matchmaking (invite, quick match, rematch), the state machine from core applied under
 * a row lock, durable deadlines claimed by a worker loop, a live score from committed gifts and a
 * final score from the ledger.
 */
export function createBattlesService(deps: BattlesDeps) {
  const { db, bus, log, accounts, live, config } = deps;
  /** Prometheus hooks, handed over by the routes plugin (the registry belongs to the app). */
  let instruments: BattleInstruments | null = null;
  const { rules } = config;
  const effectOf = (giftId: string): BoosterKind | null => config.boosters.get(giftId) ?? null;

  // ─── views and announcements ────────────────────────────────────────────────────────────────────

  const streakCache = new Map<string, Map<string, number>>();

  async function partsOf(row: BattleRow, members: MemberRow[]): Promise<ViewParts> {
    let streaks = streakCache.get(row.id);
    if (!streaks) {
      streaks = new Map(
        (
          await repo.stats(
            db,
            members.map((m) => m.userId),
          )
        ).map((s) => [s.userId, s.winStreak]),
      );
      if (row.status !== 'ended') streakCache.set(row.id, streaks);
    }
    const mvpIds = (row.mvps as { userId: string }[][]).flat().map((s) => s.userId);
    const users = new Map<string, BattleUserRow>(
      mvpIds.length > 0 ? (await repo.users(db, [...new Set(mvpIds)])).map((u) => [u.id, u]) : [],
    );
    return { row, members, streaks, users };
  }

  async function load(id: string): Promise<ViewParts> {
    const row = await repo.findBattle(db, id);
    if (!row) throw notFound();
    return partsOf(row, await repo.members(db, [id]));
  }

  /** Sends each room (and each creator) its own view: a mist hides a score only from the other side. */
  async function announce(parts: ViewParts, giftIds?: string[]): Promise<void> {
    const now = Date.now();
    const sides = new Set(parts.members.map((m) => m.side));
    const sends: Promise<void>[] = [];
    for (const side of sides) {
      const frame: ServerFrame = {
        type: 'battle',
        battle: presentBattle(parts, rules, side, now),
        ...(giftIds ? { giftIds } : {}),
      };
      for (const m of parts.members.filter((x) => x.side === side)) {
        if (m.sessionId) sends.push(bus.publish(topics.stream(m.sessionId), frame));
        sends.push(bus.publish(topics.user(m.userId), frame));
      }
    }
    if (!giftIds) {
      const change: BattleChange = {
        battleId: parts.row.id,
        status: parts.row.status,
        sessions: parts.members.flatMap((m) => (m.sessionId ? [m.sessionId] : [])),
      };
      sends.push(bus.publish(BATTLES_TOPIC, change));
    }
    if (parts.row.status === 'ended') streakCache.delete(parts.row.id);
    await Promise.all(sends).catch((err) => log.warn({ err }, 'battle publish failed'));
  }

  // ─── transitions ─────────────────────────────────────────────────────────────────────────────────

  function windowOf(row: BattleRow, sides: number, stopAt: number | null): ScoreWindow {
    const startedAt = ms(row.startedAt) ?? ms(row.startsAt) ?? 0;
    return { seed: row.id, sides, startedAt, baseEndsAt: startedAt + row.durationMs, stopAt };
  }

  /** The count from the ledger: every committed gift to the battle's sessions inside its window. */
  async function ledgerTally(
    trx: Trx,
    row: BattleRow,
    members: MemberRow[],
    stopAt: number | null,
  ): Promise<Tally> {
    await repo.waitForGiftsTo(
      trx,
      members.map((m) => m.userId),
    );
    const sides = Math.max(...members.map((m) => m.side)) + 1;
    const window = windowOf(row, sides, stopAt);
    const sideOf = new Map(members.flatMap((m) => (m.sessionId ? [[m.sessionId, m.side] as const] : [])));
    const upTo = stopAt ?? window.baseEndsAt + rules.maxExtensions * rules.extensionMs;
    const gifts = await repo.ledgerGifts(trx, [...sideOf.keys()], window.startedAt, upTo);
    return tally(
      window,
      rules,
      gifts.map((g) => ({
        id: g.id,
        side: sideOf.get(g.sessionId)!,
        senderId: g.senderId,
        coins: g.coins,
        at: g.atMs,
        effect: effectOf(g.giftId),
      })),
    );
  }

  /** Counts a decided battle once its transaction committed. */
  function countDecided(row: BattleRow) {
    if (row.reason === 'finished' || row.reason === 'forfeit')
      instruments?.decided(row.reason, row.winner === null);
  }

  function resultFor(state: BattleState, side: number): 'win' | 'loss' | 'draw' {
    return state.winner === null ? 'draw' : state.winner === side ? 'win' : 'loss';
  }

  /** Writes a transition: the row, the members (closed at the end), the deadline, the records. */
  async function persist(
    trx: Trx,
    row: BattleRow,
    before: BattleState,
    after: BattleState,
    extra: Partial<Parameters<typeof repo.updateBattle>[2]> = {},
  ): Promise<boolean> {
    await repo.updateBattle(trx, row.id, { ...patchOf(after), ...extra });
    if (after.status === 'ended') await repo.closeMembers(trx, row.id);
    const deadline = deadlineOf(after);
    await repo.setTimer(
      trx,
      row.id,
      deadline === null ? null : after.status === 'active' ? deadline + config.settleMs : deadline,
    );
    const decided = (before.status === 'active' || before.status === 'connecting') && after.scores !== null;
    if (decided) {
      for (const [side, userIds] of after.sides.entries())
        for (const userId of userIds) await repo.recordResult(trx, userId, resultFor(after, side));
    }
    return decided;
  }

  /**
   * Applies one event to a battle under its row lock. `make` sees the state and the database clock and
   * returns the event (it may also read the ledger for scores, inside the same transaction).
   */
  async function transition(
    id: string,
    make: (ctx: {
      trx: Trx;
      row: BattleRow;
      members: MemberRow[];
      state: BattleState;
      now: number;
    }) =>
      | Promise<{ event: BattleEvent; extra?: Parameters<typeof persist>[4] }>
      | { event: BattleEvent; extra?: Parameters<typeof persist>[4] },
    check?: (members: MemberRow[], state: BattleState) => void,
  ): Promise<ViewParts> {
    const parts = await db.transaction().execute(async (trx) => {
      const row = await repo.lockBattle(trx, id);
      if (!row) throw notFound();
      const members = await repo.members(trx, [id]);
      const state = stateOf(row, members);
      check?.(members, state);
      const now = await repo.clock(trx);
      const { event, extra } = await make({ trx, row, members, state, now });
      const result = reduce(state, event);
      if (!result.ok) throw battleError(result.code);
      const decided = await persist(trx, row, state, result.state, extra);
      const updated = await repo.findBattle(trx, id);
      return { row: updated!, members: await repo.members(trx, [id]), decided };
    });
    if (parts.decided) countDecided(parts.row);
    const full = await partsOf(parts.row, parts.members);
    await announce(full);
    return full;
  }

  /** A member leaving: a forfeit while the battle runs (scored from the ledger up to now). */
  async function leaveBattle(id: string, userId: string): Promise<ViewParts> {
    const overdue = new Error('battle past its deadline');
    const leave = () =>
      transition(id, async ({ trx, row, members, state, now }) => {
        if (state.status === 'active' && state.endsAt !== null) {
          if (now >= state.endsAt) throw overdue;
          const t = await ledgerTally(trx, row, members, now);
          return {
            event: { type: 'leave', by: userId, at: now, scores: t.scores },
            extra: { boosts: JSON.stringify(t.boosts), mvps: JSON.stringify(topSupporters(t)) },
          };
        }
        return { event: { type: 'leave', by: userId, at: now } };
      });
    try {
      return await leave();
    } catch (err) {
      if (err !== overdue) throw err;
      // Past the deadline the battle finished on time: let that happen first, then leave its result.
      await runDue(id, true);
      return leave();
    }
  }

  /**
   * Runs a battle's due deadline inside the claiming transaction: expiry, start, the final count, the
   * end of the result phase. `force` ignores the settle delay (a leave right after the deadline).
   */
  async function runDueIn(
    trx: Trx,
    id: string,
    force: boolean,
  ): Promise<{ row: BattleRow; members: MemberRow[]; decided: boolean } | null> {
    const row = await repo.lockBattle(trx, id);
    if (!row) {
      await repo.setTimer(trx, id, null);
      return null;
    }
    const members = await repo.members(trx, [id]);
    const state = stateOf(row, members);
    const now = await repo.clock(trx);
    const deadline = deadlineOf(state);
    if (deadline === null) {
      await repo.setTimer(trx, id, null);
      return null;
    }
    let decided = false;
    if (state.status === 'active') {
      if (!force && now < deadline + config.settleMs) {
        await repo.setTimer(trx, id, deadline + config.settleMs);
        return null;
      }
      const t = await ledgerTally(trx, row, members, null);
      // An extension the live count never heard of (its node died): the ledger moves the end.
      if (t.endsAt > deadline && now < t.endsAt + config.settleMs) {
        await repo.updateBattle(trx, id, {
          endsAt: new Date(t.endsAt),
          extensions: t.extensions,
          boosts: JSON.stringify(t.boosts),
          scores: JSON.stringify(t.scores),
        });
        await repo.setTimer(trx, id, t.endsAt + config.settleMs);
        return { row: (await repo.findBattle(trx, id))!, members, decided: false };
      }
      const extended: BattleState = { ...state, endsAt: t.endsAt, extensions: t.extensions };
      const result = reduce(extended, { type: 'finish', at: Math.max(now, t.endsAt), scores: t.scores });
      if (!result.ok) throw battleError(result.code);
      decided = await persist(trx, row, state, result.state, {
        boosts: JSON.stringify(t.boosts),
        mvps: JSON.stringify(topSupporters(t)),
      });
    } else {
      const result = reduce(state, { type: 'timer', at: now });
      if (!result.ok) {
        await repo.setTimer(trx, id, deadline);
        return null;
      }
      let after = result.state;
      // Extensions counted during the countdown (gifts at the very first second) carry into the window.
      if (after.status === 'active' && row.extensions > 0)
        after = { ...after, endsAt: after.endsAt! + row.extensions * rules.extensionMs };
      decided = await persist(trx, row, state, after);
    }
    return { row: (await repo.findBattle(trx, id))!, members: await repo.members(trx, [id]), decided };
  }

  async function runDue(id: string, force: boolean): Promise<void> {
    const done = await db.transaction().execute((trx) => runDueIn(trx, id, force));
    if (done?.decided) countDecided(done.row);
    if (done) await announce(await partsOf(done.row, done.members));
  }

  // ─── the deadline worker ─────────────────────────────────────────────────────────────────────────

  let ticking: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  /** Claims and runs due deadlines one at a time until none is due; returns how many ran. */
  async function tick(): Promise<number> {
    let n = 0;
    for (; n < 500 && !closed; n++) {
      const done = await db.transaction().execute(async (trx) => {
        const id = await repo.claimDueTimer(trx);
        if (!id) return undefined;
        return { id, result: await runDueIn(trx, id, false) };
      });
      if (!done) break;
      if (done.result?.decided) countDecided(done.result.row);
      if (done.result) await announce(await partsOf(done.result.row, done.result.members));
    }
    return n;
  }

  function startWorker() {
    if (timer || !config.worker) return;
    timer = setInterval(() => {
      if (ticking) return;
      ticking = tick()
        .then(() => undefined)
        .catch((err) => log.error({ err }, 'battle deadline failed'))
        .finally(() => {
          ticking = null;
        });
    }, config.tickMs);
    timer.unref();
  }

  // ─── the live score ─────────────────────────────────────────────────────────────────────────────

  /** Session → battle, for battles counting (or about to count) gifts. Kept fresh over the bus. */
  const scoring = new Map<string, string>();
  /** Members of counting battles: fixed once a battle is under way, so read once per node. */
  const memberCache = new Map<string, MemberRow[]>();
  let pending = new Map<string, Set<number>>();
  let flushing = false;
  let flushed: Promise<void> = Promise.resolve();
  const mistTimers = new Set<NodeJS.Timeout>();

  function track(change: BattleChange) {
    const counting = change.status === 'connecting' || change.status === 'active';
    if (!counting) memberCache.delete(change.battleId);
    for (const s of change.sessions) {
      if (counting) scoring.set(s, change.battleId);
      else if (scoring.get(s) === change.battleId) scoring.delete(s);
    }
  }

  const offTopic = bus.subscribe(BATTLES_TOPIC, (m) => track(m as BattleChange));
  const ready = (async () => {
    await offTopic;
    for (const r of await repo.scoringBattles(db))
      if (r.sessionId) track({ battleId: r.battleId, status: 'active', sessions: [r.sessionId] });
  })().catch((err) => log.error({ err }, 'battle scoring load failed'));

  const offGift = deps.gifts.onGift((event) => {
    const battleId = scoring.get(event.sessionId);
    if (!battleId) return;
    const set = pending.get(battleId) ?? new Set<number>();
    pending.set(battleId, set);
    set.add(Number(event.id));
    if (flushing) return;
    flushing = true;
    flushed = new Promise((resolve) => setImmediate(() => void drain().finally(resolve)));
  });

  /**
   * One flush in flight per node, covering every battle with new gifts: whatever arrives meanwhile
   * goes in the next one, so a gift storm costs one transaction per round, not one per gift or battle.
   */
  async function drain() {
    try {
      while (pending.size > 0) {
        const batch = pending;
        pending = new Map();
        await countLive(batch).catch((err) => log.error({ err }, 'battle score update failed'));
      }
    } finally {
      flushing = false;
    }
  }

  const toScored = (row: {
    transferId: number;
    side: number;
    senderId: string;
    coins: number;
    atMs: number;
    giftId: string;
  }): ScoredGift => ({
    id: row.transferId,
    side: row.side,
    senderId: row.senderId,
    coins: row.coins,
    at: row.atMs,
    effect: effectOf(row.giftId),
  });

  async function countLive(batch: Map<string, Set<number>>) {
    const started = performance.now();
    const ids = [...batch.keys()];
    const missing = ids.filter((id) => !memberCache.has(id));
    if (missing.length > 0)
      for (const m of await repo.members(db, missing)) {
        const list = memberCache.get(m.battleId) ?? [];
        if (!list.some((x) => x.userId === m.userId)) list.push(m);
        memberCache.set(m.battleId, list);
      }
    const out = await db.transaction().execute(async (trx) => {
      const rows = (await repo.lockBattles(trx, ids)).filter(
        (r) => (r.status === 'active' || r.status === 'connecting') && (r.startedAt || r.startsAt),
      );
      if (rows.length === 0) return [];
      const fresh = await repo.countGiftsOf(
        trx,
        rows.map((r) => r.id),
        [...new Set(rows.flatMap((r) => [...batch.get(r.id)!]))],
      );
      const byBattle = new Map<string, typeof fresh>();
      for (const g of fresh) byBattle.set(g.battleId, [...(byBattle.get(g.battleId) ?? []), g]);
      const updates: (Parameters<typeof repo.updateScores>[1][number] & {
        newMist: boolean;
        gifts: string[];
      })[] = [];
      for (const row of rows) {
        const gifts = byBattle.get(row.id);
        if (!gifts) continue;
        const members = memberCache.get(row.id) ?? [];
        const sides = Math.max(1, ...members.map((m) => m.side)) + 1;
        const window = windowOf(row, sides, null);
        const boosts = row.boosts as Boost[];
        // A booster, or a gift older than one already counted, can change other gifts' points: recount.
        const recount = gifts.some(
          (g) =>
            effectOf(g.giftId) !== null ||
            g.atMs < row.lastGiftMs ||
            (g.atMs === row.lastGiftMs && boosts.some((b) => b.from === g.atMs)),
        );
        let t: Tally;
        if (recount) t = tally(window, rules, (await repo.countedGifts(trx, row.id)).map(toScored));
        else {
          t = {
            scores: (row.scores as number[]).slice(),
            endsAt: ms(row.endsAt) ?? window.baseEndsAt + row.extensions * rules.extensionMs,
            extensions: row.extensions,
            boosts: boosts.slice(),
            supporters: Array.from({ length: sides }, () => new Map()),
            counted: 0,
          };
          for (const g of gifts.map(toScored).sort(byCommitOrder)) applyGift(window, rules, t, g);
        }
        const endsAt = row.status === 'active' ? t.endsAt : null;
        if (endsAt !== null && endsAt !== ms(row.endsAt))
          await repo.setTimer(trx, row.id, endsAt + config.settleMs);
        updates.push({
          id: row.id,
          scores: t.scores,
          boosts: t.boosts,
          extensions: t.extensions,
          lastGiftMs: Math.max(row.lastGiftMs, ...gifts.map((g) => g.atMs)),
          endsAt,
          newMist: t.boosts.some(
            (b) => b.kind === 'mist' && !boosts.some((o) => o.kind === 'mist' && o.from === b.from),
          ),
          gifts: gifts.map((g) => String(g.transferId)),
        });
      }
      const updated = await repo.updateScores(trx, updates);
      return updated.map((row) => ({ row, update: updates.find((u) => u.id === row.id)! }));
    });
    instruments?.flushed(
      (performance.now() - started) / 1000,
      out.reduce((n, o) => n + o.update.gifts.length, 0),
    );
    await Promise.all(
      out.map(async ({ row, update }) => {
        await announce(await partsOf(row, memberCache.get(row.id) ?? []), update.gifts);
        // When a mist lifts, the other room gets the hidden score back without waiting for the next gift.
        if (update.newMist) {
          const t = setTimeout(() => {
            mistTimers.delete(t);
            load(row.id)
              .then((p) => announce(p))
              .catch((err) => log.warn({ err }, 'battle mist refresh failed'));
          }, rules.mistMs + 50);
          t.unref();
          mistTimers.add(t);
        }
      }),
    );
  }

  // ─── matchmaking ─────────────────────────────────────────────────────────────────────────────────

  const settingsFrom = (body: { durationS?: number | undefined; resultS?: number | undefined }) => ({
    inviteMs: config.inviteMs,
    connectMs: config.connectMs,
    durationMs: body.durationS !== undefined ? body.durationS * 1000 : config.durationMs,
    resultMs: body.resultS !== undefined ? body.resultS * 1000 : config.resultMs,
  });

  async function createBattle(
    state: BattleState,
    mode: 'invite' | 'match' | 'rematch',
    sessions: Map<string, string>,
    handles: Map<string, string>,
    rematchOf: string | null,
    before?: (trx: Trx) => Promise<void>,
  ): Promise<ViewParts> {
    const ids = state.sides.flat();
    let id: string;
    try {
      id = await db.transaction().execute(async (trx) => {
        await before?.(trx);
        const open = await repo.openBattlesOf(trx, ids);
        if (open.length > 0) {
          const who = open[0]!.userId;
          throw busy(who === ids[0] ? null : (handles.get(who) ?? null));
        }
        const now = await repo.clock(trx);
        const s =
          state.status === 'invited'
            ? newInvite(state.sides, state.settings, now)
            : newMatch(state.sides, state.settings, now);
        const id = await repo.insertBattle(
          trx,
          {
            ...patchOf(s),
            mode,
            rematchOf,
            invitedAt: new Date(now),
            inviteMs: s.settings.inviteMs,
            connectMs: s.settings.connectMs,
            durationMs: s.settings.durationMs,
            resultMs: s.settings.resultMs,
            scores: JSON.stringify(s.sides.map(() => 0)),
          },
          s.sides.map((members) =>
            members.map((userId) => ({ userId, sessionId: sessions.get(userId) ?? null })),
          ),
        );
        await repo.setTimer(trx, id, deadlineOf(s));
        await repo.dequeue(trx, ids);
        return id;
      });
    } catch (err) {
      // Two invites racing for the same creator: the one-open-battle index decides.
      if (repo.isUniqueViolation(err, 'battle_members_one_open')) throw busy(null);
      throw err;
    }
    const parts = await load(id);
    await announce(parts);
    return parts;
  }

  async function requireLive(actor: Actor, opponent: { id: string; handle: string }) {
    const sessions = await live.currentSessions([actor.id, opponent.id]);
    if (!sessions.has(actor.id))
      throw new AppError('battle.not_live', 409, 'Go LIVE first: battles are between LIVE rooms.');
    if (!sessions.has(opponent.id))
      throw new AppError('battle.creator_offline', 409, `@${opponent.handle} is not LIVE right now.`);
    return sessions;
  }

  async function invite(
    actor: Actor,
    opponentHandle: string,
    body: { durationS?: number | undefined; resultS?: number | undefined },
    rematchOf: string | null,
  ): Promise<ViewParts> {
    const opponent = await accounts.getByHandle(actor, opponentHandle);
    if (opponent.id === actor.id) throw new AppError('battle.self', 400, "You can't battle yourself.");
    const sessions = await requireLive(actor, opponent);
    const state = newInvite([[actor.id], [opponent.id]], settingsFrom(body), 0);
    return createBattle(
      state,
      rematchOf ? 'rematch' : 'invite',
      sessions,
      new Map([[opponent.id, opponent.handle]]),
      rematchOf,
    );
  }

  const memberOf = (actor: Actor) => (members: MemberRow[]) => {
    if (!members.some((m) => m.userId === actor.id)) throw battleError('battle.not_member');
  };

  /** The actor's view of a battle: their own side, or an outsider's. */
  const viewFor = (parts: ViewParts, userId: string | null) =>
    presentBattle(parts, rules, parts.members.find((m) => m.userId === userId)?.side ?? null, Date.now());

  return {
    /** Resolves once this node knows which sessions are in a battle (tests, boot). */
    ready: () => ready,

    async invite(actor: Actor | null, body: BattleInviteBody): Promise<Battle> {
      requireAccess(actor, 'battle.play', { ownerId: actor?.id ?? '' });
      return viewFor(await invite(actor, body.handle, body, null), actor.id);
    },

    async accept(actor: Actor | null, id: string): Promise<Battle> {
      requireAccess(actor, 'battle.play', { ownerId: actor?.id ?? '' });
      const before = await load(id);
      memberOf(actor)(before.members);
      const ids = before.members.map((m) => m.userId);
      const sessions = await live.currentSessions(ids);
      const offline = before.members.find((m) => !sessions.has(m.userId));
      // An invite the worker already expired is still "expired" to the one trying to accept it.
      if (before.row.reason === 'expired') throw battleError('battle.invite_expired');
      const parts = await transition(
        id,
        async ({ trx, now }) => {
          if (offline && before.row.status === 'invited' && now < (ms(before.row.expiresAt) ?? 0))
            throw new AppError(
              offline.userId === actor.id ? 'battle.not_live' : 'battle.creator_offline',
              409,
              offline.userId === actor.id
                ? 'Go LIVE first: battles are between LIVE rooms.'
                : `@${offline.handle} is not LIVE any more.`,
            );
          // Either creator may have restarted their stream since the invite: battle their current one.
          await repo.setSessions(trx, id, sessions);
          return { event: { type: 'accept', by: actor.id, at: now } };
        },
        memberOf(actor),
      );
      return viewFor(parts, actor.id);
    },

    async decline(actor: Actor | null, id: string): Promise<Battle> {
      requireAccess(actor, 'battle.play', { ownerId: actor?.id ?? '' });
      const parts = await transition(
        id,
        ({ now }) => ({ event: { type: 'decline', by: actor.id, at: now } }),
        memberOf(actor),
      );
      return viewFor(parts, actor.id);
    },

    async leave(actor: Actor | null, id: string): Promise<Battle> {
      requireAccess(actor, 'battle.play', { ownerId: actor?.id ?? '' });
      const before = await load(id);
      memberOf(actor)(before.members);
      return viewFor(await leaveBattle(id, actor.id), actor.id);
    },

    async rematch(actor: Actor | null, id: string): Promise<Battle> {
      requireAccess(actor, 'battle.play', { ownerId: actor?.id ?? '' });
      let parts = await load(id);
      const me = parts.members.find((m) => m.userId === actor.id);
      if (!me) throw battleError('battle.not_member');
      const decided = parts.row.reason === 'finished' || parts.row.reason === 'forfeit';
      if (!decided || (parts.row.status !== 'result' && parts.row.status !== 'ended'))
        throw new AppError(
          'battle.rematch_unavailable',
          409,
          'A rematch follows a battle that was played to a result.',
        );
      // Asking for a rematch during the result phase closes it, so both creators are free.
      if (parts.row.status === 'result') parts = await leaveBattle(id, actor.id);
      const opponent = parts.members.find((m) => m.side !== me.side)!;
      const next = await invite(
        actor,
        opponent.handle,
        { durationS: parts.row.durationMs / 1000, resultS: parts.row.resultMs / 1000 },
        id,
      );
      return viewFor(next, actor.id);
    },

    async match(actor: Actor | null, body: BattleMatchBody): Promise<BattleMatchResult> {
      requireAccess(actor, 'battle.play', { ownerId: actor?.id ?? '' });
      const friendsOnly = body.friendsOnly ?? false;
      const mine = (await live.currentSessions([actor.id])).get(actor.id);
      if (!mine) throw new AppError('battle.not_live', 409, 'Go LIVE first: battles are between LIVE rooms.');
      if ((await repo.openBattlesOf(db, [actor.id])).length > 0) throw busy(null);
      // Candidates are checked outside the queue lock (their LIVE state, friendship), then claimed inside it.
      const waiting = await repo.queued(db, actor.id, config.queueMs);
      const liveNow = await live.currentSessions(waiting.map((w) => w.userId));
      const friends = await repo.friendsAmong(
        db,
        actor.id,
        waiting.map((w) => w.userId),
      );
      const candidate = waiting.find(
        (w) =>
          liveNow.get(w.userId) === w.sessionId && (!(friendsOnly || w.friendsOnly) || friends.has(w.userId)),
      );
      if (!candidate) {
        await repo.enqueue(db, {
          userId: actor.id,
          sessionId: mine,
          friendsOnly,
          ...(({ durationMs, resultMs }) => ({ durationMs, resultMs }))(settingsFrom(body)),
        });
        return { status: 'waiting', battle: null };
      }
      const state = newMatch(
        [[candidate.userId], [actor.id]],
        {
          inviteMs: config.inviteMs,
          connectMs: config.connectMs,
          durationMs: candidate.durationMs,
          resultMs: candidate.resultMs,
        },
        0,
      );
      const parts = await createBattle(
        state,
        'match',
        new Map([
          [candidate.userId, candidate.sessionId],
          [actor.id, mine],
        ]),
        new Map(),
        null,
        async (trx) => {
          await repo.lockQueue(trx);
          // Someone else matched them first: they are no longer waiting.
          if ((await repo.dequeue(trx, [candidate.userId])) === 0)
            throw new AppError(
              'battle.busy',
              409,
              'That creator was just matched with someone else. Try again.',
            );
        },
      );
      return { status: 'matched', battle: viewFor(parts, actor.id) };
    },

    async unmatch(actor: Actor | null): Promise<{ left: boolean }> {
      requireAccess(actor, 'battle.play', { ownerId: actor?.id ?? '' });
      return { left: (await repo.dequeue(db, [actor.id])) > 0 };
    },

    async current(actor: Actor | null): Promise<{ battle: Battle | null }> {
      requireAccess(actor, 'battle.play', { ownerId: actor?.id ?? '' });
      const open = await repo.openBattlesOf(db, [actor.id]);
      if (!open[0]) return { battle: null };
      return { battle: viewFor(await load(open[0].battleId), actor.id) };
    },

    async get(actor: Actor | null, id: string): Promise<Battle> {
      return viewFor(await load(id), actor?.id ?? null);
    },

    /** The open battle of a LIVE session, as that room's audience sees it. */
    async ofSession(sessionId: string): Promise<{ battle: Battle | null }> {
      const open = await repo.openBattleOfSession(db, sessionId);
      if (!open) return { battle: null };
      const parts = await load(open.battleId);
      return { battle: viewFor(parts, open.userId) };
    },

    async history(
      actor: Actor | null,
      handle: string,
      query: { vs?: string | undefined; limit: number },
    ): Promise<BattleHistory> {
      const user = await accounts.getByHandle(actor, handle);
      const vs = query.vs ? await accounts.getByHandle(actor, query.vs) : null;
      const [stats, rows, h2h] = await Promise.all([
        repo.stats(db, [user.id]),
        repo.history(db, user.id, vs?.id ?? null, query.limit),
        vs ? repo.headToHead(db, user.id, vs.id) : null,
      ]);
      const s = stats[0];
      return {
        record: {
          battles: s?.battles ?? 0,
          wins: s?.wins ?? 0,
          losses: s?.losses ?? 0,
          draws: s?.draws ?? 0,
          winStreak: s?.winStreak ?? 0,
          bestStreak: s?.bestStreak ?? 0,
        },
        headToHead:
          vs && h2h
            ? {
                opponent: {
                  id: vs.id,
                  handle: vs.handle,
                  displayName: vs.displayName,
                  avatarUrl: vs.avatarUrl,
                },
                ...h2h,
              }
            : null,
        battles: rows.map((r) => ({
          id: r.id,
          opponent: {
            id: r.opponentId,
            handle: r.handle,
            displayName: r.displayName,
            avatarUrl: r.avatarUrl,
          },
          result: r.winner === null ? 'draw' : r.winner === r.side ? 'win' : 'loss',
          reason: r.reason,
          score: r.scores[r.side] ?? 0,
          opponentScore: r.scores[1 - r.side] ?? 0,
          endedAt: new Date(r.endedAt).toISOString(),
        })),
      };
    },

    /** A creator's LIVE ended: they leave their battle (a forfeit if it was running) and the queue. */
    async sessionEnded(sessionId: string): Promise<void> {
      const open = await repo.openBattleOfSession(db, sessionId);
      // The LIVE has ended whatever happens here: a failure is logged, never passed back to ingest.
      try {
        if (open)
          await leaveBattle(open.battleId, open.userId).catch((err) => {
            if (!(err instanceof AppError)) throw err;
          });
        await repo.dequeueSession(db, sessionId);
      } catch (err) {
        log.error({ err, sessionId }, 'leaving the battle of an ended LIVE failed');
      }
    },

    instrument(hooks: BattleInstruments) {
      instruments = hooks;
    },

    startWorker,
    /** Runs every due deadline now (tests; the worker loop calls the same). */
    tick,

    async close(): Promise<void> {
      closed = true;
      if (timer) clearInterval(timer);
      timer = null;
      offGift();
      for (const t of mistTimers) clearTimeout(t);
      await ticking;
      await flushed;
      await (await offTopic)();
    },
  };
}

export type BattlesService = ReturnType<typeof createBattlesService>;
