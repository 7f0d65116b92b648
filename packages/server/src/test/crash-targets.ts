import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDatabase, type DatabaseHandle } from '../db/database.ts';
import { testDatabaseUrl } from './backends.ts';

/**
 * Where a real `onair serve` child that a test kills keeps its data, so the test (and the next
 * node) can open the same data: PGlite files under DATA_DIR always, and a Postgres database of its
 * own when DATABASE_URL is set (required in CI).
 */
export interface CrashTarget {
  name: 'pglite' | 'postgres';
  /** What to hand the spawned server. */
  env: Record<string, string>;
  /** The Postgres database's URL (Postgres only). */
  url?: string;
  /** Opens the same data in the test's own process. */
  open(): DatabaseHandle;
  cleanup(): Promise<void>;
}

async function pgAdmin(url: string, text: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export async function crashTargets(prefix: string, poolSize: number): Promise<CrashTarget[]> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `onair-${prefix}-`));
  const list: CrashTarget[] = [
    {
      name: 'pglite',
      env: { DATA_DIR: dataDir },
      open: () => createDatabase({ dataDir: path.join(dataDir, 'pglite') }),
      cleanup: () => rm(dataDir, { recursive: true, force: true }),
    },
  ];
  const base = testDatabaseUrl();
  if (base) {
    const name = `onair_${prefix.replaceAll('-', '_')}_${randomBytes(5).toString('hex')}`;
    const url = new URL(base);
    url.pathname = `/${name}`;
    const pgDir = await mkdtemp(path.join(tmpdir(), `onair-${prefix}-pg-`));
    list.push({
      name: 'postgres',
      env: { DATA_DIR: pgDir, DATABASE_URL: url.toString() },
      url: url.toString(),
      open: () => createDatabase({ url: url.toString(), poolSize }),
      cleanup: async () => {
        await pgAdmin(base, `drop database if exists ${name} with (force)`);
        await rm(pgDir, { recursive: true, force: true });
      },
    });
    await pgAdmin(base, `create database ${name}`);
  }
  return list;
}
