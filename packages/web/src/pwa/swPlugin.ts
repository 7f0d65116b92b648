// Build-time only (imported by vite.config.ts, never by the app): writes dist/sw.js.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin, ResolvedConfig } from 'vite';

const TEMPLATE = fileURLToPath(new URL('./sw.js', import.meta.url));
const BUILD_LINE = "const BUILD = { version: 'dev', precache: [] };";

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });

/**
 * After Vite has written dist/ (the bundle and public/), lists every file in it as the service
 * worker's precache, and names the version after their contents: a build that changes any byte of
 * the shell is a new sw.js, which the browser installs in place of the old one and its cache.
 * index.html is listed as "/", the URL the app starts at.
 */
export function serviceWorker(): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'onair:service-worker',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    closeBundle() {
      const dist = path.resolve(config.root, config.build.outDir);
      const template = readFileSync(TEMPLATE, 'utf8');
      if (!template.includes(BUILD_LINE)) throw new Error(`${TEMPLATE} lost its line: ${BUILD_LINE}`);
      const hash = createHash('sha256').update(template);
      const precache: string[] = [];
      for (const file of filesUnder(dist).sort()) {
        const rel = path.relative(dist, file).split(path.sep).join('/');
        if (rel === 'sw.js' || rel.endsWith('.map')) continue;
        precache.push(rel === 'index.html' ? '/' : `/${rel}`);
        hash.update(rel).update(readFileSync(file));
      }
      const build = { version: hash.digest('hex').slice(0, 12), precache };
      writeFileSync(
        path.join(dist, 'sw.js'),
        template.replace(BUILD_LINE, `const BUILD = ${JSON.stringify(build)};`),
      );
    },
  };
}
