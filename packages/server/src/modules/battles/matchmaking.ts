import { type Actor, type BattleState, deadlineOf, newInvite, newMatch } from '@onair/core';
import type { BattleMatchBody, BattleMatchResult } from '@onair/protocol';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import type { LiveService } from '../live/live.service.ts';
import { patchOf } from './battle-state.ts';
import type { Views } from './battle-views.ts';
import type { BattleConfig } from './battles.config.ts';
import { busy, notLive } from './battles.errors.ts';
import type { ViewParts } from './battles.presenter.ts';
import * as repo from './battles.repository.ts';
import * as friendsReadModel from './friends.read-model.ts';
import type { Transitions, Trx } from './transitions.ts';

export interface MatchmakingDeps {
  db: Db;
  config: BattleConfig;
  accounts: Pick<AccountsService, 'getByHandle'>;
  live: Pick<LiveService, 'currentSessions'>;
  views: Views;
  transitions: Pick<Transitions, 'setDeadline'>;
}

type Lengths = { durationS?: number | undefined; resultS?: number | undefined };

/** Starting battles: invites (and rematches), and the quick-match queue. */
export function createMatchmaking({ db, config, accounts, live, views, transitions }: MatchmakingDeps) {
  const settingsFrom = (body: Lengths) => ({
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
        await transitions.setDeadline(trx, id, deadlineOf(s));
        await repo.dequeue(trx, ids);
        return id;
      });
    } catch (err) {
      // Two invites racing for the same creator: the one-open-battle index decides.
      if (repo.isUniqueViolation(err, 'battle_members_one_open')) throw busy(null);
      throw err;
    }
    const parts = await views.load(id);
    await views.announce(parts);
    return parts;
  }

  async function requireLive(actor: Actor, opponent: { id: string; handle: string }) {
    const sessions = await live.currentSessions([actor.id, opponent.id]);
    if (!sessions.has(actor.id)) throw notLive();
    if (!sessions.has(opponent.id))
      throw new AppError('battle.creator_offline', 409, `@${opponent.handle} is not LIVE right now.`);
    return sessions;
  }

  /** Invites a LIVE creator (a rematch names the battle it follows). */
  async function invite(
    actor: Actor,
    opponentHandle: string,
    body: Lengths,
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

  /** Pairs the actor with the oldest fitting creator in the queue, or queues them. */
  async function match(
    actor: Actor,
    body: BattleMatchBody,
  ): Promise<{ status: BattleMatchResult['status']; parts: ViewParts | null }> {
    const friendsOnly = body.friendsOnly ?? false;
    const mine = (await live.currentSessions([actor.id])).get(actor.id);
    if (!mine) throw notLive();
    if ((await repo.openBattlesOf(db, [actor.id])).length > 0) throw busy(null);
    // Candidates are checked outside the queue lock (their LIVE state, friendship), then claimed inside it.
    const waiting = await repo.queued(db, actor.id, config.queueMs);
    const liveNow = await live.currentSessions(waiting.map((w) => w.userId));
    const friends = await friendsReadModel.friendsAmong(
      db,
      actor.id,
      waiting.map((w) => w.userId),
    );
    const candidate = waiting.find(
      (w) =>
        liveNow.get(w.userId) === w.sessionId && (!(friendsOnly || w.friendsOnly) || friends.has(w.userId)),
    );
    if (!candidate) {
      const { durationMs, resultMs } = settingsFrom(body);
      await repo.enqueue(db, { userId: actor.id, sessionId: mine, friendsOnly, durationMs, resultMs });
      return { status: 'waiting', parts: null };
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
    return { status: 'matched', parts };
  }

  return { invite, match };
}
