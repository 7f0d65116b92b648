import { describe, expect, it } from 'vitest';
import { ConfigError, describeEnv, ENV, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('runs on documented defaults with an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      PORT: 8080,
      RTMP_PORT: 1935,
      DATA_DIR: './data',
      ROLES: ['api', 'gateway', 'media', 'worker'],
    });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.publicUrl).toBe('http://localhost:8080');
  });

  it('reads and normalizes values', () => {
    const c = loadConfig({
      PORT: '9000',
      DATABASE_URL: 'postgres://u@db:5432/onair',
      REDIS_URL: 'redis://cache:6379',
      ROLES: ' api , gateway ',
      PUBLIC_URL: 'https://live.example.com/',
      SECRET_KEY: 'k'.repeat(40),
    });
    expect(c).toMatchObject({ PORT: 9000, ROLES: ['api', 'gateway'], publicUrl: 'https://live.example.com' });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' })).toMatchObject({ DATABASE_URL: undefined, PORT: 8080 });
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        ROLES: 'api,chef',
        SECRET_KEY: 'short',
        LOG_LEVEL: 'loud',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['PORT', 'DATABASE_URL', 'ROLES', 'SECRET_KEY', 'LOG_LEVEL'])
      expect(message).toContain(`${name}=`);
    expect((error as ConfigError).problems).toHaveLength(5);
  });

  it('rejects out-of-range ports and an empty role list', () => {
    expect(() => loadConfig({ RTMP_PORT: '70000' })).toThrow(/RTMP_PORT/);
    expect(() => loadConfig({ ROLES: ',' })).toThrow(/ROLES/);
  });

  it('documents every variable in --help', () => {
    const help = describeEnv();
    for (const name of Object.keys(ENV)) expect(help).toContain(name);
    expect(help).toContain('(default: 8080)');
  });
});

describe('README', () => {
  it('documents every environment variable', async () => {
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    for (const name of Object.keys(ENV)) expect(readme, name).toContain(`| \`${name}\` |`);
  });
});
