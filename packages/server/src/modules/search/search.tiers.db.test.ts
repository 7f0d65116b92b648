import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { creator, goLive } from './search.test-helpers.ts';

/** Relevance tiers asked in turn (tiers.ts): the order holds across tiers and across pages. */
describe.each(testDatabases())('search tiers on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  const rooms: Record<string, string> = {};

  const get = async (query: string) => {
    const res = await app.inject({ url: `/api/v1/search?${query}` });
    expect(res.statusCode, query).toBe(200);
    return res.json();
  };
  /** Every page of one type, following the cursors, as one list. */
  const walk = async (query: string, type: 'creators' | 'rooms', key: (item: never) => string) => {
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const body = await get(`${query}&type=${type}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      all.push(...body[type].items.map(key));
      cursor = body[type].nextCursor;
    } while (cursor);
    return all;
  };

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database);
    await creator(app, 'ranq_x'); // a typo away: trigram only
    await creator(app, 'bio_person', { bio: 'I rank things' }); // a whole word of the bio
    await creator(app, 'zz_master', { displayName: 'Rank Master' }); // the name starts with it
    await creator(app, 'rankings');
    await creator(app, 'rank_a');
    await creator(app, 'rank'); // the handle itself
    const room = async (handle: string, r: { title: string; hashtags?: string[] }) => {
      rooms[handle] = await goLive(app, await creator(app, handle), r);
    };
    await room('paddler_d', { title: 'Morning kayac paddle' }); // typo in a title word
    await room('paddler_c', { title: 'Morning kayak lessons' }); // a whole word
    await room('paddler_b', { title: 'Kayaking trip' }); // the title starts with it
    await room('paddler_a', { title: 'Evening stream', hashtags: ['kayak'] }); // the hashtag
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('ranks creators exact, prefix (shortest name first), word, then typo, the same on every page', async () => {
    const expected = ['rank', 'rank_a', 'rankings', 'zz_master', 'bio_person', 'ranq_x'];
    const one = await get('q=rank&type=creators');
    expect(one.creators.items.map((c: { handle: string }) => c.handle)).toEqual(expected);
    expect(await walk('q=rank', 'creators', (c: { handle: string }) => c.handle)).toEqual(expected);
  });

  it('ranks LIVE rooms hashtag, prefix, word, then typo, the same on every page', async () => {
    const expected = ['paddler_a', 'paddler_b', 'paddler_c', 'paddler_d'].map((h) => rooms[h]);
    const one = await get('q=kayak&type=rooms');
    expect(one.rooms.items.map((r: { sessionId: string }) => r.sessionId)).toEqual(expected);
    expect(await walk('q=kayak', 'rooms', (r: { sessionId: string }) => r.sessionId)).toEqual(expected);
  });

  it('finds nothing rather than everything for a query no tier matches', async () => {
    const body = await get('q=qqqqzzzz');
    expect(body.creators.items).toEqual([]);
    expect(body.rooms.items).toEqual([]);
  });
});
