import {
  applyGift,
  type Boost,
  byCommitOrder,
  needsRecount,
  type ScoredGift,
  type Tally,
  tally,
} from '@onair/core';
import type { Logger } from 'pino';
import type { Db } from '../../db/database.ts';
import type { DomainEvents } from '../../events/domain-events.ts';
import type { Bus } from '../../realtime/bus.ts';
import type { GiftWindow } from '../economy/gift-window.ts';
import { ms, windowOf } from './battle-state.ts';
import type { Views } from './battle-views.ts';
import {
  BATTLES_TOPIC,
  type BattleChange,
  type BattleConfig,
  type BattleInstruments,
} from './battles.config.ts';
import type { MemberRow } from './battles.repository.ts';
import * as repo from './battles.repository.ts';
import type { Transitions } from './transitions.ts';

export interface LiveScoreDeps {
  db: Db;
  bus: Bus;
  log: Logger;
  config: BattleConfig;
  views: Views;
  transitions: Pick<Transitions, 'effectOf' | 'setDeadline'>;
  giftWindow: Pick<GiftWindow, 'giftsOfTransfers'>;
  events: Pick<DomainEvents, 'on'>;
  instruments: () => BattleInstruments | null;
}

/**
 * The live score, per node: each gift this node committed to a session in a running battle is
 * counted here, in one flush per node at a time, and both rooms get the new score. The per-node
 * caches: which sessions are battling (kept fresh over the bus) and each running battle's members.
 */
export function createLiveScore(deps: LiveScoreDeps) {
  const { db, bus, log, config, views } = deps;
  const { rules } = config;
  const { effectOf } = deps.transitions;

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

  const offGift = deps.events.on('economy.gift_committed', (event) => {
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
        deps.giftWindow.giftsOfTransfers([...new Set(rows.flatMap((r) => [...batch.get(r.id)!]))]),
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
        const scored = gifts.map(toScored);
        let t: Tally;
        if (needsRecount(scored, { lastGiftAt: row.lastGiftMs, boosts }))
          t = tally(window, rules, (await repo.countedGifts(trx, row.id)).map(toScored));
        else {
          t = {
            scores: (row.scores as number[]).slice(),
            endsAt: ms(row.endsAt) ?? window.baseEndsAt + row.extensions * rules.extensionMs,
            extensions: row.extensions,
            boosts: boosts.slice(),
            supporters: Array.from({ length: sides }, () => new Map()),
            counted: 0,
          };
          for (const g of scored.sort(byCommitOrder)) applyGift(window, rules, t, g);
        }
        const endsAt = row.status === 'active' ? t.endsAt : null;
        if (endsAt !== null && endsAt !== ms(row.endsAt))
          await deps.transitions.setDeadline(trx, row.id, endsAt + config.settleMs);
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
    deps.instruments()?.flushed(
      (performance.now() - started) / 1000,
      out.reduce((n, o) => n + o.update.gifts.length, 0),
    );
    await Promise.all(
      out.map(async ({ row, update }) => {
        await views.announce(await views.partsOf(row, memberCache.get(row.id) ?? []), update.gifts);
        // When a mist lifts, the other room gets the hidden score back without waiting for the next gift.
        if (update.newMist) {
          const timer = setTimeout(() => {
            mistTimers.delete(timer);
            views
              .load(row.id)
              .then((p) => views.announce(p))
              .catch((err) => log.warn({ err }, 'battle mist refresh failed'));
          }, rules.mistMs + 50);
          timer.unref();
          mistTimers.add(timer);
        }
      }),
    );
  }

  return {
    /** Resolves once this node knows which sessions are in a battle (tests, boot). */
    ready: () => ready,
    /** Resolves once the counts under way on this node (and any they set off) are done. */
    async settled(): Promise<void> {
      for (let seen = flushed; ; seen = flushed) {
        await seen;
        if (seen === flushed && !flushing) return;
      }
    },
    async close(): Promise<void> {
      offGift();
      for (const timer of mistTimers) clearTimeout(timer);
      await flushed;
      await (await offTopic)();
    },
  };
}
