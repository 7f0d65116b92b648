import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabase, type DatabaseHandle, type DialectName } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { testDatabaseUrl } from './backends.ts';

export interface TestDatabase {
  name: DialectName;
  /** A freshly migrated, empty database of this dialect; call `drop()` when done. */
  create(): Promise<TestDatabaseHandle>;
}

export interface TestDatabaseHandle extends DatabaseHandle {
  drop(): Promise<void>;
}

/**
 * The dialects every database test runs on: embedded PGlite always, and real Postgres too when
 * DATABASE_URL is set (required in CI). Postgres tests get a schema of their own, so files run in parallel and leave
 * nothing behind.
 */
export function testDatabases(): TestDatabase[] {
  const list: TestDatabase[] = [
    {
      name: 'pglite',
      async create() {
        const handle = createDatabase({});
        await migrateToLatest(handle.db);
        return { ...handle, drop: () => handle.close() };
      },
    },
  ];
  const url = testDatabaseUrl();
  if (url) {
    list.push({
      name: 'postgres',
      async create() {
        const schema = `test_${randomBytes(6).toString('hex')}`;
        await adminQuery(url, `create schema ${schema}`);
        const handle = createDatabase({ url, schema, poolSize: 4 });
        await migrateToLatest(handle.db);
        return {
          ...handle,
          drop: async () => {
            await handle.close();
            await adminQuery(url, `drop schema ${schema} cascade`);
          },
        };
      },
    });
  }
  return list;
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
