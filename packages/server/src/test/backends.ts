/**
 * The real Postgres and Redis the tests also run on, from DATABASE_URL and REDIS_URL. Locally each is
 * optional (the embedded PGlite and the in-process bus always run). In CI (`CI=true`) a missing one
 * fails the test file that asks for it: a run that silently skipped Postgres or Redis would pass
 * without having tested the backends production uses.
 */

const inCi = () => ['true', '1'].includes((process.env.CI ?? '').toLowerCase());

function required(name: 'DATABASE_URL' | 'REDIS_URL', what: string): string | undefined {
  const url = process.env[name];
  if (url) return url;
  if (inCi()) {
    throw new Error(
      `CI=true but ${name} is not set: ${what} would run without it. Start it (see .ci/run) or unset CI.`,
    );
  }
  return undefined;
}

/** The Postgres URL database tests run on besides PGlite; undefined locally when not set. */
export const testDatabaseUrl = (): string | undefined =>
  required('DATABASE_URL', 'database tests (PGlite only)');

/** The Redis URL bus and rate-limit tests run on besides the in-process ones; undefined locally when not set. */
export const testRedisUrl = (): string | undefined =>
  required('REDIS_URL', 'bus and rate-limit tests (in-process only)');
