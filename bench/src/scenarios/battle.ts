import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { startServer } from '@onair/server';
import { spawnServer } from '@onair/server/testing';
import { sql } from 'kysely';
import { WebSocket } from 'ws';
import { benchServerEnv, startBenchServer } from '../bench-server.ts';
import { goLiveThroughHooks } from '../go-live.ts';
import { pool, rng } from '../load.ts';
import { scratchDatabase } from '../scratch-db.ts';
import { percentile, progress, round } from '../stats.ts';
import type { Scenario } from '../types.ts';

type RunningServer = Awaited<ReturnType<typeof startServer>>;

/** Plain gifts only: boosters would make the expected score depend on draws this bench does not model. */
const GIFT_MIX: [giftId: string, weight: number][] = [
  ['rose', 50],
  ['finger_heart', 25],
  ['doughnut', 15],
  ['hand_hearts', 8],
  ['corgi', 2],
];
const PICK = GIFT_MIX.flatMap(([id, w]) => Array<string>(w).fill(id));
const SPEED_ROUND_S = 5;

interface Person {
  id: string;
  handle: string;
  token: string;
}

interface BattleInfo {
  id: string;
  sessions: [string, string];
  handles: [string, string];
  startedAt: number;
  endsAt: number;
}

/** Keep-alive JSON requests (lighter than fetch, so the load generator steals less CPU). */
function client(baseUrl: string, maxSockets: number) {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets });
  return (method: 'GET' | 'POST', pathname: string, token: string | null, body?: object) =>
    // biome-ignore lint/suspicious/noExplicitAny: the bench reads a few fields of JSON answers it trusts
    new Promise<{ status: number; json: () => any }>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: pathname,
          method,
          agent,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(payload
              ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
              : {}),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d) => {
            text += d;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, json: () => JSON.parse(text) }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
}

/** Creators and gifters with coins and API tokens; creators LIVE through the ingest hooks. */
async function seed(server: RunningServer, creators: number, wallets: number) {
  const { db } = server.database;
  const { accounts, economy, live } = server.app.services;
  const rows = [
    ...Array.from({ length: creators }, (_, i) => ({
      handle: `bb_c${i}`,
      displayName: `Battler ${i}`,
      role: 'creator' as const,
    })),
    ...Array.from({ length: wallets }, (_, i) => ({
      handle: `bb_w${i}`,
      displayName: `Supporter ${i}`,
      role: 'viewer' as const,
    })),
  ];
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('users')
      .values(rows.slice(i, i + 500).map((p) => ({ ...p, avatarUrl: null, passwordHash: '!bench-no-login' })))
      .execute();
  const ids = new Map(
    (await db.selectFrom('users').select(['id', 'handle']).where('handle', 'like', 'bb_%').execute()).map(
      (r) => [r.handle, r.id],
    ),
  );
  const people = rows.map((r) => ({ ...r, id: ids.get(r.handle)!, token: '' }));
  await pool(people, 8, async (p) => {
    const actor = { id: p.id, role: p.role };
    p.token = (await accounts.createApiToken(actor, 'bench')).token;
    if (p.role === 'viewer') {
      const { purchase } = await economy.coins.buy(actor, {
        packageId: 'coins_17500',
        idempotencyKey: 'bench-seed',
      });
      await economy.coins.confirm(actor, purchase.id, {});
    }
  });
  const sessions = new Map<string, string>();
  for (const c of people.filter((p) => p.role === 'creator')) {
    sessions.set(c.id, await goLiveThroughHooks(live, c));
  }
  const strip = (p: (typeof people)[number]): Person => ({ id: p.id, handle: p.handle, token: p.token });
  return {
    creators: people.filter((p) => p.role === 'creator').map(strip),
    wallets: people.filter((p) => p.role === 'viewer').map(strip),
    sessions,
  };
}

/**
 * Battles: N concurrent battles between LIVE creators (a real `onair serve`), one viewer socket in
 * each room, a gift storm on both sides of every battle across its deadline. Measures the time from a
 * gift's ledger timestamp to the battle frame that counts it reaching the viewers of both rooms, then
 * recomputes every final score from the ledger with its own SQL.
 */
export const battle: Scenario = {
  name: 'battle',
  description: 'LIVE battles: gift commit → score update on both rooms (p50/p99), final scores vs the ledger',
  async run({ quick, log }) {
    // Quick: half the battles for a few seconds, to stay under a minute on a small machine.
    const battles = Number(process.env.BENCH_BATTLES ?? (quick ? 50 : 100));
    const wallets = Number(process.env.BENCH_BATTLE_WALLETS ?? (quick ? 100 : 1000));
    const concurrency = Number(process.env.BENCH_BATTLE_CONCURRENCY ?? (quick ? 32 : 128));
    const durationS = quick ? 6 : 30;
    const database = process.env.DATABASE_URL ? 'postgres' : 'pglite';
    const loadBefore = loadavg().map((l) => round(l, 2));

    const dataDir = await mkdtemp(path.join(tmpdir(), 'onair-bench-battle-'));
    const { url: databaseUrl, drop: dropDatabase } = await scratchDatabase('battle');
    log(
      `database: ${database}; ${cpus().length} CPUs shared by the server, the database and this load generator`,
    );
    const env = benchServerEnv(dataDir, databaseUrl, {
      BATTLE_CONNECT_S: '1',
      BATTLE_RESULT_S: '0',
      BATTLE_SPEED_ROUND_S: String(SPEED_ROUND_S),
    });
    const inProcess = () => startBenchServer(env);

    try {
      let server = await inProcess();
      let fixture: Awaited<ReturnType<typeof seed>>;
      try {
        fixture = await seed(server, battles * 2, wallets);
      } finally {
        await server.close();
      }
      log(`seeded ${battles * 2} LIVE creators and ${wallets} supporters with coins`);

      const child = await spawnServer(env, { keepDataDir: true });
      const http = client(child.url, concurrency + 16);
      // Frame arrival per room: "<battle>:<side>" → gift id → ms (first frame that counted the gift).
      const seen = new Map<string, Map<string, number>>();
      const lastScores = new Map<string, number[]>();
      // Gift id → when its own room's viewer got the gift frame (published right after the commit).
      const committedSeen = new Map<string, number>();
      const sockets: WebSocket[] = [];
      const infos: BattleInfo[] = [];
      let receipts: { id: string; battle: number; coins: number; at: number }[] = [];
      let errors = 0;
      let firstError: unknown;
      try {
        // Battles: creator 2i invites 2i+1, who accepts.
        await pool(
          Array.from({ length: battles }, (_, i) => i),
          16,
          async (i) => {
            const a = fixture.creators[2 * i]!;
            const b = fixture.creators[2 * i + 1]!;
            const invited = await http('POST', '/api/v1/battles/invites', a.token, {
              handle: b.handle,
              durationS,
              resultS: 0,
            });
            if (invited.status !== 201) throw new Error(`invite failed: ${invited.status}`);
            const id = invited.json().id as string;
            const sessions: [string, string] = [fixture.sessions.get(a.id)!, fixture.sessions.get(b.id)!];
            for (const side of [0, 1]) {
              const room = `${id}:${side}`;
              seen.set(room, new Map());
              const socket = new WebSocket(`${child.url.replace(/^http/, 'ws')}/api/v1/ws`);
              socket.on('message', (data) => {
                const text = data.toString();
                const now = Date.now();
                // The gift frame: the room hears the gift committed (the reference for "commit → score").
                if (text.startsWith('{"type":"gift"')) {
                  const id = (JSON.parse(text) as { id: string }).id;
                  if (!committedSeen.has(id)) committedSeen.set(id, now);
                  return;
                }
                if (!text.startsWith('{"type":"battle"')) return;
                const frame = JSON.parse(text) as {
                  battle: { status: string; sides: { score: number | null }[] };
                  giftIds?: string[];
                };
                const arrivals = seen.get(room)!;
                for (const g of frame.giftIds ?? []) if (!arrivals.has(g)) arrivals.set(g, now);
                if (frame.battle.status === 'active')
                  lastScores.set(
                    room,
                    frame.battle.sides.map((s) => s.score ?? -1),
                  );
              });
              await new Promise((r, j) => socket.once('open', r).once('error', j));
              socket.send(JSON.stringify({ type: 'watch', sessionId: sessions[side] }));
              sockets.push(socket);
            }
            const accepted = await http('POST', `/api/v1/battles/${id}/accept`, b.token);
            if (accepted.status !== 200) throw new Error(`accept failed: ${accepted.status}`);
            infos[i] = { id, sessions, handles: [a.handle, b.handle], startedAt: 0, endsAt: 0 };
          },
        );
        // Every battle active, with its window.
        for (const info of infos) {
          for (;;) {
            const b = (await http('GET', `/api/v1/battles/${info.id}`, null)).json();
            if (b.status === 'active') {
              info.startedAt = Date.parse(b.startedAt);
              info.endsAt = Date.parse(b.endsAt);
              break;
            }
            await sleep(100);
          }
        }
        log(
          `${battles} battles active, ${durationS} s each; ${concurrency} senders until 1 s past the last deadline`,
        );

        // The storm: closed-loop senders, each gift to a random side of a random battle.
        const stopAt = Math.max(...infos.map((b) => b.endsAt)) + 1000;
        const firstEnd = Math.min(...infos.map((b) => b.endsAt));
        const random = rng(7);
        const sent: typeof receipts = [];
        const started = Date.now();
        let n = 0;
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (Date.now() < stopAt) {
              const bi = Math.floor(random() * infos.length);
              const side = random() < 0.5 ? 0 : 1;
              const wallet = fixture.wallets[Math.floor(random() * fixture.wallets.length)]!;
              const giftId = PICK[Math.floor(random() * PICK.length)]!;
              try {
                const res = await http(
                  'POST',
                  `/api/v1/rooms/${infos[bi]!.handles[side]}/gifts`,
                  wallet.token,
                  {
                    giftId,
                    idempotencyKey: `bench-battle-${n++}`,
                  },
                );
                if (res.status === 201) {
                  const r = res.json();
                  sent.push({ id: r.id, battle: bi, coins: r.coins, at: Date.parse(r.createdAt) });
                } else if (res.json().error?.code !== 'gift.insufficient_coins') {
                  errors++;
                  firstError ??= res.json();
                }
              } catch (err) {
                errors++;
                firstError ??= err;
              }
              progress('storm', Math.min(Date.now() - started, stopAt - started), stopAt - started);
            }
          }),
        );
        receipts = sent;
        const inWindow = sent.filter(
          (r) => r.at >= infos[r.battle]!.startedAt && r.at < infos[r.battle]!.endsAt,
        );
        log(
          `${sent.length} gifts committed (${inWindow.length} inside their battle's window), ${round(
            inWindow.length / ((firstEnd - Math.min(...infos.map((b) => b.startedAt))) / 1000),
            0,
          )}/s during the battles; ${errors} errors`,
        );
        if (errors > 0) console.warn(`  first error: ${JSON.stringify(firstError)}`);

        // Wait for every battle to be decided, then read the final scores.
        const finals = new Map<string, number[]>();
        for (const info of infos) {
          for (;;) {
            const b = (await http('GET', `/api/v1/battles/${info.id}`, null)).json();
            if (b.status === 'ended') {
              finals.set(
                info.id,
                b.sides.map((s: { score: number }) => s.score),
              );
              break;
            }
            await sleep(100);
          }
        }
        await sleep(300);
        for (const s of sockets) s.close();
        await child.stop();

        // The ledger's own answer, with this bench's SQL: coins × 2 in the speed round, inside [start, end).
        server = await inProcess();
        let scoreMismatches = 0;
        let liveMismatches = 0;
        try {
          for (const info of infos) {
            const { rows } = await sql<{ sessionId: string; coins: number; atMs: number }>`
              select g.session_id, g.coins, floor(extract(epoch from t.created_at) * 1000)::int8 as at_ms
              from gift_events g join ledger_transfers t on t.id = g.transfer_id
              where g.session_id in (${info.sessions[0]}, ${info.sessions[1]})`.execute(server.database.db);
            const expected = [0, 0];
            for (const r of rows) {
              if (r.atMs < info.startedAt || r.atMs >= info.endsAt) continue;
              const speed = r.atMs >= info.endsAt - SPEED_ROUND_S * 1000 ? 2 : 1;
              expected[r.sessionId === info.sessions[0] ? 0 : 1]! += r.coins * speed;
            }
            const final = finals.get(info.id)!;
            if (final.join() !== expected.join()) {
              scoreMismatches++;
              if (scoreMismatches <= 3) console.warn(`  ${info.id}: final ${final} vs ledger ${expected}`);
            }
            for (const side of [0, 1])
              if ((lastScores.get(`${info.id}:${side}`) ?? [0, 0]).join() !== expected.join())
                liveMismatches++;
          }
        } finally {
          await server.close();
        }

        // Latency, in both rooms: from the moment the gift's own room heard it committed (its gift frame,
        // published after the commit) to the battle frame that counted it. Also from the ledger
        // timestamp (the gift transaction's start, so it includes the gift's own commit and lock waits).
        const latencies: number[] = [];
        const fromLedger: number[] = [];
        let missedUpdates = 0;
        for (const r of inWindow) {
          const committed = committedSeen.get(r.id);
          for (const side of [0, 1]) {
            const t = seen.get(`${infos[r.battle]!.id}:${side}`)!.get(r.id);
            if (t === undefined) {
              missedUpdates++;
              continue;
            }
            fromLedger.push(Math.max(0, t - r.at));
            // A score frame that beats the gift frame to the viewer counts as 0.
            if (committed !== undefined) latencies.push(Math.max(0, t - committed));
          }
        }
        const result = {
          battles,
          scoreUpdateP50Ms: round(percentile(latencies, 50)),
          scoreUpdateP99Ms: round(percentile(latencies, 99)),
          ledgerToScoreP50Ms: round(percentile(fromLedger, 50)),
          ledgerToScoreP99Ms: round(percentile(fromLedger, 99)),
          scoreMismatches,
          liveScoreMismatches: liveMismatches,
          missedUpdates,
          giftsCounted: inWindow.length,
          giftsCommitted: receipts.length,
          scoreUpdatesMeasured: latencies.length,
          senders: concurrency,
          battleSeconds: durationS,
          database,
          cpus: cpus().length,
          loadBefore,
        };
        log(
          `score updates: p50 ${result.scoreUpdateP50Ms} ms, p99 ${result.scoreUpdateP99Ms} ms over ${latencies.length} (gift × room); mismatches ${scoreMismatches}`,
        );
        return result;
      } finally {
        for (const s of sockets) s.terminate();
        await child.stop().catch(() => undefined);
      }
    } finally {
      await dropDatabase().catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};
