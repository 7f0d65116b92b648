import { isTimeZone, type RewardTable, validateRewardTable } from '@onair/core';
import { z } from 'zod';
import { PUSH_ENV } from './modules/push/push.config.ts';

export const SERVER_ROLES = ['api', 'gateway', 'media', 'worker'] as const;
export type ServerRole = (typeof SERVER_ROLES)[number];

const port = z.coerce.number().int().min(0).max(65535);
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .url()
    .refine(
      (v) => protocols.some((p) => v.startsWith(`${p}:`)),
      `must start with ${protocols.join(': or ')}:`,
    )
    .optional();

// Unset and empty variables both mean "use the default".
/**
 * Every setting OnAir reads from the environment. Each entry's description is what `onair --help`
 * and the README print, so the list below is the single source of truth for configuration.
 */
export const ENV = {
  PORT: { schema: port.default(8080), doc: 'HTTP port for the web app, API and WebSocket gateway.' },
  HOST: { schema: z.string().min(1).default('0.0.0.0'), doc: 'Interface to listen on.' },
  RTMP_PORT: { schema: port.default(1935), doc: 'RTMP ingest port for OBS and other encoders.' },
  DATA_DIR: {
    schema: z.string().min(1).default('./data'),
    doc: 'Where the embedded database, generated secret and media files live.',
  },
  DATABASE_URL: {
    schema: optionalUrl(['postgres', 'postgresql']),
    doc: 'PostgreSQL URL. Unset: embedded PGlite database under DATA_DIR.',
  },
  REDIS_URL: {
    schema: optionalUrl(['redis', 'rediss']),
    doc: 'Redis URL for the cross-node bus and shared rate limits. Unset: in-process.',
  },
  ROLES: {
    schema: z
      .string()
      .default(SERVER_ROLES.join(','))
      .transform((v) =>
        v
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.enum(SERVER_ROLES)).min(1, 'name at least one role')),
    doc: `Comma-separated process roles (${SERVER_ROLES.join(', ')}); all by default.`,
  },
  PUBLIC_URL: {
    schema: optionalUrl(['http', 'https']),
    doc: 'Address people use to reach this server; defaults to http://localhost:PORT.',
  },
  SECRET_KEY: {
    schema: z.string().min(32, 'must be at least 32 characters').optional(),
    doc: 'Key that peppers stored token hashes. Unset: generated into DATA_DIR/secret.key (set it when running several nodes).',
  },
  SESSION_TTL_DAYS: {
    schema: z.coerce.number().int().min(1).max(365).default(30),
    doc: 'How long a browser session lasts without use.',
  },
  AUTH_CACHE_MS: {
    schema: z.coerce.number().int().min(0).max(60_000).default(5000),
    doc: 'How long a node reuses a resolved session/API token before looking it up again (0: every request). Logout, revoke and role changes apply at once on every node.',
  },
  LOGIN_RATE_LIMIT: {
    schema: z.coerce.number().int().min(1).max(10_000).default(10),
    doc: 'Login/sign-up attempts allowed per client address and minute (shared by all nodes through Redis).',
  },
  LOGIN_HANDLE_FAILURES: {
    schema: z.coerce.number().int().min(1).max(10_000).default(10),
    doc: 'Failed logins allowed per handle in 15 minutes, from any address; then that handle answers 429 until the window ends.',
  },
  GIFT_RATE_PER_S: {
    schema: z.coerce.number().int().min(1).max(100_000).default(50),
    doc: 'Gifts one sender may send per second on one node (flood control; the coins bound the rest).',
  },
  TOKEN_RATE_LIMIT: {
    schema: z.coerce.number().int().min(1).max(100_000).default(20),
    doc: 'API tokens one user may create per hour (shared by all nodes through Redis).',
  },
  SEARCH_RATE_LIMIT_PER_MIN: {
    schema: z.coerce.number().int().min(1).max(100_000).default(120),
    doc: 'Searches, hashtag pages and trending lists allowed per client address and minute, on each node.',
  },
  TRUST_PROXY: {
    schema: z
      .string()
      .default('false')
      .transform((v, ctx): false | string[] => {
        const t = v.trim();
        if (t === '' || t === 'false') return false;
        if (t === 'true' || /^\d+$/.test(t)) {
          ctx.addIssue({
            code: 'custom',
            message:
              "name the proxies' addresses (or loopback, uniquelocal): 'true' or a hop count would believe an X-Forwarded-For sent by a client that reaches OnAir directly",
          });
          return z.NEVER;
        }
        return t
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean);
      }),
    doc: "Reverse proxies in front of OnAir whose X-Forwarded-For is believed: comma-separated addresses or CIDRs, or loopback / linklocal / uniquelocal. Off (false) by default: the client address is the socket's.",
  },
  ALLOWED_ORIGINS: {
    schema: z
      .string()
      .default('')
      .transform((v) =>
        v
          .split(',')
          .map((o) => o.trim().replace(/\/+$/, ''))
          .filter(Boolean),
      )
      .pipe(z.array(z.url().refine((u) => new URL(u).origin === u, 'an origin: scheme://host[:port]'))),
    doc: "Other web origins (comma-separated) whose pages may use a signed-in browser session; PUBLIC_URL and the server's own host are always allowed.",
  },
  METRICS_TOKEN: {
    schema: z.string().min(16, 'at least 16 characters').optional(),
    doc: 'Bearer token that /metrics requires. Unset: /metrics answers only to loopback addresses.',
  },
  BODY_LIMIT_BYTES: {
    schema: z.coerce.number().int().min(1024).max(50_000_000).default(65_536),
    doc: 'Largest accepted JSON request body.',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    doc: 'pino log level.',
  },
  FFMPEG_PATH: {
    schema: z.string().min(1).optional(),
    doc: 'ffmpeg binary for HLS, thumbnails and browser go-live. Unset: ffmpeg on PATH, else the one shipped in node_modules.',
  },
  INGEST_IDLE_TIMEOUT_S: {
    schema: z.coerce.number().int().min(2).max(300).default(10),
    doc: 'A LIVE stream that sends no data for this long is ended.',
  },
  THUMBNAIL_INTERVAL_S: {
    schema: z.coerce.number().int().min(5).max(3600).default(30),
    doc: 'How often a frame of each LIVE stream is grabbed for its feed card.',
  },
  HLS: {
    schema: z.enum(['on', 'off']).default('on'),
    doc: 'Also package every LIVE stream as HLS (1 s segments) for players that cannot play HTTP-FLV.',
  },
  ROOM_BATCH_MS: {
    schema: z.coerce.number().int().min(5).max(1000).default(50),
    doc: 'How often a LIVE room flushes chat, hearts and viewer counts to its viewers (one frame each).',
  },
  CHAT_RATE_PER_S: {
    schema: z.coerce.number().min(0.01).max(1000).default(1),
    doc: 'Comments per second one user may post, sustained.',
  },
  CHAT_BURST: {
    schema: z.coerce.number().int().min(1).max(10_000).default(5),
    doc: 'Comments one user may post in a quick burst.',
  },
  WS_MAX_BUFFERED_BYTES: {
    schema: z.coerce.number().int().min(16_384).max(64_000_000).default(1_048_576),
    doc: 'A viewer connection with more unsent bytes than this is cut off (it resumes from its last seq).',
  },
  CURRENCY: {
    schema: z
      .string()
      .regex(/^[A-Za-z]{3}$/, 'a 3-letter ISO 4217 code')
      .transform((c) => c.toUpperCase())
      .default('USD'),
    doc: 'Currency coin packages are priced in and creators are paid in.',
  },
  PLATFORM_SHARE_BPS: {
    schema: z.coerce.number().int().min(0).max(10_000).default(5000),
    doc: "Share of each gift's coins the platform keeps, in basis points; the rest become the creator's diamonds, 1 per coin (5000: 2 coins → 1 diamond).",
  },
  DIAMOND_VALUE_MILLICENTS: {
    schema: z.coerce.number().int().min(1).max(1_000_000).default(1000),
    doc: 'What one diamond pays out, in 1/1000 of a cent of CURRENCY (1000 = 1 cent).',
  },
  WITHDRAWAL_MIN_DIAMONDS: {
    schema: z.coerce.number().int().min(1).max(1_000_000_000).default(1000),
    doc: 'Smallest withdrawal a creator may request, in diamonds.',
  },
  WITHDRAWAL_FEE_BPS: {
    schema: z.coerce.number().int().min(0).max(5000).default(300),
    doc: 'Fee on each withdrawal, in basis points of its value (rounded up to the cent).',
  },
  PAYMENT_PROVIDER: {
    schema: z.enum(['sandbox', 'stripe']).default('sandbox'),
    doc: 'Who takes payments for coins: sandbox (instant, no money moves) or stripe (needs the two STRIPE_ keys).',
  },
  STRIPE_SECRET_KEY: {
    schema: z
      .string()
      .regex(/^(sk|rk)_(test|live)_\w+$/, 'a Stripe secret key (sk_test_…, sk_live_…)')
      .optional(),
    doc: 'Stripe API secret key (Checkout and refunds).',
  },
  STRIPE_WEBHOOK_SECRET: {
    schema: z
      .string()
      .regex(/^whsec_\w+$/, 'a webhook signing secret (whsec_…)')
      .optional(),
    doc: 'Signing secret of the Stripe webhook endpoint at /api/v1/webhooks/stripe.',
  },
  STRIPE_API_BASE: {
    schema: optionalUrl(['http', 'https']),
    doc: 'Stripe API base URL; unset: https://api.stripe.com (point it at stripe-mock for testing).',
  },
  GIFT_BATCH_MS: {
    schema: z.coerce.number().int().min(0).max(100).default(2),
    doc: 'How long concurrent gifts are collected before they are committed together (group commit).',
  },
  GIFT_BATCH_MAX: {
    schema: z.coerce.number().int().min(1).max(5000).default(1000),
    doc: 'Most gifts committed in one transaction; 1 turns group commit off (one transaction per gift).',
  },
  TEST_CLOCK: {
    schema: z.enum(['on', 'off']).default('off'),
    doc: 'Test servers only: a clock an admin can move forward with POST /api/v1/test/clock (studio and session times).',
  },
  BATTLE_DURATION_S: {
    schema: z.coerce.number().int().min(5).max(3600).default(300),
    doc: 'Default length of a LIVE battle (creators may ask for another per battle).',
  },
  BATTLE_RESULT_S: {
    schema: z.coerce.number().int().min(0).max(600).default(60),
    doc: 'Default punishment/result phase after a battle; 0 skips it.',
  },
  BATTLE_INVITE_TTL_S: {
    schema: z.coerce.number().int().min(1).max(600).default(20),
    doc: 'How long a battle invite can be accepted.',
  },
  BATTLE_CONNECT_S: {
    schema: z.coerce.number().int().min(0).max(60).default(3),
    doc: 'Countdown between an accepted invite (or a match) and the first second that scores.',
  },
  BATTLE_SPEED_ROUND_S: {
    schema: z.coerce.number().int().min(0).max(600).default(30),
    doc: 'Final seconds of a battle in which every gift scores double; 0 turns the speed round off.',
  },
  BATTLE_BOOSTER_GIFTS: {
    schema: z
      .string()
      .regex(
        /^\s*((multiplier|extension|mist)\s*=\s*[\w-]+\s*(,\s*|$))*$/,
        'use comma-separated kind=giftId pairs, kind one of multiplier, extension, mist',
      )
      .default('multiplier=money_gun,extension=hat_and_mustache,mist=perfume'),
    doc: 'Gifts that act as battle boosters: kind=giftId pairs; multiplier (x2/x3/x5 for 30 s), extension (+10 s, 3 per battle), mist (hides the score from the other room for 30 s).',
  },
  BATTLE_SETTLE_MS: {
    schema: z.coerce.number().int().min(0).max(10_000).default(300),
    doc: 'How long after a battle deadline the final count waits for gift transactions already under way.',
  },
  BATTLE_TICK_MS: {
    schema: z.coerce.number().int().min(10).max(10_000).default(200),
    doc: 'How often the worker looks for battle deadlines that fell due.',
  },
  JOBS_POLL_MS: {
    schema: z.coerce.number().int().min(10).max(60_000).optional(),
    doc: 'How often a worker node looks for durable jobs that fell due (battle deadlines, ranking, reminders); BATTLE_TICK_MS when unset.',
  },
  RANKING_INTERVAL_MS: {
    schema: z.coerce.number().int().min(100).max(600_000).default(5_000),
    doc: 'How often the For You ranking of the rooms LIVE now is recomputed (one worker node does it per round).',
  },
  RANKING_WEIGHTS: {
    schema: z
      .string()
      .regex(
        /^(engagement|watchTime|newFollowers|consistency|retention)=\d+(\.\d+)?(,(engagement|watchTime|newFollowers|consistency|retention)=\d+(\.\d+)?)*$/,
        'use comma-separated signal=weight pairs, signals engagement, watchTime, newFollowers, consistency, retention',
      )
      .optional(),
    doc: 'Weights of the For You signals as signal=weight pairs; unnamed signals keep their defaults (engagement=0.30, watchTime=0.25, newFollowers=0.20, consistency=0.15, retention=0.10).',
  },
  RANKING_WINDOW_MIN: {
    schema: z.coerce.number().int().min(1).max(120).default(10),
    doc: 'Minutes of recent activity the engagement signal counts.',
  },
  RANKING_NEWCOMER_FOLLOWERS: {
    schema: z.coerce.number().int().min(0).max(1_000_000).default(100),
    doc: 'Creators with fewer followers than this are newcomers, eligible for the exploration share of For You.',
  },
  RANKING_EXPLORATION_SHARE: {
    schema: z.coerce.number().min(0).max(0.5).default(0.1),
    doc: 'Share of each For You page given to creators with few followers, so newcomers get seen.',
  },
  LEAGUE_PERIOD: {
    schema: z
      .string()
      .regex(
        /^(weekly|monthly|days:\d{1,3}:\d{4}-\d{2}-\d{2})$/,
        'use monthly, weekly or days:<n>:<anchor YYYY-MM-DD> (e.g. days:14:2026-01-05)',
      )
      .default('monthly'),
    doc: 'How long a league period lasts: monthly, weekly, or days:<n>:<first day YYYY-MM-DD>.',
  },
  LEAGUE_TIME_ZONE: {
    schema: z.string().min(1).default('UTC'),
    doc: 'IANA time zone whose local midnights bound league periods and the daily/weekly top gifters.',
  },
  LEAGUE_GROUP_SIZE: {
    schema: z.coerce.number().int().min(2).max(1000).default(30),
    doc: 'The most creators a league group holds.',
  },
  LEAGUE_PROMOTE: {
    schema: z.coerce.number().int().min(0).max(1000).default(5),
    doc: "How many of each league group's top go up a tier at the end of a period.",
  },
  LEAGUE_RELEGATE: {
    schema: z.coerce.number().int().min(0).max(1000).default(5),
    doc: "How many of each league group's bottom go down a tier (promote + relegate must fit in a group).",
  },
  LEAGUE_MIN_POINTS: {
    schema: z.coerce.number().int().min(0).default(1),
    doc: 'League points a creator needs to be promoted, however quiet their group.',
  },
  LEAGUE_POINTS: {
    schema: z
      .string()
      .regex(
        /^(perDiamond|perNewFollower|perLiveMinute)=\d+(,(perDiamond|perNewFollower|perLiveMinute)=\d+)*$/,
        'use comma-separated term=points pairs, terms perDiamond, perNewFollower, perLiveMinute',
      )
      .optional(),
    doc: 'League points formula as term=points pairs; unnamed terms keep their defaults (perDiamond=1, perNewFollower=0, perLiveMinute=0).',
  },
  REWARDS_TIME_ZONE: {
    schema: z.string().default('UTC').refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris'),
    doc: 'Zone of the LIVE Rewards calendar: weeks start at local midnight on Monday there, and LIVE days are its local days.',
  },
  REWARDS_WEEKLY_BATCH: {
    schema: z.coerce.number().int().min(1).max(20_000).default(5_000),
    doc: 'Creators paid per transaction of the weekly LIVE Rewards settlement (each batch commits with its place in the list).',
  },
  REWARDS_TABLE: {
    schema: z
      .string()
      .transform((v, ctx): RewardTable => {
        let table: RewardTable;
        try {
          table = JSON.parse(v) as RewardTable;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be JSON (the LIVE Rewards percentage table)' });
          return z.NEVER;
        }
        const problems =
          table && typeof table === 'object' ? validateRewardTable(table) : ['must be a JSON object'];
        for (const message of problems) ctx.addIssue({ code: 'custom', message });
        return problems.length > 0 ? z.NEVER : table;
      })
      .optional(),
    doc: 'LIVE Rewards percentage table as JSON (the shape of DEFAULT_REWARD_TABLE in core/rewards); refused at boot when its best case pays over its cap (53% by default). Unset: the defaults.',
  },
  FAN_CLUB_TIME_ZONE: {
    schema: z.string().default('UTC').refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris'),
    doc: "Zone whose local days bound the fan-club missions' daily point caps.",
  },
  FAN_WATCH_CHECK_MS: {
    schema: z.coerce.number().int().min(1_000).max(600_000).default(60_000),
    doc: "How often a LIVE room's fan-club members are checked for reaching the 5/15/30-minute watch marks.",
  },
  ...PUSH_ENV,
  WEB_DIST: {
    schema: z.string().optional(),
    doc: 'Built web app to serve; defaults to packages/web/dist.',
  },
} as const;

type EnvSpec = typeof ENV;
export type Config = { [K in keyof EnvSpec]: z.output<EnvSpec[K]['schema']> } & { publicUrl: string };

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment; throws ConfigError naming every bad variable at once. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(ENV)) {
    const raw = env[name];
    const parsed = spec.schema.safeParse(raw === undefined || raw === '' ? undefined : raw);
    if (parsed.success) out[name] = parsed.data;
    else
      problems.push(
        `${name}=${JSON.stringify(raw)}: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
      );
  }
  if (out.PAYMENT_PROVIDER === 'stripe')
    for (const key of ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'])
      if (out[key] === undefined) problems.push(`${key}: required when PAYMENT_PROVIDER=stripe`);
  if (problems.length > 0) throw new ConfigError(problems);
  const config = out as Omit<Config, 'publicUrl'>;
  const publicUrl = (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
  return { ...config, publicUrl };
}

export function describeEnv(): string {
  const width = Math.max(...Object.keys(ENV).map((k) => k.length));
  return Object.entries(ENV)
    .map(([name, spec]) => {
      const def = spec.schema.safeParse(undefined);
      const shown = def.success && def.data !== undefined ? ` (default: ${String(def.data)})` : '';
      return `  ${name.padEnd(width)}  ${spec.doc}${shown}`;
    })
    .join('\n');
}
