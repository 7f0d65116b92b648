import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabaseHandle, testDatabases } from '../test/databases.ts';
import { createDatabase, PREPARED, parseInt8 } from './database.ts';
import { migrateToLatest } from './migrate.ts';

describe('parseInt8', () => {
  it('returns exact numbers and refuses values JavaScript cannot hold exactly', () => {
    expect(parseInt8('42')).toBe(42);
    expect(parseInt8('-9007199254740991')).toBe(-9007199254740991);
    expect(() => parseInt8('9007199254740993')).toThrow(RangeError);
  });
});

describe.each(testDatabases())('database on $name', (kind) => {
  let database: TestDatabaseHandle;
  beforeAll(async () => {
    database = await kind.create();
  });
  afterAll(() => database?.drop());

  it('returns int8 and count(*) as numbers on both drivers', async () => {
    const { rows } = await sql<{
      big: number;
      n: number;
    }>`select 9007199254740991::int8 as big, count(*) as n from users`.execute(database.db);
    expect(rows[0]).toEqual({ big: 9007199254740991, n: 0 });
    await expect(sql`select 9007199254740993::int8 as x`.execute(database.db)).rejects.toThrow(
      /MAX_SAFE_INTEGER/,
    );
  });

  it('returns int8 arrays as numbers (nulls kept) on both drivers, and refuses an inexact element', async () => {
    const { rows } = await sql<{ xs: (number | null)[]; empty: number[] }>`
      select array[1, null, -9007199254740991, 0]::int8[] as xs, '{}'::int8[] as empty`.execute(database.db);
    expect(rows[0]).toEqual({ xs: [1, null, -9007199254740991, 0], empty: [] });
    await expect(sql`select array[1, 9007199254740993]::int8[] as xs`.execute(database.db)).rejects.toThrow(
      /MAX_SAFE_INTEGER/,
    );
  });

  it('runs a statement marked PREPARED with fresh parameters each time (prepared once on Postgres)', async () => {
    await database.db.connection().execute(async (conn) => {
      const add = (n: number) =>
        sql<{ v: number }>`${sql.raw(PREPARED)} select ${n}::int8 + 1 as v`.execute(conn);
      expect((await add(1)).rows[0]!.v).toBe(2);
      expect((await add(41)).rows[0]!.v).toBe(42);
      if (kind.name !== 'postgres') return;
      const { rows } = await sql<{ name: string; statement: string }>`
        select name, statement from pg_prepared_statements`.execute(conn);
      expect(rows.filter((r) => r.statement.startsWith(PREPARED))).toHaveLength(1);
      expect(rows.find((r) => r.statement.startsWith(PREPARED))?.name).toMatch(/^onair_\d+$/);
    });
  });

  it.runIf(kind.name === 'postgres')(
    'survives an idle connection ended by the server, and opens a new one',
    async () => {
      const errors: Error[] = [];
      const other = createDatabase({
        url: process.env.DATABASE_URL,
        poolSize: 1,
        onIdleError: (err) => errors.push(err),
      });
      try {
        const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(other.db)).rows[0]!
          .pid;
        await sql`select pg_terminate_backend(${pid}::int)`.execute(database.db);
        await expect.poll(() => errors.length).toBe(1);
        expect(errors[0]!.message).toMatch(/terminat/);
        const again = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(other.db)).rows[0]!
          .pid;
        expect(again).not.toBe(pid);
      } finally {
        await other.close();
      }
    },
  );

  it('re-running migrations applies nothing', async () => {
    expect(await migrateToLatest(database.db)).toEqual([]);
  });

  it('migrates a fresh schema while another in the same database is already migrated', async () => {
    // On Postgres both are schemas of one database: the second must not take the first's
    // bookkeeping tables for its own (test files, and leftovers of killed runs, share the database).
    const other = await kind.create();
    try {
      const { rows } = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(other.db);
      expect(rows[0]!.n).toBeGreaterThan(0);
      expect(await migrateToLatest(other.db)).toEqual([]);
    } finally {
      await other.drop();
    }
  });

  it('keeps concurrent transactions consistent (no lost update)', async () => {
    const db = database.db;
    const user = await db
      .insertInto('users')
      .values({ handle: 'counter', displayName: '0', role: 'viewer', passwordHash: 'x', avatarUrl: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await Promise.all(
      Array.from({ length: 20 }, () =>
        db.transaction().execute(async (trx) => {
          const row = await trx
            .selectFrom('users')
            .select('displayName')
            .where('id', '=', user.id)
            .forUpdate()
            .executeTakeFirstOrThrow();
          await trx
            .updateTable('users')
            .set({ displayName: String(Number(row.displayName) + 1) })
            .where('id', '=', user.id)
            .execute();
        }),
      ),
    );
    const final = await db
      .selectFrom('users')
      .select('displayName')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(final.displayName).toBe('20');
  });

  it('enforces the schema constraints', async () => {
    const db = database.db;
    await expect(
      db
        .insertInto('users')
        .values({ handle: 'UPPER', displayName: 'x', role: 'viewer', passwordHash: 'x', avatarUrl: null })
        .execute(),
    ).rejects.toThrow();
    await expect(
      db
        .insertInto('users')
        .values({
          handle: 'rolebad',
          displayName: 'x',
          role: 'king' as 'admin',
          passwordHash: 'x',
          avatarUrl: null,
        })
        .execute(),
    ).rejects.toThrow();
  });
});
