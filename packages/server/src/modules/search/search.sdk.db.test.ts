import type { AddressInfo } from 'node:net';
import { OnAirClient, type OnAirError } from '@onair/sdk';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { creator, goLive } from './search.test-helpers.ts';

/** Search as the web app drives it: the SDK over real HTTP, every answer checked against its schema. */
describe.each(testDatabases())('search through the SDK on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let client: OnAirClient;

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database);
    await app.listen({ port: 0, host: '127.0.0.1' });
    client = new OnAirClient({ baseUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` });
    const kim = await creator(app, 'karaoke_kim', { displayName: 'Kim Sings' });
    await goLive(app, kim, { title: 'Karaoke hour', hashtags: ['karaoke'] });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('searches, pages, opens a tag, reads trending, and surfaces coded errors', async () => {
    const all = await client.search('karaoke kim');
    expect(all.creators?.items.map((c) => c.handle)).toEqual(['karaoke_kim']);
    expect(all.rooms?.items[0]?.hashtags).toEqual(['karaoke']);
    const rooms = await client.search('#karaoke', { type: 'rooms', limit: 1 });
    expect(rooms.creators).toBeUndefined();
    expect(rooms.rooms?.items).toHaveLength(1);
    expect(rooms.rooms?.nextCursor).toBeNull();

    const tag = await client.tag('#Karaoke');
    expect(tag.tag).toBe('karaoke');
    expect(tag.live.map((r) => r.creator.handle)).toEqual(['karaoke_kim']);
    expect(tag.topCreators[0]).toMatchObject({ handle: 'karaoke_kim', uses: 1 });
    expect((await client.trendingTags(5)).tags).toEqual([]);

    const bad = await client.search('x'.repeat(101)).catch((err: OnAirError) => err);
    expect(bad).toMatchObject({ code: 'search.query_invalid', status: 400 });
    const badTag = await client.tag('no spaces').catch((err: OnAirError) => err);
    expect(badTag).toMatchObject({ code: 'search.tag_invalid', status: 400 });
  });
});
