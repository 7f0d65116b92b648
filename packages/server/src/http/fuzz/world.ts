import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buyCoins, goLive } from '../../modules/economy/testing.ts';
import { fakeWebDist, signup, testApp } from '../../test/app.ts';
import type { TestDatabaseHandle } from '../../test/databases.ts';
import { SESSION_COOKIE } from '../auth.ts';

export const STRIPE_WEBHOOK_SECRET = 'whsec_fuzz';
const PASSWORD = 'correct horse battery';

/** What the app logged at error level, so a 500 in a finding comes with its cause. */
export interface LoggedError {
  reqId?: string;
  msg?: string;
  err?: { type?: string; message?: string; code?: string };
}

/** Where the fuzzed app says it lives: same-site requests carry this origin. */
export const PUBLIC_URL = 'http://onair.test';

/**
 * The test app with a logger that keeps error lines (a masked 500 is useless in a report without its
 * cause), the web app's shell (so its routes serve) and a Stripe webhook secret (so the webhook
 * route verifies and parses what it is sent instead of answering 503 to everything).
 */
export async function fuzzApp(database: TestDatabaseHandle) {
  const errors: LoggedError[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => void errors.push(JSON.parse(line)) });
  const env = { WEB_DIST: await fakeWebDist(), STRIPE_WEBHOOK_SECRET, PUBLIC_URL };
  const app = await testApp(database, env, undefined, undefined, logger);
  return { app, errors, bodyLimit: app.initialConfig.bodyLimit ?? 1_048_576 };
}

type Headers = Record<string, string>;
export type CallerName = 'anonymous' | 'bearer' | 'cookie' | 'admin';

/** A signed-in user with both kinds of credential: a bearer token and a browser session cookie. */
interface Account {
  id: string;
  handle: string;
  bearer: string;
  cookie: string;
}

async function login(app: FastifyInstance, handle: string, asToken: boolean): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/auth/login${asToken ? '?token=true' : ''}`,
    payload: { handle, password: PASSWORD },
  });
  if (res.statusCode !== 200) throw new Error(`login @${handle}: ${res.statusCode} ${res.body}`);
  if (asToken) return res.json().token as string;
  const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
  if (!cookie) throw new Error(`login @${handle} set no session cookie`);
  return cookie.value;
}

async function account(app: FastifyInstance, handle: string): Promise<Account> {
  const { user, token } = await signup(app, handle, PASSWORD);
  return { id: user.id, handle: user.handle, bearer: token, cookie: await login(app, handle, false) };
}

/**
 * The people of a fuzz run: an admin, an attacker (Mallory, a LIVE creator with coins, so the
 * creator and money routes go past their first check) and a victim (Vera: a profile, coins, a LIVE
 * room with comments, settings, a follow and an API token) whose state nobody else may change.
 */
export async function createWorld(app: FastifyInstance) {
  const admin = await account(app, 'fuzz_admin');
  const vera = await account(app, 'fuzz_vera');
  const mallory = await account(app, 'fuzz_mallory');
  // The admin's fuzzed role changes and moderation land on a bystander, never on the two above.
  const extra = (await signup(app, 'fuzz_extra', PASSWORD)).user;
  const veraAuth = { authorization: `Bearer ${vera.bearer}` };
  const asVera = { user: vera, auth: veraAuth };
  const must = async (method: 'PATCH' | 'PUT' | 'POST', url: string, headers: Headers, payload?: object) => {
    const res = await app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };

  const veraSession = await goLive(app, asVera);
  await must('PATCH', '/api/v1/me', veraAuth, { displayName: 'Vera Victim', bio: 'Only Vera writes this.' });
  await must('PATCH', '/api/v1/me/room', veraAuth, { title: "Vera's room", hashtags: ['vera'] });
  await must('PATCH', '/api/v1/me/chat-settings', veraAuth, { bannedWords: ['spoiler'], slowModeS: 0 });
  await must('PUT', `/api/v1/users/${admin.handle}/follow`, veraAuth);
  const veraToken = (await must('POST', '/api/v1/me/tokens', veraAuth, { name: 'vera bot' })).id as string;
  const veraPurchase = (await buyCoins(app, asVera)).id;
  const veraComments: string[] = [];
  for (const text of ['first!', 'hello chat', 'pinned one']) {
    veraComments.push(
      (await app.services.chat.postComment({ id: vera.id, role: 'creator' }, veraSession, text)).id,
    );
  }
  await app.services.chat.drain();
  await must('PUT', `/api/v1/sessions/${veraSession}/pin`, veraAuth, { commentId: veraComments[2] });

  const malloryAuth = { authorization: `Bearer ${mallory.bearer}` };
  const mallorySession = await goLive(app, { user: mallory, auth: malloryAuth });
  await buyCoins(app, { user: mallory, auth: malloryAuth });
  const malloryComment = (
    await app.services.chat.postComment({ id: mallory.id, role: 'creator' }, mallorySession, 'mine')
  ).id;
  await app.services.chat.drain();

  const credentials: Record<CallerName, () => Headers> = {
    anonymous: () => ({}),
    bearer: () => ({ authorization: `Bearer ${mallory.bearer}` }),
    cookie: () => ({ cookie: `${SESSION_COOKIE}=${mallory.cookie}` }),
    admin: () => ({ authorization: `Bearer ${admin.bearer}` }),
  };

  const signedIn = async (headers: Headers) =>
    (await app.inject({ url: '/api/v1/me', headers })).statusCode === 200;

  return {
    vera,
    mallory,
    admin,
    veraSession,
    headers: (caller: CallerName) => credentials[caller](),

    /**
     * Real values a property of this name may take. Vera's ids and handle are offered to everyone
     * but the admin (who may legitimately change her things); her handle never goes to the login
     * route as another's would, since a per-handle login limit would then lock out the fuzzer's own
     * sign-ins, not hers.
     */
    known(caller: CallerName, name: string, url = ''): string[] {
      const veraIds =
        caller === 'admin' ? [] : [vera.id, veraSession, veraToken, veraPurchase, ...veraComments];
      const ownIds = caller === 'admin' ? [extra.id] : [mallory.id, mallorySession, malloryComment];
      const handles = caller === 'admin' ? [extra.handle] : [vera.handle, mallory.handle, admin.handle];
      switch (name) {
        case 'handle':
        case 'vs':
        case 'to':
          return [...handles, 'admin', 'nobody_here'];
        case 'id': {
          // An id in a path names one kind of thing: offer the ids of that kind.
          if (caller !== 'admin' && url.includes('/comments/:id')) return [...veraComments, malloryComment];
          if (caller !== 'admin' && url.includes('/sessions/:id')) return [veraSession, mallorySession];
          if (caller !== 'admin' && url.includes('/tokens/:id')) return [veraToken];
          if (caller !== 'admin' && url.includes('/purchases/:id')) return [veraPurchase];
          return [...veraIds, ...ownIds];
        }
        case 'sessionId':
        case 'room':
        case 'commentId':
        case 'replyTo':
          return [...veraIds, ...ownIds];
        case 'ids':
          return veraIds;
        case 'giftId':
          return ['rose', 'universe'];
        case 'packageId':
          return ['coins_70', 'coins_700'];
        case 'q':
          return ['fuzz', 'fuzz_v', '%', '_'];
        default:
          return [];
      }
    },

    /**
     * Credentials of this caller that a fuzzed logout may revoke: a fresh API token, sent the way the
     * caller sends its own (minting one costs no password hash, signing in again would).
     */
    async disposable(caller: CallerName): Promise<Headers> {
      if (caller === 'anonymous') return {};
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/me/tokens',
        headers: caller === 'admin' ? credentials.admin() : credentials.bearer(),
        payload: { name: 'disposable' },
      });
      if (res.statusCode !== 201) throw new Error(`no disposable token for ${caller}: ${res.body}`);
      const token = res.json().token as string;
      return caller === 'cookie'
        ? { cookie: `${SESSION_COOKIE}=${token}` }
        : { authorization: `Bearer ${token}` };
    },

    /** Vera's state as she and everyone else read it through the API. */
    async victimState() {
      const get = async (url: string, headers: Headers = veraAuth) => {
        const res = await app.inject({ url, headers });
        if (res.statusCode !== 200) throw new Error(`Vera cannot read ${url}: ${res.statusCode} ${res.body}`);
        return res.json();
      };
      const [me, room, wallet, chatSettings, following, tokens, withdrawals, comments] = await Promise.all([
        get('/api/v1/me'),
        get('/api/v1/me/room'),
        get('/api/v1/wallet'),
        get('/api/v1/me/chat-settings'),
        get('/api/v1/me/following'),
        get('/api/v1/me/tokens'),
        get('/api/v1/me/withdrawals'),
        get(`/api/v1/sessions/${veraSession}/comments?limit=100`, {}),
      ]);
      return {
        me,
        room: {
          title: room.title,
          topic: room.topic,
          hashtags: room.hashtags,
          state: room.state,
          session: room.session?.id,
          streamKey: room.ingest.streamKey,
        },
        coins: wallet.coins,
        chatSettings,
        following: following.users.map((u: { handle: string; notify: boolean }) => [u.handle, u.notify]),
        tokens: tokens.tokens.map((t: { id: string; name: string }) => [t.id, t.name]),
        withdrawals,
        comments: (comments.comments as { id: string; text: string; user: { id: string } }[])
          .filter((c) => c.user.id === vera.id)
          .map((c) => [c.id, c.text]),
      };
    },

    /** Problems of a healthy client right now: the health check, and Vera reading and writing. */
    async unhealthy(): Promise<string[]> {
      const problems: string[] = [];
      const health = await app.inject('/healthz');
      if (health.statusCode !== 200) problems.push(`/healthz answered ${health.statusCode}`);
      if (!(await signedIn(veraAuth))) problems.push('Vera cannot read /me');
      const write = await app.inject({
        method: 'PATCH',
        url: '/api/v1/me',
        headers: veraAuth,
        payload: { bio: 'Only Vera writes this.' },
      });
      if (write.statusCode !== 200)
        problems.push(`Vera cannot edit her profile: ${write.statusCode} ${write.body}`);
      return problems;
    },
  };
}

export type World = Awaited<ReturnType<typeof createWorld>>;
