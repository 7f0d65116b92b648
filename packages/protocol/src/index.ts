export * from './accounts.ts';
export * from './battles.ts';
export * from './chat.ts';
export * from './device-name.ts';
export * from './discovery.ts';
export * from './economy.ts';
export * from './errors.ts';
export * from './events.ts';
export * from './fanclub.ts';
export * from './health.ts';
export * from './leagues.ts';
export * from './live.ts';
export * from './media.ts';
export * from './push.ts';
export * from './realtime.ts';
export * from './rewards.ts';
export * from './search.ts';
export * from './social.ts';
export * from './studio.ts';
export * from './text.ts';

/** Version of the HTTP API under /api/v1; bumped only on breaking changes. */
export const API_PREFIX = '/api/v1';
