import type { Actor } from '@onair/core';
import type {
  Battle,
  BattleHistory,
  BattleInviteBody,
  BattleMatchBody,
  BattleMatchResult,
} from '@onair/protocol';
import type { Logger } from 'pino';
import { requireAccess } from '../../access.ts';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { DomainEvents } from '../../events/domain-events.ts';
import type { Jobs } from '../../jobs/jobs.ts';
import type { Bus } from '../../realtime/bus.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import type { GiftWindow } from '../economy/gift-window.ts';
import type { LiveService } from '../live/live.service.ts';
import { ms } from './battle-state.ts';
import { createViews } from './battle-views.ts';
import { createDeadlines } from './battle-worker.ts';
import type { BattleConfig, BattleInstruments } from './battles.config.ts';
import { battleError, notLive } from './battles.errors.ts';
import { presentHistory } from './battles.presenter.ts';
import type { MemberRow } from './battles.repository.ts';
import * as repo from './battles.repository.ts';
import { createLiveScore } from './live-score.ts';
import { createMatchmaking } from './matchmaking.ts';
import { createTransitions } from './transitions.ts';

export { BATTLES_TOPIC, type BattleConfig, type BattleInstruments, battlesConfig } from './battles.config.ts';

export interface BattlesDeps {
  db: Db;
  bus: Bus;
  log: Logger;
  accounts: Pick<AccountsService, 'getByHandle'>;
  live: Pick<LiveService, 'currentSessions'>;
  /** Hears `economy.gift_committed` (the live score) and `live.session_ended` (leave the battle). */
  events: Pick<DomainEvents, 'on' | 'emit'>;
  /** The economy's read of committed gifts, and its wait for gifts under way. */
  giftWindow: GiftWindow;
  /** Durable jobs: the battles' deadlines are `battle.deadline` jobs. */
  jobs: Jobs;
  config: BattleConfig;
}

/**
 * LIVE battles: matchmaking (invite, quick match, rematch), the core state machine applied under a
 * row lock, deadlines as durable jobs, a live score from committed gifts and a final score from the
 * ledger. Each of those is its own file; this is the public API over them.
 */
export function createBattlesService(deps: BattlesDeps) {
  const { db, log, accounts, live, config, jobs } = deps;
  /** Prometheus hooks, handed over by the routes plugin (the registry belongs to the app). */
  let instruments: BattleInstruments | null = null;
  const views = createViews({ db, bus: deps.bus, log, rules: config.rules });
  const transitions = createTransitions({
    db,
    config,
    views,
    giftWindow: deps.giftWindow,
    jobs,
    instruments: () => instruments,
  });
  const deadlines = createDeadlines({ db, config, jobs, transitions });
  const liveScore = createLiveScore({ ...deps, views, transitions, instruments: () => instruments });
  const matchmaking = createMatchmaking({ db, config, accounts, live, views, transitions });
  const { load, viewFor } = views;

  const memberOf = (actor: Actor) => (members: MemberRow[]) => {
    if (!members.some((m) => m.userId === actor.id)) throw battleError('battle.not_member');
  };
  const play: (actor: Actor | null) => asserts actor is Actor = (actor) =>
    requireAccess(actor, 'battle.play', { ownerId: actor?.id ?? '' });

  const api = {
    /** Resolves once this node knows which sessions are in a battle (tests, boot). */
    ready: liveScore.ready,
    /** Resolves once the live-score counts under way on this node are done (tests). */
    settled: liveScore.settled,

    async invite(actor: Actor | null, body: BattleInviteBody): Promise<Battle> {
      play(actor);
      const parts = await matchmaking.invite(actor, body.handle, body, null);
      const invitee = parts.members.find((m) => m.userId !== actor.id);
      if (invitee && parts.row.expiresAt)
        void deps.events.emit('battles.invited', {
          battleId: parts.row.id,
          inviterId: actor.id,
          inviteeId: invitee.userId,
          expiresAt: parts.row.expiresAt,
        });
      return viewFor(parts, actor.id);
    },

    async accept(actor: Actor | null, id: string): Promise<Battle> {
      play(actor);
      const before = await load(id);
      memberOf(actor)(before.members);
      const sessions = await live.currentSessions(before.members.map((m) => m.userId));
      const offline = before.members.find((m) => !sessions.has(m.userId));
      // An invite the worker already expired is still "expired" to the one trying to accept it.
      if (before.row.reason === 'expired') throw battleError('battle.invite_expired');
      const parts = await transitions.transition(
        id,
        async ({ trx, now }) => {
          if (offline && before.row.status === 'invited' && now < (ms(before.row.expiresAt) ?? 0))
            throw offline.userId === actor.id
              ? notLive()
              : new AppError('battle.creator_offline', 409, `@${offline.handle} is not LIVE any more.`);
          // Either creator may have restarted their stream since the invite: battle their current one.
          await repo.setSessions(trx, id, sessions);
          return { event: { type: 'accept', by: actor.id, at: now } };
        },
        memberOf(actor),
      );
      return viewFor(parts, actor.id);
    },

    async decline(actor: Actor | null, id: string): Promise<Battle> {
      play(actor);
      const parts = await transitions.transition(
        id,
        ({ now }) => ({ event: { type: 'decline', by: actor.id, at: now } }),
        memberOf(actor),
      );
      return viewFor(parts, actor.id);
    },

    async leave(actor: Actor | null, id: string): Promise<Battle> {
      play(actor);
      memberOf(actor)((await load(id)).members);
      return viewFor(await deadlines.leave(id, actor.id), actor.id);
    },

    async rematch(actor: Actor | null, id: string): Promise<Battle> {
      play(actor);
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
      if (parts.row.status === 'result') parts = await deadlines.leave(id, actor.id);
      const opponent = parts.members.find((m) => m.side !== me.side)!;
      const next = await matchmaking.invite(
        actor,
        opponent.handle,
        { durationS: parts.row.durationMs / 1000, resultS: parts.row.resultMs / 1000 },
        id,
      );
      return viewFor(next, actor.id);
    },

    async match(actor: Actor | null, body: BattleMatchBody): Promise<BattleMatchResult> {
      play(actor);
      const { status, parts } = await matchmaking.match(actor, body);
      return { status, battle: parts ? viewFor(parts, actor.id) : null };
    },

    async unmatch(actor: Actor | null): Promise<{ left: boolean }> {
      play(actor);
      return { left: (await repo.dequeue(db, [actor.id])) > 0 };
    },

    async current(actor: Actor | null): Promise<{ battle: Battle | null }> {
      play(actor);
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
      return { battle: viewFor(await load(open.battleId), open.userId) };
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
      return presentHistory(stats[0], rows, vs && h2h ? { user: vs, h2h } : null);
    },

    /** A creator's LIVE ended: they leave their battle (a forfeit if it was running) and the queue. */
    async sessionEnded(sessionId: string): Promise<void> {
      const open = await repo.openBattleOfSession(db, sessionId);
      // The LIVE has ended whatever happens here: a failure is logged, never passed back to ingest.
      try {
        if (open)
          await deadlines.leave(open.battleId, open.userId).catch((err) => {
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

    /** Starts the jobs worker that runs battle deadlines (on `worker` nodes). */
    startWorker: () => jobs.start(),
    /** Runs every due job now, battle deadlines included (tests; the worker loop calls the same). */
    tick: () => jobs.runDue(),

    async close(): Promise<void> {
      // The jobs worker first: a deadline in progress announces through the live parts below.
      await jobs.stop();
      await liveScore.close();
    },
  };
  deps.events.on('live.session_ended', ({ sessionId }) => api.sessionEnded(sessionId));
  return api;
}

export type BattlesService = ReturnType<typeof createBattlesService>;
