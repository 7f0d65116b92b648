import { API_PREFIX } from '@onair/protocol';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import helmet from 'helmet';

/** Where browsers send Content-Security-Policy violation reports (see csp-report.routes.ts). */
export const CSP_REPORT_PATH = `${API_PREFIX}/csp-report`;
/** The swagger-ui pages, the one place that gets a looser policy. */
export const DOCS_PREFIX = '/api/docs';

export type Directives = Record<string, string[]>;

const websocketOrigin = (publicUrl: string) => {
  const { protocol, host } = new URL(publicUrl);
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}`;
};

/**
 * What the web app loads, and nothing else:
 * - scripts and styles: the Vite bundle from our own origin (no inline script or style elements;
 *   React's `style` props go through the CSSOM, which CSP does not govern);
 * - connect: the API, the media routes (mpegts.js and hls.js fetch them) and the WebSockets
 *   (realtime gateway, browser go-live). `'self'` covers ws:/wss: of the page's own origin in
 *   CSP3 browsers; the public URL's socket origin is named for those that predate that;
 * - media: HLS/FLV play through Media Source Extensions, which hand the <video> a blob: URL;
 * - images: avatars and gift icons may be any http(s) URL a user or admin gave; data: for the
 *   inline SVG icons in the CSS;
 * - workers: the service worker, /sw.js (installable app, push notifications), is 'self'; the players
 *   start none (hls.js's ESM build has no worker bundle, mpegts.js runs with enableWorker: false);
 *   a player that starts one from blob: needs `blob:` here.
 * frame-ancestors 'none' for now: OBS browser-source overlays will get a policy of their own.
 */
export function appDirectives(publicUrl: string): Directives {
  const https = publicUrl.startsWith('https:');
  return {
    'default-src': ["'self'"],
    'base-uri': ["'none'"],
    'connect-src': ["'self'", websocketOrigin(publicUrl)],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    'img-src': ["'self'", 'data:', 'https:', 'http:'],
    'media-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'"],
    'worker-src': ["'self'"],
    ...(https ? { 'upgrade-insecure-requests': [] } : {}),
    ...reporting(https),
  };
}

/**
 * swagger-ui renders with inline styles; "Try it out" calls the API at the public URL, which
 * may not be the origin the docs were opened on. Scripts stay same-origin only.
 */
export function docsDirectives(publicUrl: string): Directives {
  const https = publicUrl.startsWith('https:');
  return {
    'default-src': ["'self'"],
    'base-uri': ["'none'"],
    'connect-src': ["'self'", new URL(publicUrl).origin],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    'img-src': ["'self'", 'data:'],
    'object-src': ["'none'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    ...(https ? { 'upgrade-insecure-requests': [] } : {}),
    ...reporting(https),
  };
}

/**
 * report-uri works everywhere. report-to (the Reporting API) only delivers to a secure endpoint,
 * and browsers that know it ignore report-uri, so it is named only on https deployments.
 */
function reporting(https: boolean): Directives {
  return {
    'report-uri': [CSP_REPORT_PATH],
    ...(https ? { 'report-to': ['csp'] } : {}),
  };
}

/** A policy as the header spells it, for docs and tests. */
export function serializePolicy(directives: Directives): string {
  return Object.entries(directives)
    .map(([name, values]) => [name, ...values].join(' '))
    .join(';');
}

/**
 * Security headers on every response, through helmet: the CSP above, nosniff, DENY framing,
 * Referrer-Policy same-origin (our own requests keep their Origin header, which the origin checks
 * read; other sites learn nothing, share links carry their ref in the URL), COOP same-origin,
 * CORP same-origin (the media routes widen it for players on other sites), and HSTS only when
 * the public URL is https (a plain-http LAN install must stay reachable).
 *
 * Registered before any other hook or route, in onRequest, so a reply that an auth or rate-limit
 * hook cuts short, an error or a 404 carries them too. helmet's middleware is built once per policy
 * here: @fastify/helmet builds it again on every request (parsing and validating the whole policy),
 * which cost the gift route a measurable share of its throughput.
 */
export const securityHeaders = fp(
  async (app: FastifyInstance, { publicUrl }: { publicUrl: string }) => {
    const https = publicUrl.startsWith('https:');
    const options = {
      contentSecurityPolicy: { useDefaults: false, directives: appDirectives(publicUrl) },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'same-origin' },
      strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      crossOriginOpenerPolicy: { policy: 'same-origin' },
      crossOriginResourcePolicy: { policy: 'same-origin' },
      crossOriginEmbedderPolicy: false,
    } as const;
    const appHeaders = helmet(options);
    const docsHeaders = helmet({
      ...options,
      contentSecurityPolicy: { useDefaults: false, directives: docsDirectives(publicUrl) },
    });
    const reportingEndpoints = https ? `csp="${new URL(CSP_REPORT_PATH, publicUrl).href}"` : null;
    const apply = (reply: FastifyReply) => {
      const headers = reply.request.url.startsWith(DOCS_PREFIX) ? docsHeaders : appHeaders;
      // helmet's middleware only sets headers and calls back synchronously.
      headers(reply.request.raw, reply.raw, () => {});
      if (reportingEndpoints) reply.raw.setHeader('reporting-endpoints', reportingEndpoints);
    };

    app.addHook('onRequest', (_request, reply, done) => {
      apply(reply);
      done();
    });
    // Replies made before routing (a URL that cannot be decoded) run no hooks: their handler
    // reaches this through the server.
    app.decorate('securityHeaders', apply);
  },
  { name: 'onair-security-headers' },
);

declare module 'fastify' {
  interface FastifyInstance {
    /** Sets the security headers on a reply that no onRequest hook ran for. */
    securityHeaders(reply: FastifyReply): void;
  }
}
