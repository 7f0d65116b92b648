import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, testApp } from '../../test/app.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';

const HOUR = 3_600_000;
const NY = 'America/New_York';

/** A rolled-up ended session of `minutes` minutes, stored as the end-of-session rollup stores it. */
async function rolledUpSession(
  database: TestDatabaseHandle,
  creatorId: string,
  startedAt: string,
  minutes = 30,
) {
  const start = new Date(startedAt);
  const end = new Date(start.getTime() + minutes * 60_000);
  const { id } = await database.db
    .insertInto('liveSessions')
    .values({
      creatorId,
      status: 'ended',
      title: `LIVE at ${startedAt}`,
      topic: 'just_chatting',
      hashtags: [],
      source: 'rtmp',
      ingestNode: 'test',
      clientIp: null,
      videoCodec: null,
      audioCodec: null,
      width: null,
      height: null,
      fps: null,
      startedAt: start,
      liveAt: start,
      endedAt: end,
      endReason: 'unpublished',
      thumbnailAt: null,
      summary: null,
      pinnedCommentId: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const metrics = {
    durationS: minutes * 60,
    uniqueViewers: 10,
    peakViewers: 4,
    peakAt: null,
    totalWatchS: 600,
    avgWatchS: 60,
    comments: 0,
    hearts: 0,
    shares: 0,
    reactions: 0,
    newFollowers: 1,
    gifts: 0,
    coins: 0,
    engagedViewers: 0,
    engagementRate: 0,
    commentsPerMin: 0,
    heartsPerMin: 0,
    sharesPerMin: 0,
    newViewers: 10,
    returningViewers: 0,
    earlyExits: 0,
    topSupporters: [],
    battles: { wins: 0, losses: 0, draws: 0, list: [] },
    minutes: [],
  };
  await database.db
    .insertInto('sessionMetrics')
    .values({
      sessionId: id,
      creatorId,
      startedAt: start,
      endedAt: end,
      final: true,
      diamonds: 0,
      metrics: JSON.stringify(metrics),
      followSources: '[]',
    })
    .execute();
}

describe.each(testDatabases())('studio days and weeks in an IANA zone on $name', (kind) => {
  let database: TestDatabaseHandle;
  let app: FastifyInstance;
  let creator: Awaited<ReturnType<typeof signup>>;

  const get = (url: string) => app.inject({ url, headers: creator.auth });
  const trends = async (query: string) => {
    const res = await get(`/api/v1/studio/trends?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as {
      timeZone: string | null;
      from: string;
      to: string;
      points: { start: string; sessions: number }[];
    };
  };
  const byStart = (points: { start: string; sessions: number }[]) =>
    Object.fromEntries(points.map((p) => [p.start, p.sessions]));
  const lengths = (points: { start: string }[], end: string) =>
    points.map((p, i) => (Date.parse(points[i + 1]?.start ?? end) - Date.parse(p.start)) / HOUR);

  beforeAll(async () => {
    database = await kind.create();
    app = await testApp(database, { ROLES: 'api,gateway,media' });
    await signup(app, 'tz_admin');
    creator = await signup(app, 'tz_host');
    await app.inject({ method: 'POST', url: '/api/v1/me/creator', headers: creator.auth });
    // Sessions belong to a room, which the live domain makes on first use.
    expect((await app.inject({ url: '/api/v1/me/room', headers: creator.auth })).statusCode).toBe(200);
    // New York springs forward on Sunday 8 March 2026 and falls back on Sunday 1 November 2026.
    for (const at of [
      '2026-03-08T04:30:00Z', // Saturday 7 March, 23:30 EST
      '2026-03-09T03:30:00Z', // Sunday 8 March, 23:30 EDT
      '2026-03-09T04:30:00Z', // Monday 9 March, 00:30 EDT
      '2026-11-02T04:30:00Z', // Sunday 1 November, 23:30 EST
      '2026-11-02T05:30:00Z', // Monday 2 November, 00:30 EST
    ])
      await rolledUpSession(database, creator.user.id, at);
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('gives the spring-forward day 23 hours and puts each session on its local day', async () => {
    const t = await trends(`from=2026-03-07&to=2026-03-09&bucket=day&tz=${NY}`);
    expect(t.timeZone).toBe(NY);
    expect(t.from).toBe('2026-03-07T05:00:00.000Z');
    expect(t.to).toBe('2026-03-10T03:59:59.999Z');
    expect(t.points.map((p) => p.start)).toEqual([
      '2026-03-07T05:00:00.000Z',
      '2026-03-08T05:00:00.000Z',
      '2026-03-09T04:00:00.000Z',
    ]);
    expect(lengths(t.points, '2026-03-10T04:00:00.000Z')).toEqual([24, 23, 24]);
    expect(t.points.map((p) => p.sessions)).toEqual([1, 1, 1]);
  });

  it('gives the fall-back day 25 hours', async () => {
    const t = await trends(`from=2026-10-31&to=2026-11-02&bucket=day&tz=${NY}`);
    expect(lengths(t.points, '2026-11-03T05:00:00.000Z')).toEqual([24, 25, 24]);
    expect(byStart(t.points)).toEqual({
      '2026-10-31T04:00:00.000Z': 0,
      '2026-11-01T04:00:00.000Z': 1,
      '2026-11-02T05:00:00.000Z': 1,
    });
  });

  it('starts weeks and months at local midnight either side of a change', async () => {
    const weeks = await trends(`from=2026-03-02&to=2026-03-15&bucket=week&tz=${NY}`);
    expect(weeks.points.map((p) => p.start)).toEqual([
      '2026-03-02T05:00:00.000Z',
      '2026-03-09T04:00:00.000Z',
    ]);
    expect(weeks.points.map((p) => p.sessions)).toEqual([2, 1]);
    const months = await trends(`from=2026-03-01&to=2026-04-30&bucket=month&tz=${NY}`);
    expect(months.points.map((p) => p.start)).toEqual([
      '2026-03-01T05:00:00.000Z',
      '2026-04-01T04:00:00.000Z',
    ]);
  });

  it('keeps the fixed offset of older clients, an hour off after the change', async () => {
    const t = await trends('from=2026-03-07&to=2026-03-09&bucket=day&tzOffsetMin=300');
    expect(t.timeZone).toBeNull();
    // 00:30 EDT on Monday is 23:30 by EST's clock: the fixed offset files it under Sunday.
    expect(t.points.map((p) => p.sessions)).toEqual([1, 2, 0]);
  });

  it('exports trends and best times in the zone', async () => {
    const csv = await get(`/api/v1/studio/export?dataset=trends&from=2026-03-07&to=2026-03-09&tz=${NY}`);
    expect(csv.statusCode, csv.body).toBe(200);
    expect(
      csv.body
        .split('\r\n')
        .slice(1, 4)
        .map((l) => l.split(',').slice(0, 2).join(',')),
    ).toEqual(['2026-03-07T05:00:00.000Z,1', '2026-03-08T05:00:00.000Z,1', '2026-03-09T04:00:00.000Z,1']);
    const sessions = await get(
      `/api/v1/studio/export?dataset=sessions&from=2026-03-09&to=2026-03-09&tz=${NY}`,
    );
    expect(sessions.body.trim().split('\r\n')).toHaveLength(2);
    expect((await get(`/api/v1/studio/export?dataset=heatmap&tz=${NY}`)).statusCode).toBe(200);
    expect((await get(`/api/v1/studio/insights?tz=${NY}`)).statusCode).toBe(200);
  });

  it('refuses an unknown zone with a coded 400 everywhere', async () => {
    for (const url of [
      '/api/v1/studio/trends?from=2026-03-07&to=2026-03-09&tz=Mars/Base',
      '/api/v1/studio/insights?tz=Mars/Base',
      '/api/v1/studio/export?dataset=trends&from=2026-03-07&to=2026-03-09&tz=Mars/Base',
      '/api/v1/studio/export?dataset=heatmap&tz=%2B05:00',
      '/api/v1/studio/export?dataset=sessions&from=2026-03-07&to=2026-03-09&tz=Nowhere',
    ]) {
      const res = await get(url);
      expect([res.statusCode, res.json().error.code], url).toEqual([400, 'studio.time_zone_invalid']);
    }
  });
});
