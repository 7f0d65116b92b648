import webpush from 'web-push';
import { z } from 'zod';
import { generatedOnce } from '../../secret.ts';

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');

/** Web Push settings, spread into the server's ENV list (config.ts). */
export const PUSH_ENV = {
  VAPID_PUBLIC_KEY: {
    schema: base64url.optional(),
    doc: 'Web Push VAPID public key (base64url, with VAPID_PRIVATE_KEY). Unset: a key pair generated into DATA_DIR/vapid.json (set both when running several nodes).',
  },
  VAPID_PRIVATE_KEY: {
    schema: base64url.optional(),
    doc: 'Web Push VAPID private key (base64url), the pair of VAPID_PUBLIC_KEY.',
  },
  VAPID_SUBJECT: {
    schema: z
      .string()
      .refine((v) => /^(mailto:|https:\/\/)/.test(v), 'must start with mailto: or https://')
      .optional(),
    doc: 'Contact the push services may use about this server (mailto: or https:). Unset: PUBLIC_URL when it is https, else mailto:admin@ its host.',
  },
  PUSH_MAX_PER_HOUR: {
    schema: z.coerce.number().int().min(1).max(100).default(4),
    doc: 'LIVE alerts and reminders one user gets by push per hour at most (battle invites and payouts are not capped).',
  },
  PUSH_ALLOW_PRIVATE: {
    schema: z.enum(['on', 'off']).default('off'),
    doc: 'Accept push endpoints on private, loopback or link-local addresses (and plain http); for a push service on your own network or in tests.',
  },
} as const;

export interface PushConfig {
  publicKey: string;
  privateKey: string;
  subject: string;
  maxPerHour: number;
  allowPrivate: boolean;
}

interface PushEnv {
  VAPID_PUBLIC_KEY?: string | undefined;
  VAPID_PRIVATE_KEY?: string | undefined;
  VAPID_SUBJECT?: string | undefined;
  PUSH_MAX_PER_HOUR: number;
  PUSH_ALLOW_PRIVATE: 'on' | 'off';
  DATA_DIR: string;
  publicUrl: string;
}

/**
 * The VAPID key pair from the environment, or generated once into DATA_DIR/vapid.json like the
 * secret key: browsers subscribe against the public key, so it must outlive restarts.
 */
export function resolveVapidKeys(env: Pick<PushEnv, 'VAPID_PUBLIC_KEY' | 'VAPID_PRIVATE_KEY' | 'DATA_DIR'>) {
  if (env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY)
    return { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY };
  if (env.VAPID_PUBLIC_KEY || env.VAPID_PRIVATE_KEY)
    throw new Error('Set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or neither.');
  const pair = generatedOnce(env.DATA_DIR, 'vapid.json', () => JSON.stringify(webpush.generateVAPIDKeys()));
  return JSON.parse(pair) as { publicKey: string; privateKey: string };
}

export function pushConfig(env: PushEnv): PushConfig {
  const { publicKey, privateKey } = resolveVapidKeys(env);
  const url = new URL(env.publicUrl);
  return {
    publicKey,
    privateKey,
    subject: env.VAPID_SUBJECT ?? (url.protocol === 'https:' ? url.origin : `mailto:admin@${url.hostname}`),
    maxPerHour: env.PUSH_MAX_PER_HOUR,
    allowPrivate: env.PUSH_ALLOW_PRIVATE === 'on',
  };
}
