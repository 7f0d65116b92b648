import { type Actor, blendPage, explorationSlots } from '@onair/core';
import type { Feed, FeedQuery, StudioRanking } from '@onair/protocol';
import type { Logger } from 'pino';
import { requireAccess } from '../../access.ts';
import type { Db } from '../../db/database.ts';
import type { DomainEvents } from '../../events/domain-events.ts';
import type { createJobs } from '../../jobs/jobs.ts';
import type { LiveService } from '../live/live.service.ts';
import { explorerPage, rankedPage, viewerTaste } from './feed.read-model.ts';
import { decodeFeedCursor, encodeFeedCursor, MAX_SEEN } from './feed-cursor.ts';
import type { DiscoveryConfig } from './ranking.config.ts';
import { presentRanking } from './ranking.presenter.ts';
import * as repo from './rankings.repository.ts';
import { recomputeRanking } from './recompute.ts';

export const RANK_JOB = 'discovery.rank';

export interface DiscoveryDeps {
  db: Db;
  live: LiveService;
  jobs: ReturnType<typeof createJobs>;
  events: DomainEvents;
  config: DiscoveryConfig;
  /** Signs feed cursors. */
  secretKey: string;
  now: () => number;
  log: Logger;
}

/**
 * For You: a ranking of the rooms LIVE now, recomputed every few seconds by one worker (a durable
 * job that schedules its own next round), stored so every node serves the same order, and read per
 * viewer with their follows and tastes on top. See README.md.
 */
export function createDiscoveryService({
  db,
  live,
  jobs,
  events,
  config,
  secretKey,
  now,
  log,
}: DiscoveryDeps) {
  const c = config.ranking;
  let lastSample = -1;

  jobs.register(
    RANK_JOB,
    async (ctx) => {
      const at = now();
      const minute = Math.floor(at / 60_000);
      // One history sample per minute is enough for the chart; the primary key drops other nodes' doubles.
      const result = await recomputeRanking(ctx.trx, c, at, { sampleMinute: minute !== lastSample });
      lastSample = minute;
      await jobs.schedule(RANK_JOB, 'all', at + config.intervalMs, {}, ctx.trx);
      if (result.tookMs > config.intervalMs / 2)
        log.warn(
          { ...result, intervalMs: config.intervalMs },
          'ranking recompute takes most of its interval',
        );
    },
    {
      // The ranking must never stop for good: a failing round is retried, at most a minute apart.
      maxAttempts: Number.MAX_SAFE_INTEGER,
      backoffMs: (attempt) => Math.min(config.intervalMs * attempt, 60_000),
    },
  );

  // A room that goes LIVE (or ends) is ranked on the worker's next poll, not at the next interval.
  const rankSoon = async () => {
    try {
      await jobs.reschedule(RANK_JOB, 'all', now());
    } catch (err) {
      log.warn({ err }, 'could not bring the ranking forward');
    }
  };
  events.on('live.session_started', rankSoon);
  events.on('live.session_ended', rankSoon);

  async function forYou(actor: Actor | null, query: FeedQuery): Promise<Feed> {
    const position = query.cursor ? decodeFeedCursor(secretKey, query.cursor) : { page: 0, seen: [] };
    const viewerId = actor?.id ?? null;
    const filter = { viewerId, seen: position.seen, topic: query.topic };
    const room = Math.max(0, MAX_SEEN - position.seen.length);
    const size = Math.min(query.limit, room);
    if (size === 0) return { items: [], nextCursor: null };
    const taste = viewerId ? await viewerTaste(db, viewerId) : { topics: [], hashtags: [] };
    const explorerSlots = explorationSlots(size, c.explorationShare).length;
    const state = await repo.rankingState(db);
    const seed = `${viewerId ?? 'anyone'}:${position.page}:${state.generation}`;
    const [ranked, explorers] = await Promise.all([
      rankedPage(db, filter, taste, c, size + explorerSlots),
      explorerPage(db, filter, seed, explorerSlots * 3),
    ]);
    const page = blendPage(ranked, explorers, size, c.explorationShare, (r) => r.sessionId);
    const slots = new Set(explorationSlots(size, c.explorationShare));
    const exploreIds = new Set(page.filter((r, i) => slots.has(i) && r.explorer).map((r) => r.sessionId));
    const cards = await live.cards(page.map((r) => r.sessionId));
    const rows = new Map(page.map((r) => [r.sessionId, r]));
    const seen = [...position.seen, ...page.map((r) => r.shortId)];
    const more = page.length === size && seen.length < MAX_SEEN;
    return {
      items: cards.map((card) => ({
        ...card,
        ranking: {
          position: rows.get(card.sessionId)?.position ?? null,
          explore: exploreIds.has(card.sessionId),
        },
      })),
      nextCursor: more ? encodeFeedCursor(secretKey, { page: position.page + 1, seen }) : null,
    };
  }

  return {
    /** The "For you" tab (ranked) or the "Following" tab (the live domain's list). */
    feed(actor: Actor | null, query: FeedQuery): Promise<Feed> {
      return query.tab === 'following' ? live.feed(actor, query) : forYou(actor, query);
    },

    /** "Why am I ranked here": the creator's current place, signal by signal, and what would lift it. */
    async studioRanking(actor: Actor | null): Promise<StudioRanking> {
      requireAccess(actor, 'studio.read', { ownerId: actor?.id ?? '' });
      const me = actor!;
      const [row, state, sessionId] = await Promise.all([
        repo.rankingOfCreator(db, me.id),
        repo.rankingState(db),
        live.currentSessionOf(me.id),
      ]);
      const historyOf = row?.sessionId ?? sessionId ?? (await live.lastSessionOf(me.id));
      const history = historyOf ? await repo.history(db, historyOf) : [];
      return presentRanking({
        row,
        state,
        sessionId: historyOf,
        history,
        ranking: c,
        ...(me.role === 'admin' ? { admin: { intervalMs: config.intervalMs } } : {}),
      });
    },

    /** Runs one ranking round now (tests, the bench); the worker's job does the same every interval. */
    recompute: () =>
      db.transaction().execute((trx) => recomputeRanking(trx, c, now(), { sampleMinute: true })),

    /**
     * Makes sure the self-rescheduling ranking job exists and is due now: one job per kind and key,
     * so every node starting does this and there is still one round at a time.
     */
    async start(): Promise<void> {
      await jobs.schedule(RANK_JOB, 'all', now());
    },
  };
}

export type DiscoveryService = ReturnType<typeof createDiscoveryService>;
