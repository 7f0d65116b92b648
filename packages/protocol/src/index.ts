export * from './accounts.ts';
export * from './errors.ts';
export * from './health.ts';

/** Version of the HTTP API under /api/v1; bumped only on breaking changes. */
export const API_PREFIX = '/api/v1';
