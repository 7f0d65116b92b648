import type { Actor } from '@onair/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.ts';
import type { AccountsService, Authenticated } from '../modules/accounts/accounts.service.ts';
import { isSameOriginRequest, UNSAFE_METHODS } from './origin.ts';

export const SESSION_COOKIE = 'onair_session';

/**
 * What a route expects of its caller. Every route must declare one: the onRoute hook below refuses to
 * register a route without it, so nothing is ever public by accident.
 * - public: anyone, signed in or not (request.actor is filled when a credential is present)
 * - user: a valid session cookie or bearer token
 */
export type AuthMode = 'public' | 'user';

export interface DeclaredRoute {
  method: string;
  url: string;
  auth: AuthMode;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with its auth mode, for the authorization matrix test. */
    declaredRoutes: DeclaredRoute[];
  }
  interface FastifyContextConfig {
    auth?: AuthMode;
  }
  interface FastifyRequest {
    auth: Authenticated | null;
    actor: Actor | null;
  }
}

/** Routes that belong to plugins we do not own (docs UI) and carry no declaration of their own. */
const EXEMPT_PREFIXES = ['/api/docs'];

function credential(request: FastifyRequest): { token: string | undefined; bearer: boolean } {
  const header = request.headers.authorization;
  if (header) {
    const [scheme, value] = header.split(' ');
    return { token: scheme?.toLowerCase() === 'bearer' ? value : undefined, bearer: true };
  }
  return { token: request.cookies[SESSION_COOKIE], bearer: false };
}

/** A browser request that could have been started by another site's page: a write, or a WebSocket. */
const crossSiteCapable = (request: FastifyRequest) =>
  UNSAFE_METHODS.has(request.method) || request.headers.upgrade?.toLowerCase() === 'websocket';

export const authPlugin = fp(
  async (
    app: FastifyInstance,
    { accounts, allowedOrigins }: { accounts: AccountsService; allowedOrigins: ReadonlySet<string> },
  ) => {
    app.decorateRequest('auth', null);
    app.decorateRequest('actor', null);

    const declared: DeclaredRoute[] = [];
    app.decorate('declaredRoutes', declared);
    app.addHook('onRoute', (route) => {
      if (EXEMPT_PREFIXES.some((p) => route.url.startsWith(p))) return;
      const mode = (route.config as { auth?: AuthMode } | undefined)?.auth;
      if (mode !== 'public' && mode !== 'user') {
        throw new Error(`route ${route.method} ${route.url} declares no auth mode (config.auth)`);
      }
      for (const method of [route.method].flat()) {
        if (method !== 'HEAD') declared.push({ method, url: route.url, auth: mode });
      }
    });

    app.addHook('onRequest', async (request) => {
      const mode = request.routeOptions.config.auth;
      if (mode === undefined) return;
      const { token, bearer } = credential(request);
      // Bearer tokens are never sent by a browser on its own, so only cookie (or anonymous) requests
      // are held to their origin.
      if (!bearer && crossSiteCapable(request) && !isSameOriginRequest(request.headers, allowedOrigins)) {
        throw new AppError(
          'request.cross_origin',
          403,
          'This request came from a page on another site. Use the OnAir app, or an API token.',
        );
      }
      const auth = token ? await accounts.authenticate(token) : null;
      request.auth = auth;
      request.actor = auth?.actor ?? null;
      if (mode === 'user' && !auth) {
        throw new AppError(
          'auth.required',
          401,
          token ? 'Your session has expired. Sign in again.' : 'Sign in to do that.',
        );
      }
    });
  },
  { name: 'onair-auth' },
);
