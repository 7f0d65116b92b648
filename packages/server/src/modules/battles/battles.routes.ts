import {
  Battle,
  BattleHistory,
  BattleHistoryQuery,
  BattleInviteBody,
  BattleMatchBody,
  BattleMatchResult,
  BattleOrNull,
  HandleParams,
  IdParams,
} from '@onair/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Counter, Histogram } from 'prom-client';
import { z } from 'zod';
import type { BattlesService } from './battles.service.ts';

export async function battlesRoutes(app: FastifyInstance, { battles }: { battles: BattlesService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['battles'];

  // Battle figures on /metrics, in the app's own registry.
  const decided = new Counter({
    name: 'onair_battles_decided_total',
    help: 'Battles played to a result, by how they ended',
    labelNames: ['reason', 'result'],
    registers: [app.metrics],
  });
  const flush = new Histogram({
    name: 'onair_battle_score_flush_seconds',
    help: 'One live battle score update: counting committed gifts and writing the scores',
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [app.metrics],
  });
  const counted = new Counter({
    name: 'onair_battle_gifts_counted_total',
    help: 'Committed gifts counted into a running battle',
    registers: [app.metrics],
  });
  battles.instrument({
    decided: (reason, draw) => decided.inc({ reason, result: draw ? 'draw' : 'win' }),
    flushed: (seconds, gifts) => {
      flush.observe(seconds);
      counted.inc(gifts);
    },
  });

  r.post(
    '/battles/invites',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Invite a LIVE creator to a battle (they have 20 s to accept)',
        body: BattleInviteBody,
        response: { 201: Battle },
      },
    },
    async (request, reply) => reply.code(201).send(await battles.invite(request.actor, request.body)),
  );
  r.post(
    '/battles/match',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Quick match with another creator who is waiting (or wait for one)',
        body: BattleMatchBody,
        response: { 200: BattleMatchResult },
      },
    },
    (request) => battles.match(request.actor, request.body),
  );
  r.delete(
    '/battles/match',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Stop waiting for a quick match',
        response: { 200: z.object({ left: z.boolean() }) },
      },
    },
    (request) => battles.unmatch(request.actor),
  );
  r.get(
    '/battles/current',
    {
      config: { auth: 'user' },
      schema: { tags, summary: 'Your open battle, if any', response: { 200: BattleOrNull } },
    },
    (request) => battles.current(request.actor),
  );
  r.get(
    '/battles/:id',
    {
      config: { auth: 'public' },
      schema: { tags, summary: 'One battle', params: IdParams, response: { 200: Battle } },
    },
    (request) => battles.get(request.actor, request.params.id),
  );
  for (const [action, summary] of [
    ['accept', 'Accept a battle invite'],
    ['decline', 'Decline a battle invite'],
    ['leave', 'Leave a battle (a forfeit while it runs; cancels your own invite)'],
  ] as const) {
    r.post(
      `/battles/:id/${action}`,
      {
        config: { auth: 'user' },
        schema: { tags, summary, params: IdParams, response: { 200: Battle } },
      },
      (request) => battles[action](request.actor, request.params.id),
    );
  }
  r.post(
    '/battles/:id/rematch',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Invite the same opponent again after a battle',
        params: IdParams,
        response: { 201: Battle },
      },
    },
    async (request, reply) => reply.code(201).send(await battles.rematch(request.actor, request.params.id)),
  );
  r.get(
    '/sessions/:id/battle',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: "A LIVE session's open battle, as its audience sees it",
        params: IdParams,
        response: { 200: BattleOrNull },
      },
    },
    (request) => battles.ofSession(request.params.id),
  );
  r.get(
    '/users/:handle/battles',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: "A creator's battle record and history (head-to-head with ?vs=)",
        params: HandleParams,
        querystring: BattleHistoryQuery,
        response: { 200: BattleHistory },
      },
    },
    (request) => battles.history(request.actor, request.params.handle, request.query),
  );
}
