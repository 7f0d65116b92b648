import { afterEach, describe, expect, it, vi } from 'vitest';
import { testDatabaseUrl, testRedisUrl } from './backends.ts';

describe('test backends', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('in CI, a missing Postgres or Redis fails instead of leaving only PGlite and in-process', () => {
    vi.stubEnv('CI', 'true');
    vi.stubEnv('DATABASE_URL', '');
    vi.stubEnv('REDIS_URL', '');
    expect(() => testDatabaseUrl()).toThrow(/CI=true but DATABASE_URL is not set/);
    expect(() => testRedisUrl()).toThrow(/CI=true but REDIS_URL is not set/);
    vi.stubEnv('DATABASE_URL', 'postgres://ci/test');
    vi.stubEnv('REDIS_URL', 'redis://ci:6379');
    expect(testDatabaseUrl()).toBe('postgres://ci/test');
    expect(testRedisUrl()).toBe('redis://ci:6379');
  });

  it('locally, each is optional', () => {
    vi.stubEnv('CI', '');
    vi.stubEnv('DATABASE_URL', '');
    vi.stubEnv('REDIS_URL', '');
    expect(testDatabaseUrl()).toBeUndefined();
    expect(testRedisUrl()).toBeUndefined();
  });
});
