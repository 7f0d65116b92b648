import { FAN_ACTIVE_WINDOW_MS, fanActivity } from '@onair/core';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/database.ts';
import { type TestDatabaseHandle, testDatabases } from '../../test/databases.ts';
import { activeFanCounts } from './active-fans.read-model.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T12:00:00Z');

async function user(db: Db, handle: string): Promise<string> {
  const row = await db
    .insertInto('users')
    .values({ handle, displayName: handle, passwordHash: 'x', role: 'creator' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('rooms')
    .values({ creatorId: row.id, streamKey: `key-${handle}` })
    .execute();
  return row.id;
}

async function live(db: Db, creatorId: string, at: number) {
  await sql`insert into live_sessions (creator_id, status, title, topic, hashtags, source, ingest_node, started_at, live_at, ended_at)
    values (${creatorId}, 'ended', '', '', '{}', 'rtmp', 'test', ${new Date(at)}, ${new Date(at)}, ${new Date(at + 3_600_000)})`.execute(
    db,
  );
}

async function member(db: Db, creatorId: string, fanId: string, joinedAt: number, earned: number[]) {
  await db
    .insertInto('fanClubs')
    .values({ creatorId, badgeName: 'club' })
    .onConflict((oc) => oc.column('creatorId').doNothing())
    .execute();
  const last = Math.max(joinedAt, ...earned);
  await db
    .insertInto('fanMemberships')
    .values({
      creatorId,
      fanId,
      joinedAt: new Date(joinedAt),
      lastPointAt: new Date(last),
      points: earned.length,
    })
    .execute();
  for (const [i, at] of earned.entries())
    await db
      .insertInto('fanPointEvents')
      .values({ creatorId, fanId, source: `s${i}`, mission: 'comment', points: 1, at: new Date(at) })
      .execute();
}

/** A small seeded generator, so a failure names a history that can be replayed. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

describe.each(testDatabases())('active fans on $name', (kind) => {
  let database: TestDatabaseHandle;
  beforeAll(async () => {
    database = await kind.create();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('lapses exactly 7 days after an unmet LIVE and is active again from the next point', async () => {
    const db = database.db;
    const creator = await user(db, 'af_creator');
    const fan = await user(db, 'af_fan');
    const quiet = await user(db, 'af_quiet');
    const liveAt = T0 + DAY;
    await live(db, creator, liveAt);
    await member(db, creator, fan, T0, [liveAt + 8 * DAY]);
    const close = liveAt + FAN_ACTIVE_WINDOW_MS;
    const count = async (at: number) =>
      (await activeFanCounts(db, [creator, quiet], new Date(at))).get(creator);
    expect(await count(close - 1)).toBe(1);
    expect(await count(close)).toBe(0);
    // The point at +8 days (after `at` above, so the event rows answered) brings the member back.
    expect(await count(liveAt + 8 * DAY - 1)).toBe(0);
    expect(await count(liveAt + 8 * DAY)).toBe(1);
    // A creator without a club or LIVEs maps to 0, never missing.
    expect((await activeFanCounts(db, [quiet], new Date(close))).get(quiet)).toBe(0);
  });

  it("agrees with core's fanActivity on random histories", async () => {
    const db = database.db;
    const next = lcg(21);
    const creators: string[] = [];
    const truth = new Map<string, { joinedAt: number; earned: number[]; lives: number[] }[]>();
    for (let c = 0; c < 4; c++) {
      const creatorId = await user(db, `af_c${c}`);
      creators.push(creatorId);
      const lives = Array.from(
        { length: 1 + Math.floor(next() * 5) },
        () => T0 + Math.floor(next() * 40 * DAY),
      );
      for (const at of lives) await live(db, creatorId, at);
      const members = [];
      for (let f = 0; f < 6; f++) {
        const fanId = await user(db, `af_c${c}_f${f}`);
        const joinedAt = T0 + Math.floor(next() * 20 * DAY);
        const earned = Array.from(
          { length: Math.floor(next() * 4) },
          () => joinedAt + Math.floor(next() * 30 * DAY),
        );
        await member(db, creatorId, fanId, joinedAt, earned);
        members.push({ joinedAt, earned, lives });
      }
      truth.set(creatorId, members);
    }
    for (let k = 0; k < 12; k++) {
      const at = T0 + Math.floor(next() * 60 * DAY);
      const counts = await activeFanCounts(db, creators, new Date(at));
      for (const creatorId of creators) {
        const expected = truth
          .get(creatorId)!
          .filter(
            (m) => m.joinedAt <= at && fanActivity(m.joinedAt, m.lives, m.earned, at).status === 'active',
          ).length;
        expect(counts.get(creatorId), `creator ${creatorId} at ${new Date(at).toISOString()}`).toBe(expected);
      }
    }
  });
});
