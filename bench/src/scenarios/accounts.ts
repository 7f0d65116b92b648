import { OnAirClient } from '@onair/sdk';
import { spawnServer } from '@onair/server/testing';
import { percentile, progress, round } from '../stats.ts';
import type { Scenario } from '../types.ts';

/**
 * The cost of being signed in: every API request resolves its token to a user, so authenticated
 * GET /api/v1/me throughput is the floor for every other route. Also sign-up and log-in latency,
 * which is mostly the deliberate scrypt cost.
 */
export const accounts: Scenario = {
  name: 'accounts',
  description: 'authenticated request throughput and sign-up/log-in latency on one node',
  async run({ quick, log }) {
    const users = quick ? 10 : 30;
    const durationMs = quick ? 5_000 : 15_000;
    const concurrency = 32;
    const server = await spawnServer({ LOGIN_RATE_LIMIT: '10000', WEB_DIST: '/nonexistent' });
    try {
      log(`server at ${server.url} (embedded PGlite)`);
      const signupMs: number[] = [];
      const clients: OnAirClient[] = [];
      for (let i = 0; i < users; i++) {
        const client = new OnAirClient({ baseUrl: server.url });
        const t0 = performance.now();
        await client.signup({ handle: `bench_${i}`, password: 'bench-password' }, { bearer: true });
        signupMs.push(performance.now() - t0);
        clients.push(client);
        progress('sign-up', i + 1, users);
      }
      const loginMs: number[] = [];
      for (let i = 0; i < users; i++) {
        const t0 = performance.now();
        await new OnAirClient({ baseUrl: server.url }).login(
          { handle: `bench_${i}`, password: 'bench-password' },
          { bearer: true },
        );
        loginMs.push(performance.now() - t0);
        progress('log-in', i + 1, users);
      }

      const meMs: number[] = [];
      let errors = 0;
      const deadline = performance.now() + durationMs;
      const workers = Array.from({ length: concurrency }, async (_, w) => {
        const client = clients[w % clients.length]!;
        while (performance.now() < deadline) {
          const t0 = performance.now();
          try {
            await client.me();
            meMs.push(performance.now() - t0);
          } catch {
            errors++;
          }
        }
      });
      const ticker = setInterval(
        () => progress('GET /me', Math.round(durationMs - (deadline - performance.now())), durationMs),
        500,
      );
      await Promise.all(workers);
      clearInterval(ticker);
      progress('GET /me', durationMs, durationMs);

      return {
        database: 'pglite',
        users,
        concurrency,
        durationMs,
        meRequestsPerSec: round(meMs.length / (durationMs / 1000), 0),
        meP50Ms: round(percentile(meMs, 50)),
        meP99Ms: round(percentile(meMs, 99)),
        meErrors: errors,
        signupP50Ms: round(percentile(signupMs, 50)),
        loginP50Ms: round(percentile(loginMs, 50)),
        loginP99Ms: round(percentile(loginMs, 99)),
      };
    } finally {
      await server.stop();
    }
  },
};
