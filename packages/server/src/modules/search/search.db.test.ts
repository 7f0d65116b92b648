import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { creator, engage, goLive, scheduleEvent } from './search.test-helpers.ts';

const HOUR = 3_600_000;

describe.each(testDatabases())('search and hashtags on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let queen: Awaited<ReturnType<typeof creator>>;
  let salsaSession: string;
  let potteryEvent: string;
  const now = () => app.services.testClock!.now();

  const search = async (query: string) => {
    const res = await app.inject({ url: `/api/v1/search?${query}` });
    return { status: res.statusCode, body: res.json() };
  };
  const handles = (group: { items: { handle: string }[] }) => group.items.map((c) => c.handle);

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database, { TEST_CLOCK: 'on' });
    queen = await creator(app, 'dancing_queen', { displayName: 'Dancing Queen', bio: 'Disco every night' });
    await creator(app, 'dancing_queenie', { displayName: 'Queenie' });
    await creator(app, 'dance_king', { displayName: 'The King' });
    const salsa = await creator(app, 'salsa_sam', { displayName: 'Sam' });
    salsaSession = await goLive(app, salsa, {
      title: 'Friday night moves',
      topic: 'music',
      hashtags: ['salsa', 'latin'],
    });
    potteryEvent = await scheduleEvent(database.db, queen.user.id, {
      title: 'Pottery marathon',
      startsAt: new Date(now() + 2 * 86_400_000),
      hashtags: ['salsa', 'clay'],
      rsvpCount: 3,
    });
    // Not upcoming: already past, or called off.
    await scheduleEvent(database.db, queen.user.id, {
      title: 'Pottery past',
      startsAt: new Date(now() - HOUR),
    });
    const cancelled = await scheduleEvent(database.db, queen.user.id, {
      title: 'Pottery cancelled',
      startsAt: new Date(now() + HOUR),
    });
    await database.db
      .updateTable('liveEvents')
      .set({ status: 'cancelled' })
      .where('id', '=', cancelled)
      .execute();
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('ranks an exact handle over a prefix over a trigram match, and forgives a misspelt handle', async () => {
    const exact = await search('q=dancing_queen&type=creators');
    expect(exact.status).toBe(200);
    expect(handles(exact.body.creators).slice(0, 2)).toEqual(['dancing_queen', 'dancing_queenie']);
    expect(exact.body.creators.items[0]).toMatchObject({ displayName: 'Dancing Queen', followerCount: 0 });
    expect(exact.body.creators.items[0]).not.toHaveProperty('passwordHash');

    const typo = await search('q=dansing_queen');
    expect(typo.status).toBe(200);
    expect(handles(typo.body.creators)).toContain('dancing_queen');
    expect(handles(typo.body.creators)).not.toContain('salsa_sam');

    // A word of the bio, and "@handle" as people type it.
    expect(handles((await search('q=disco&type=creators')).body.creators)).toEqual(['dancing_queen']);
    expect(handles((await search('q=%40dancing_queen&type=creators')).body.creators)[0]).toBe(
      'dancing_queen',
    );
  });

  it('counts followers and marks creators who are LIVE', async () => {
    const fan = await signup(app);
    await app.inject({ method: 'PUT', url: '/api/v1/users/dancing_queen/follow', headers: fan.auth });
    const res = await search('q=dancing_queen&type=creators');
    expect(res.body.creators.items[0]).toMatchObject({
      handle: 'dancing_queen',
      followerCount: 1,
      live: false,
    });
    expect((await search('q=salsa_sam&type=creators')).body.creators.items[0]).toMatchObject({ live: true });
  });

  it('finds a LIVE room by hashtag, title words and topic, shaped like a feed card', async () => {
    for (const q of ['%23salsa', 'SALSA', 'friday%20moves', 'frday%20nigt']) {
      const res = await search(`q=${q}&type=rooms`);
      expect(res.status, q).toBe(200);
      expect(
        res.body.rooms.items.map((r: { sessionId: string }) => r.sessionId),
        q,
      ).toEqual([salsaSession]);
    }
    const card = (await search('q=salsa&type=rooms')).body.rooms.items[0];
    expect(card).toMatchObject({
      title: 'Friday night moves',
      topic: 'music',
      hashtags: ['salsa', 'latin'],
      viewerCount: 0,
      creator: { handle: 'salsa_sam' },
    });
    const all = await search('q=salsa');
    expect(Object.keys(all.body).sort()).toEqual(['creators', 'events', 'hashtags', 'q', 'rooms', 'type']);
    expect(all.body.hashtags.items[0]).toEqual({ tag: 'salsa', uses: 2 });
  });

  it('finds upcoming events by title (typos too) and hashtag, never past or cancelled ones', async () => {
    for (const q of ['pottery', 'potery%20maraton', '%23clay']) {
      const res = await search(`q=${q}&type=events`);
      expect(res.status, q).toBe(200);
      expect(
        res.body.events.items.map((e: { id: string }) => e.id),
        q,
      ).toEqual([potteryEvent]);
    }
    const event = (await search('q=pottery&type=events')).body.events.items[0];
    expect(event).toMatchObject({
      title: 'Pottery marathon',
      timeZone: 'Europe/Paris',
      rsvpCount: 3,
      durationMin: 60,
      creator: { handle: 'dancing_queen' },
    });
  });

  it('takes operators, wildcards and tsquery syntax as plain text', async () => {
    for (const q of [
      '%',
      '_',
      '\\',
      '%25%25',
      '_%25',
      "'",
      '&|!():*<>',
      ':*',
      '!',
      "' or 1=1 --",
      '<-> !!',
    ]) {
      const res = await search(`q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
      // A wildcard is not "everything": no creator's handle or name contains these characters.
      expect(res.body.creators.items, q).toEqual([]);
      expect(res.body.rooms.items, q).toEqual([]);
    }
    // Around words, operators are only separators: `!queen` does not exclude, `:*` adds nothing.
    for (const q of ['dancing & !queen', 'dancing:*', "dancing' | 'king"]) {
      const words = await search(`q=${encodeURIComponent(q)}&type=creators`);
      expect(words.status, q).toBe(200);
      expect(handles(words.body.creators)[0], q).toBe('dancing_queen');
    }
  });

  it('pages a single type with a cursor', async () => {
    for (const h of ['pagetest_a', 'pagetest_b', 'pagetest_c']) await creator(app, h);
    const first = await search('q=pagetest&type=creators&limit=2');
    expect(handles(first.body.creators)).toEqual(['pagetest_a', 'pagetest_b']);
    expect(first.body.creators.nextCursor).toEqual(expect.any(String));
    const second = await search(`q=pagetest&type=creators&limit=2&cursor=${first.body.creators.nextCursor}`);
    expect(handles(second.body.creators)).toEqual(['pagetest_c']);
    expect(second.body.creators.nextCursor).toBeNull();
  });

  it('answers a tag page: LIVE rooms, upcoming events, top creators; empty for an unused tag', async () => {
    const res = await app.inject({ url: '/api/v1/tags/%23Salsa' });
    expect(res.statusCode).toBe(200);
    const page = res.json();
    expect(page.tag).toBe('salsa');
    expect(page.live.map((r: { sessionId: string }) => r.sessionId)).toEqual([salsaSession]);
    expect(page.upcoming.map((e: { id: string }) => e.id)).toEqual([potteryEvent]);
    expect(page.topCreators.map((c: { handle: string }) => c.handle).sort()).toEqual([
      'dancing_queen',
      'salsa_sam',
    ]);
    // dancing_queen has a follower (an earlier test), so comes first.
    expect(page.topCreators[0]).toMatchObject({ handle: 'dancing_queen', followerCount: 1, uses: 1 });

    const unused = await app.inject({ url: '/api/v1/tags/nobody_uses_this' });
    expect(unused.statusCode).toBe(200);
    expect(unused.json()).toEqual({ tag: 'nobody_uses_this', live: [], upcoming: [], topCreators: [] });
  });

  it('trends hashtags by the last hour of engagement, following the server clock', async () => {
    const viewer = await signup(app);
    const other = await creator(app, 'clay_carla');
    const claySession = await goLive(app, other, { title: 'Throwing bowls', hashtags: ['clay', 'latin'] });
    await engage(database.db, salsaSession, viewer.user.id, now() - 10 * 60_000, {
      comments: 3,
      shares: 1,
      gifts: 2,
      hearts: 10,
    });
    await engage(database.db, claySession, viewer.user.id, now() - 5 * 60_000, { comments: 1, hearts: 2 });
    // Over an hour ago: outside the window.
    await engage(database.db, claySession, viewer.user.id, now() - 2 * HOUR, { comments: 50 });

    const trending = (await app.inject({ url: '/api/v1/tags/trending?limit=5' })).json();
    expect(trending.tags).toEqual([
      { tag: 'latin', engagement: 19, comments: 4, shares: 1, gifts: 2, hearts: 12 },
      { tag: 'salsa', engagement: 16, comments: 3, shares: 1, gifts: 2, hearts: 10 },
      { tag: 'clay', engagement: 3, comments: 1, shares: 0, gifts: 0, hearts: 2 },
    ]);
    expect((await app.inject({ url: '/api/v1/tags/trending?limit=1' })).json().tags).toHaveLength(1);

    app.services.testClock!.advance(2 * HOUR);
    expect((await app.inject({ url: '/api/v1/tags/trending' })).json()).toEqual({ tags: [] });
  });

  it('refuses bad input with coded 400s and changes nothing', async () => {
    const users = async () =>
      (
        await database.db
          .selectFrom('users')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n;
    const before = await users();
    const cases: [string, string][] = [
      ['/api/v1/search', 'search.query_invalid'],
      ['/api/v1/search?q=', 'search.query_invalid'],
      ['/api/v1/search?q=%20%20', 'search.query_invalid'],
      [`/api/v1/search?q=${'a'.repeat(101)}`, 'search.query_invalid'],
      ['/api/v1/search?q=a%01b', 'search.query_invalid'],
      ['/api/v1/search?q=a%0Ab', 'search.query_invalid'],
      ['/api/v1/search?q=dance&type=videos', 'search.type_invalid'],
      ['/api/v1/search?q=dance&cursor=bm9wZQ', 'search.query_invalid'],
      ['/api/v1/search?q=dance&type=creators&cursor=%01', 'search.query_invalid'],
      ['/api/v1/search?q=dance&type=creators&cursor=bm9wZQ', 'search.query_invalid'],
      ['/api/v1/search?q=dance&type=creators&limit=0', 'search.query_invalid'],
      ['/api/v1/tags/not%20a%20tag', 'search.tag_invalid'],
      ['/api/v1/tags/%25', 'search.tag_invalid'],
      [`/api/v1/tags/${'x'.repeat(31)}`, 'search.tag_invalid'],
    ];
    for (const [url, code] of cases) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code, url).toBe(code);
    }
    expect((await app.inject({ url: '/api/v1/tags/trending?limit=500' })).statusCode).toBe(400);
    expect(await users()).toBe(before);
  });

  // Last: it uses up this address's allowance.
  it('limits searches per client address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 130; i++)
      statuses.push((await app.inject({ url: '/api/v1/tags/trending' })).statusCode);
    const limited = await app.inject({ url: '/api/v1/search?q=dance' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('request.rate_limited');
    expect(statuses).toContain(429);
    // Another address is not affected.
    const other = await app.inject({ url: '/api/v1/search?q=dance', remoteAddress: '10.0.0.9' });
    expect(other.statusCode).toBe(200);
  });
});
