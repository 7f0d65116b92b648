import { type BattleState, deadlineOf, reduce, topSupporters } from '@onair/core';
import type { Db } from '../../db/database.ts';
import type { Jobs } from '../../jobs/jobs.ts';
import { stateOf } from './battle-state.ts';
import { type BattleConfig, DEADLINE_JOB } from './battles.config.ts';
import { battleError } from './battles.errors.ts';
import type { ViewParts } from './battles.presenter.ts';
import * as repo from './battles.repository.ts';
import type { Changed, Transitions, Trx } from './transitions.ts';

export interface DeadlineDeps {
  db: Db;
  config: BattleConfig;
  jobs: Pick<Jobs, 'register'>;
  transitions: Transitions;
}

/**
 * Battle deadlines as durable jobs (`battle.deadline`, keyed by battle id): invite expiry, the end of
 * the countdown, the final count at `endsAt + settleMs`, the end of the result phase. Whichever
 * worker node claims the job runs it inside the claiming transaction.
 */
export function createDeadlines({ db, config, jobs, transitions: t }: DeadlineDeps) {
  const { rules } = config;

  /**
   * Runs a battle's due deadline inside `trx`: expiry, start, the final count, the end of the result
   * phase. `force` ignores the settle delay (a leave right after the deadline).
   */
  async function runDueIn(trx: Trx, id: string, force: boolean): Promise<Changed | null> {
    const row = await repo.lockBattle(trx, id);
    if (!row) {
      await t.setDeadline(trx, id, null);
      return null;
    }
    const members = await repo.members(trx, [id]);
    const state = stateOf(row, members);
    const now = await repo.clock(trx);
    const deadline = deadlineOf(state);
    if (deadline === null) {
      await t.setDeadline(trx, id, null);
      return null;
    }
    let decided = false;
    if (state.status === 'active') {
      if (!force && now < deadline + config.settleMs) {
        await t.setDeadline(trx, id, deadline + config.settleMs);
        return null;
      }
      const tally = await t.ledgerTally(trx, row, members, null);
      // An extension the live count never heard of (its node died): the ledger moves the end.
      if (tally.endsAt > deadline && now < tally.endsAt + config.settleMs) {
        await repo.updateBattle(trx, id, {
          endsAt: new Date(tally.endsAt),
          extensions: tally.extensions,
          boosts: JSON.stringify(tally.boosts),
          scores: JSON.stringify(tally.scores),
        });
        await t.setDeadline(trx, id, tally.endsAt + config.settleMs);
        return { row: (await repo.findBattle(trx, id))!, members, decided: false };
      }
      const extended: BattleState = { ...state, endsAt: tally.endsAt, extensions: tally.extensions };
      const result = reduce(extended, {
        type: 'finish',
        at: Math.max(now, tally.endsAt),
        scores: tally.scores,
      });
      if (!result.ok) throw battleError(result.code);
      decided = await t.persist(trx, row, state, result.state, {
        boosts: JSON.stringify(tally.boosts),
        mvps: JSON.stringify(topSupporters(tally)),
      });
    } else {
      const result = reduce(state, { type: 'timer', at: now });
      if (!result.ok) {
        await t.setDeadline(trx, id, deadline);
        return null;
      }
      let after = result.state;
      // Extensions counted during the countdown (gifts at the very first second) carry into the window.
      if (after.status === 'active' && row.extensions > 0)
        after = { ...after, endsAt: after.endsAt! + row.extensions * rules.extensionMs };
      decided = await t.persist(trx, row, state, after);
    }
    return { row: (await repo.findBattle(trx, id))!, members: await repo.members(trx, [id]), decided };
  }

  jobs.register(
    DEADLINE_JOB,
    async ({ job, trx, afterCommit }) => {
      const changed = await runDueIn(trx, job.key, false);
      if (changed) afterCommit(() => t.published(changed));
    },
    // A deadline is never given up on: a battle left without one would never end.
    { maxAttempts: Number.POSITIVE_INFINITY, backoffMs: (n) => Math.min(250 * 2 ** (n - 1), 30_000) },
  );

  /** Runs a battle's deadline now, whether or not a worker would (a leave right after it). */
  async function runDue(id: string): Promise<void> {
    const changed = await db.transaction().execute((trx) => runDueIn(trx, id, true));
    if (changed) await t.published(changed);
  }

  /** A member leaving: a forfeit while the battle runs (scored from the ledger up to now). */
  async function leave(id: string, userId: string): Promise<ViewParts> {
    const overdue = new Error('battle past its deadline');
    const attempt = () =>
      t.transition(id, async ({ trx, row, members, state, now }) => {
        if (state.status === 'active' && state.endsAt !== null) {
          if (now >= state.endsAt) throw overdue;
          const tally = await t.ledgerTally(trx, row, members, now);
          return {
            event: { type: 'leave', by: userId, at: now, scores: tally.scores },
            extra: { boosts: JSON.stringify(tally.boosts), mvps: JSON.stringify(topSupporters(tally)) },
          };
        }
        return { event: { type: 'leave', by: userId, at: now } };
      });
    try {
      return await attempt();
    } catch (err) {
      if (err !== overdue) throw err;
      // Past the deadline the battle finished on time: let that happen first, then leave its result.
      await runDue(id);
      return attempt();
    }
  }

  return { leave };
}
