/**
 * Fuzz suite of the HTTP API. Every route the app serves (read from the app: its declared routes and
 * the request schemas of its OpenAPI document) gets fast-check cases, each sent as an anonymous
 * caller, as Mallory by bearer token and by session cookie, or as the admin: schema-shaped values
 * with hostile strings and edge numbers, valid values with one poisoned field (U+0000 and friends),
 * shapes with one thing wrong, raw bodies (broken JSON, wrong content types, deep nesting, over the
 * size limit) and hostile paths and query strings. Every answer must be below 500 and every 4xx a
 * coded error body; after each route Vera (another user) must read back exactly the state she had,
 * and a healthy client must still be served. Malformed requests also go over a real socket.
 *
 * Bounded: a fixed seed and 16 cases per route (about 1,400 requests: ~20 s of fuzzing after ~10 s
 * of booting PGlite and signing people up, on a busy 2-core machine). FUZZ_SEED=<n> tries other
 * cases (the seed in use is printed); FUZZ_RUNS=<x> multiplies the count for a longer hunt.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { hostileString } from './hostile.ts';
import { type CaseContext, caseArbitrary, injectOptions, RAW_SEGMENTS } from './requests.ts';
import { type RouteSpec, routeSpecs } from './routes.ts';
import { FUZZ_SEED, runs, seedFor } from './settings.ts';
import { type Finding, problemWith, report } from './verdict.ts';
import { MALFORMED_REQUESTS, rawRequest } from './wire.ts';
import { createWorld, fuzzApp, type LoggedError, PUBLIC_URL, type World } from './world.ts';

const CASES_PER_ROUTE = runs(16);
/** The routes are only known once an app is built; they are fuzzed in this many tests, each its share. */
const SHARDS = 4;
const SHARD_TIMEOUT_MS = 120_000;
/** Signing up and in hashes passwords (scrypt, deliberately slow): generous on a loaded machine. */
const SETUP_TIMEOUT_MS = 120_000;

describe.each(testDatabases())('HTTP fuzz on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let errors: LoggedError[];
  let world: World;
  let ctx: CaseContext;
  let routes: RouteSpec[];
  let baseline: unknown;

  beforeAll(async () => {
    database = await kind.create();
    const built = await fuzzApp(database);
    ({ app, errors } = built);
    world = await createWorld(app);
    const specs = routeSpecs(app);
    routes = specs.routes;
    ctx = {
      world,
      resolve: specs.resolve,
      bodyLimit: built.bodyLimit,
      publicUrl: PUBLIC_URL,
    };
    baseline = await world.victimState();
    console.info(`HTTP fuzz on ${kind.name}: FUZZ_SEED=${FUZZ_SEED}, ${CASES_PER_ROUTE} cases per route`);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('reads every route and its request schemas from the app', () => {
    expect(routes.length).toBe(app.declaredRoutes.length);
    const signup = routes.find((r) => r.method === 'POST' && r.url === '/api/v1/auth/signup');
    expect(signup?.body?.properties?.handle).toMatchObject({ type: 'string', maxLength: 24 });
    const comments = routes.find((r) => r.url === '/api/v1/sessions/:id/comments');
    expect(comments?.params).toEqual([{ name: 'id', schema: expect.objectContaining({ format: 'uuid' }) }]);
    expect(Object.keys(comments?.query.properties ?? {})).toEqual(
      expect.arrayContaining(['before', 'limit']),
    );
    expect(routes.filter((r) => r.body).length).toBeGreaterThan(20);
  });

  async function fuzzRoute(route: RouteSpec): Promise<Finding[]> {
    const findings: Finding[] = [];
    const where = `${route.method} ${route.url}`;
    const cases = fc.sample(caseArbitrary(route, ctx), { seed: seedFor(where), numRuns: CASES_PER_ROUTE });
    for (const c of cases) {
      // A logout would revoke the caller's credential for the cases after it: it gets one of its own.
      const logout = route.url.endsWith('/auth/logout');
      const request = injectOptions(
        route,
        c,
        logout ? await world.disposable(c.caller) : world.headers(c.caller),
      );
      const seen = errors.length;
      const res = await app.inject(request);
      const problem = problemWith(res.statusCode, res.body, route.method);
      if (problem) {
        const reqId = res.headers['x-request-id'];
        findings.push({
          where,
          problem,
          request: { kind: c.kind, caller: c.caller, ...request },
          status: res.statusCode,
          body: res.body,
          logged: errors.slice(seen).find((e) => e.reqId === reqId) ?? errors[seen],
        });
      }
    }
    return findings;
  }

  it.each(Array.from({ length: SHARDS }, (_, i) => i + 1))(
    `routes, part %i of ${SHARDS}: < 500, coded errors, Vera untouched, healthy clients served`,
    async (part) => {
      const findings: Finding[] = [];
      const victimChanged: string[] = [];
      const unhealthy: string[] = [];
      const mine = routes.filter((_, i) => i % SHARDS === part - 1);
      const last = mine.at(-1);
      for (const route of mine) {
        findings.push(...(await fuzzRoute(route)));
        const where = `${route.method} ${route.url}`;
        // Reads cannot change Vera's state; a read that did would still show after the next write.
        if (route.method !== 'GET' || route === last) {
          const now = await world.victimState();
          try {
            expect(now).toEqual(baseline);
          } catch (err) {
            victimChanged.push(`${where}: ${(err as Error).message.slice(0, 2000)}`);
            baseline = now;
          }
        }
        for (const p of await world.unhealthy()) unhealthy.push(`${where}: ${p}`);
      }
      expect(report(findings), 'findings').toBe('');
      expect(victimChanged, "Vera's state changed").toEqual([]);
      expect(unhealthy, 'a healthy client was refused').toEqual([]);
    },
    SHARD_TIMEOUT_MS,
  );

  it('answers malformed requests on the wire with coded errors, and keeps serving', async () => {
    const { port } = new URL(await app.listen({ port: 0, host: '127.0.0.1' }));
    const rawPaths = fc.sample(
      fc
        .array(fc.oneof(fc.constantFrom(...RAW_SEGMENTS), hostileString), { minLength: 1, maxLength: 3 })
        .map((parts) => `/api/v1/users/${parts.join('/')}`),
      { seed: seedFor('wire'), numRuns: runs(20) },
    );
    const requests: [string, string][] = [
      ...MALFORMED_REQUESTS,
      ...rawPaths.map((p): [string, string] => [
        `raw path ${JSON.stringify(p).slice(0, 80)}`,
        `GET ${p} HTTP/1.1\r\nHost: x\r\n\r\n`,
      ]),
    ];
    const problems: string[] = [];
    for (const [what, request] of requests) {
      const answer = await rawRequest(Number(port), request);
      if (!answer) problems.push(`${what}: no answer (closed, or nothing within 15 s)`);
      else {
        const problem = problemWith(answer.status, answer.body, 'GET');
        if (problem) problems.push(`${what}: ${problem}: ${answer.body.slice(0, 200)}`);
      }
    }
    expect(problems).toEqual([]);
    expect((await rawRequest(Number(port), 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'))?.status).toBe(200);
  });
});
