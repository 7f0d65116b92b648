import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { publicUser, publicUserAs, userRef, userRefSql } from './public-user.ts';

describe.each(testDatabases())('publicUser selections on $name', (kind) => {
  let database: TestDatabaseHandle;
  let id: string;

  beforeAll(async () => {
    database = await kind.create();
    const row = await database.db
      .insertInto('users')
      .values({ handle: 'ada', displayName: 'Ada', passwordHash: 'secret-hash', role: 'creator' })
      .returning('id')
      .executeTakeFirstOrThrow();
    id = row.id;
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('reads the public columns and never the password hash', async () => {
    const row = await database.db.selectFrom('users as u').select(publicUser('u')).executeTakeFirstOrThrow();
    expect(Object.keys(row).sort()).toEqual([
      'avatarUrl',
      'bio',
      'createdAt',
      'displayName',
      'handle',
      'id',
      'role',
    ]);
    expect(row).toMatchObject({ id, handle: 'ada', displayName: 'Ada', role: 'creator', avatarUrl: null });
  });

  it('renames them with a prefix for a row that holds another user', async () => {
    const row = await database.db
      .selectFrom('users as a')
      .select(publicUserAs('a', 'actor'))
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      actorId: id,
      actorHandle: 'ada',
      actorDisplayName: 'Ada',
      actorRole: 'creator',
    });
    expect(row.actorCreatedAt).toBeInstanceOf(Date);
  });

  it('gives the same short reference from a query builder and from hand-written SQL', async () => {
    const built = await database.db.selectFrom('users as u').select(userRef('u')).executeTakeFirstOrThrow();
    const { rows } = await sql<
      typeof built
    >`select ${userRefSql('u')} from users u group by ${userRefSql('u')}`.execute(database.db);
    expect(rows).toEqual([built]);
    expect(built).toEqual({ id, handle: 'ada', displayName: 'Ada', avatarUrl: null });
  });
});
