import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import { Handle } from '@onair/protocol';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { type ShareCards, withCard } from '../modules/search/share-cards.ts';

const API_OR_OPS = /^\/(api|metrics|healthz|readyz)(\/|$)/;
const PROFILE_PATH = /^\/@([^/]+)(?:\/live)?\/?$/;
/**
 * Files the browser must fetch fresh after a deploy: sw.js is how it learns of a new build at all
 * (a cached one would keep the old shell), the manifest is what an installed app updates from.
 */
const NO_CACHE_FILES = new Set(['sw.js', 'manifest.webmanifest']);

/**
 * `/@dj.max` and `/@dj.max/live` are pages although the last segment looks like a file name: a
 * handle may hold dots (protocol's `Handle`), so a profile path is recognised by the handle rule,
 * not by its extension.
 */
const isProfilePath = (url: string) => {
  const handle = PROFILE_PATH.exec(url)?.[1];
  return handle !== undefined && Handle.safeParse(handle).success;
};

/**
 * Serves the built web app, with index.html for every non-API path so client-side routes
 * (/@ana, /studio) survive a reload. API and ops paths keep their JSON 404.
 */
export async function webRoutes(
  app: FastifyInstance,
  { dist, shareCards }: { dist: string; shareCards?: ShareCards | undefined },
) {
  if (!existsSync(path.join(dist, 'index.html'))) {
    app.log.warn({ dist }, 'web app not built: run `npm run build:web`; serving the API only');
    return;
  }
  // serve:false — we route files ourselves, so every path goes through our auth declaration and 404s.
  await app.register(fastifyStatic, { root: dist, serve: false });

  const sendIndex = (reply: FastifyReply) =>
    reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
  const isFile = (rel: string) => {
    const file = path.join(dist, rel);
    return file.startsWith(dist + path.sep) && existsSync(file) && statSync(file).isFile();
  };

  const spa = { config: { auth: 'public' as const }, schema: { hide: true } };
  app.get('/', spa, (_request, reply) => sendIndex(reply));
  app.get('/*', spa, async (request, reply) => {
    const url = decodeURIComponent(request.url.split('?')[0] ?? '/');
    if (API_OR_OPS.test(url)) return reply.callNotFound();
    const rel = path.normalize(url).slice(1);
    if (isFile(rel)) {
      // Vite fingerprints everything under assets/, so those never change once built.
      if (rel.startsWith('assets/')) return reply.sendFile(rel, { maxAge: '365d', immutable: true });
      if (NO_CACHE_FILES.has(rel))
        return reply.header('cache-control', 'no-cache').sendFile(rel, { cacheControl: false });
      return reply.sendFile(rel);
    }
    if (rel.startsWith('assets/') || (path.extname(rel) && !isProfilePath(url))) return reply.callNotFound();
    // A creator's page, their LIVE or an event: the same index.html, with a link preview in its head.
    const card = await shareCards?.cardFor(url);
    if (card) {
      const html = withCard(await readFile(path.join(dist, 'index.html'), 'utf8'), card);
      return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
    }
    return sendIndex(reply);
  });
}
