import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { CHROMIUM, watchCsp } from './browser.ts';

/** Helpers for pwa.e2e.ts: the installable app's manifest, icons, profile and caches. */

export interface ManifestIcon {
  src: string;
  sizes: string;
  type: string;
  purpose?: string;
}

/** A PNG's size from its header: the 8-byte signature, then IHDR, whose data opens with width and height. */
export function pngSize(bytes: Buffer): { width: number; height: number } {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (!bytes.subarray(0, 8).equals(signature)) throw new Error('not a PNG');
  if (bytes.toString('latin1', 12, 16) !== 'IHDR') throw new Error('PNG without IHDR first');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/**
 * Installing, and the install prompt, need a real profile: chromium reports `in-incognito` for
 * the off-the-record profile browser.newContext() opens. Same flags as launchBrowser(), and the
 * same CSP watch.
 */
export async function appProfile(viewport: {
  width: number;
  height: number;
}): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'onair-pwa-'));
  const context = await chromium.launchPersistentContext(dir, { ...CHROMIUM, viewport });
  await watchCsp(context);
  return {
    context,
    close: async () => {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Every URL path stored in the page's origin's caches (Cache Storage), across all of them. */
export const cachedPaths = (page: Page) =>
  page.evaluate(async () => {
    const found: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) found.push(new URL(request.url).pathname);
    }
    return found;
  });

/**
 * Draws each icon on a canvas in the page and counts: pixels with ink (not blank), ink outside the
 * central circle of 80 % of the width (a maskable icon's safe zone), and whether the corners are
 * opaque (full bleed).
 */
export const iconPixels = (page: Page, srcs: string[]) =>
  page.evaluate(async (srcs) => {
    const out: Record<string, { outsideSafeZone: number; opaqueCorners: boolean; inked: number }> = {};
    for (const src of srcs) {
      const img = new Image();
      img.src = src;
      await img.decode();
      const n = img.naturalWidth;
      const canvas = new OffscreenCanvas(n, n);
      const g = canvas.getContext('2d')!;
      g.drawImage(img, 0, 0);
      const { data } = g.getImageData(0, 0, n, n);
      let outsideSafeZone = 0;
      let inked = 0;
      for (let y = 0; y < n; y++) {
        for (let x = 0; x < n; x++) {
          const i = (y * n + x) * 4;
          const ink = data[i]! + data[i + 1]! + data[i + 2]! > 60;
          if (ink) inked++;
          if (ink && Math.hypot(x + 0.5 - n / 2, y + 0.5 - n / 2) > 0.4 * n) outsideSafeZone++;
        }
      }
      const corner = (x: number, y: number) => data[(y * n + x) * 4 + 3] === 255;
      const opaqueCorners = corner(0, 0) && corner(n - 1, 0) && corner(0, n - 1) && corner(n - 1, n - 1);
      out[src] = { outsideSafeZone, opaqueCorners, inked };
    }
    return out;
  }, srcs);
