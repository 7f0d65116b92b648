import {
  type BattleEvent,
  type BattleState,
  type BoosterKind,
  deadlineOf,
  reduce,
  type Tally,
  tally,
} from '@onair/core';
import type { Transaction } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { BattleRow, Database } from '../../db/schema.ts';
import type { Jobs } from '../../jobs/jobs.ts';
import type { GiftWindow } from '../economy/gift-window.ts';
import { patchOf, stateOf, windowOf } from './battle-state.ts';
import type { Views } from './battle-views.ts';
import { type BattleConfig, type BattleInstruments, DEADLINE_JOB } from './battles.config.ts';
import { battleError, notFound } from './battles.errors.ts';
import type { ViewParts } from './battles.presenter.ts';
import type { MemberRow } from './battles.repository.ts';
import * as repo from './battles.repository.ts';

export type Trx = Transaction<Database>;
type Patch = Partial<Parameters<typeof repo.updateBattle>[2]>;

/** A battle as one of its transactions left it, to announce once that transaction committed. */
export interface Changed {
  row: BattleRow;
  members: MemberRow[];
  decided: boolean;
}

export interface TransitionDeps {
  db: Db;
  config: BattleConfig;
  views: Views;
  giftWindow: GiftWindow;
  jobs: Pick<Jobs, 'schedule' | 'cancel'>;
  instruments: () => BattleInstruments | null;
}

/**
 * Changing a battle: the core state machine applied under the battle's row lock, the deadline job
 * replaced in the same transaction, the final count from the ledger, the records of a decided battle.
 */
export function createTransitions({ db, config, views, giftWindow, jobs, instruments }: TransitionDeps) {
  const { rules } = config;
  const effectOf = (giftId: string): BoosterKind | null => config.boosters.get(giftId) ?? null;

  /** A battle's one deadline: replaced on every transition, gone once the battle ended. */
  async function setDeadline(trx: Trx, id: string, dueMs: number | null): Promise<void> {
    if (dueMs === null) await jobs.cancel(DEADLINE_JOB, id, trx);
    else await jobs.schedule(DEADLINE_JOB, id, dueMs, {}, trx);
  }

  /** The count from the ledger: every committed gift to the battle's sessions inside its window. */
  async function ledgerTally(
    trx: Trx,
    row: BattleRow,
    members: MemberRow[],
    stopAt: number | null,
  ): Promise<Tally> {
    await giftWindow.waitForGiftsTo(
      trx,
      members.map((m) => m.userId),
    );
    const sides = Math.max(...members.map((m) => m.side)) + 1;
    const window = windowOf(row, sides, stopAt);
    const sideOf = new Map(members.flatMap((m) => (m.sessionId ? [[m.sessionId, m.side] as const] : [])));
    const upTo = stopAt ?? window.baseEndsAt + rules.maxExtensions * rules.extensionMs;
    const gifts = await giftWindow.giftsInWindow(
      trx,
      { sessionIds: [...sideOf.keys()] },
      window.startedAt,
      upTo,
    );
    return tally(
      window,
      rules,
      gifts.map((g) => ({
        id: g.transferId,
        side: sideOf.get(g.sessionId)!,
        senderId: g.senderId,
        coins: g.coins,
        at: g.atMs,
        effect: effectOf(g.giftId),
      })),
    );
  }

  const resultFor = (state: BattleState, side: number): 'win' | 'loss' | 'draw' =>
    state.winner === null ? 'draw' : state.winner === side ? 'win' : 'loss';

  /** Writes a transition: the row, the members (closed at the end), the deadline, the records. */
  async function persist(
    trx: Trx,
    row: BattleRow,
    before: BattleState,
    after: BattleState,
    extra: Patch = {},
  ): Promise<boolean> {
    await repo.updateBattle(trx, row.id, { ...patchOf(after), ...extra });
    if (after.status === 'ended') await repo.closeMembers(trx, row.id);
    const deadline = deadlineOf(after);
    await setDeadline(
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

  /** After the commit: a decided battle is counted, and everyone hears the new state. */
  async function published(changed: Changed): Promise<ViewParts> {
    const { row } = changed;
    if (changed.decided && (row.reason === 'finished' || row.reason === 'forfeit'))
      instruments()?.decided(row.reason, row.winner === null);
    const parts = await views.partsOf(row, changed.members);
    await views.announce(parts);
    return parts;
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
    }) => Promise<{ event: BattleEvent; extra?: Patch }> | { event: BattleEvent; extra?: Patch },
    check?: (members: MemberRow[], state: BattleState) => void,
  ): Promise<ViewParts> {
    const changed = await db.transaction().execute(async (trx): Promise<Changed> => {
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
    return published(changed);
  }

  return { effectOf, setDeadline, ledgerTally, persist, published, transition };
}

export type Transitions = ReturnType<typeof createTransitions>;
