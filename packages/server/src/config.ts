import { z } from 'zod';

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
  LOGIN_RATE_LIMIT: {
    schema: z.coerce.number().int().min(1).max(10_000).default(10),
    doc: 'Login/sign-up attempts allowed per client address and minute.',
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
