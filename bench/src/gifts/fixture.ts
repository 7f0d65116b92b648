import type { startServer } from '@onair/server';
import { goLiveThroughHooks } from '../go-live.ts';
import { pool, rng } from '../load.ts';

export type RunningServer = Awaited<ReturnType<typeof startServer>>;

/** What senders pick: mostly cheap gifts (as on TikTok), now and then a big one. Weights sum to 100. */
const GIFT_MIX: [giftId: string, weight: number][] = [
  ['rose', 45],
  ['finger_heart', 25],
  ['doughnut', 15],
  ['hand_hearts', 10],
  ['corgi', 4],
  ['galaxy', 1],
];
const PICK = GIFT_MIX.flatMap(([id, w]) => Array<string>(w).fill(id));

export interface Person {
  id: string;
  handle: string;
  displayName: string;
  role: 'viewer' | 'creator' | 'admin';
  token?: string;
}

export interface Fixture {
  wallets: Person[];
  creators: Person[];
  hot: Person;
  admin: Person;
  sessions: Map<string, string>;
}

/**
 * Accounts, coins and LIVE rooms, made through the services themselves. Only the user rows are
 * inserted in bulk (signing 2,000 people up through scrypt would take minutes and measure nothing
 * of the economy); their password hash is a value no password matches.
 */
export async function seed(server: RunningServer, wallets: number, creators: number): Promise<Fixture> {
  const { db } = server.database;
  const { accounts, economy, live } = server.app.services;
  const people: Omit<Person, 'id'>[] = [
    { handle: 'bench_admin', displayName: 'Bench admin', role: 'admin' },
    { handle: 'bench_hot', displayName: 'Hot creator', role: 'creator' },
    ...Array.from({ length: creators }, (_, i) => ({
      handle: `bench_c${i}`,
      displayName: `Creator ${i}`,
      role: 'creator' as const,
    })),
    ...Array.from({ length: wallets }, (_, i) => ({
      handle: `bench_w${i}`,
      displayName: `Gifter ${i}`,
      role: 'viewer' as const,
    })),
  ];
  for (let i = 0; i < people.length; i += 500) {
    await db
      .insertInto('users')
      .values(
        people.slice(i, i + 500).map((p) => ({ ...p, avatarUrl: null, passwordHash: '!bench-no-login' })),
      )
      .execute();
  }
  const rows = await db
    .selectFrom('users')
    .select(['id', 'handle'])
    .where('handle', 'like', 'bench_%')
    .execute();
  const ids = new Map(rows.map((r) => [r.handle, r.id]));
  const all: Person[] = people.map((p) => ({ ...p, id: ids.get(p.handle)! }));
  const admin = all[0]!;
  const hot = all[1]!;
  const fixture: Fixture = {
    admin,
    hot,
    creators: all.slice(2, 2 + creators),
    wallets: all.slice(2 + creators),
    sessions: new Map(),
  };

  // Coins through the real purchase path (sandbox provider): two of the biggest package each.
  await pool(
    fixture.wallets,
    8,
    async (w) => {
      const actor = { id: w.id, role: w.role };
      for (const n of [1, 2]) {
        const { purchase } = await economy.coins.buy(actor, {
          packageId: 'coins_17500',
          idempotencyKey: `bench-seed-${n}`,
        });
        await economy.coins.confirm(actor, purchase.id, {});
      }
      w.token = (await accounts.createApiToken(actor, 'bench')).token;
    },
    'wallets',
  );
  admin.token = (await accounts.createApiToken({ id: admin.id, role: 'admin' }, 'bench')).token;

  // LIVE rooms through the live domain's ingest hooks, as an RTMP publish would drive them.
  for (const c of [hot, ...fixture.creators]) {
    fixture.sessions.set(c.id, await goLiveThroughHooks(live, c));
  }
  return fixture;
}

/** One gift choice: a third of all gifts go to the hot creator, the rest spread over the others. */
export function chooser(f: Fixture, seed: number) {
  const random = rng(seed);
  return () => {
    const wallet = f.wallets[Math.floor(random() * f.wallets.length)]!;
    const creator = random() < 1 / 3 ? f.hot : f.creators[Math.floor(random() * f.creators.length)]!;
    const giftId = PICK[Math.floor(random() * PICK.length)]!;
    const quantity = random() < 0.9 ? 1 : 1 + Math.floor(random() * 5);
    return { wallet, creator, giftId, quantity };
  };
}
