#!/usr/bin/env node
// Renders the OnAir mark into the PNG icons the web app manifest, iOS and notifications ask for,
// with the same chromium the browser tests drive. Run it after changing the mark, commit the PNGs:
//   node scripts/make-icons.mjs
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const OUT = fileURLToPath(new URL('../packages/web/public/icons/', import.meta.url));

// The rings of favicon.svg (small mark on a rounded tile) and of components/Logo.tsx (the larger mark).
const ring = ({ r, stroke }, colors = ['#25f4ee', '#fe2c55', '#fff', '#fe2c55']) => `
  <circle cx="30" cy="33" r="${r}" fill="none" stroke="${colors[0]}" stroke-width="${stroke}"/>
  <circle cx="34" cy="31" r="${r}" fill="none" stroke="${colors[1]}" stroke-width="${stroke}"/>
  <circle cx="32" cy="32" r="${r}" fill="none" stroke="${colors[2]}" stroke-width="${stroke}"/>
  <circle cx="32" cy="32" r="${r === 13 ? 4.5 : 6}" fill="${colors[3]}"/>`;
const SMALL = { r: 13, stroke: 6 };
const LARGE = { r: 17, stroke: 8 };

const TILE = '<rect width="64" height="64" rx="16" fill="#000"/>';
const SQUARE = '<rect width="64" height="64" fill="#000"/>';

const svg = (body) => `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">${body}</svg>`;

const icons = [
  // "any" purpose: the favicon's rounded tile, transparent corners.
  { file: 'icon-192.png', size: 192, body: TILE + ring(SMALL) },
  { file: 'icon-512.png', size: 512, body: TILE + ring(SMALL) },
  // Maskable: full bleed; the launcher crops to any shape inside the central circle of 80 % of the
  // width, and the large mark reaches about 74 % of it, so nothing of the rings is cut.
  { file: 'icon-maskable-512.png', size: 512, body: SQUARE + ring(LARGE) },
  // iOS rounds the corners itself and shows transparency as black anyway: a full square.
  { file: 'apple-touch-icon.png', size: 180, body: SQUARE + ring(SMALL) },
  // Android draws the notification badge from the alpha channel only: a white silhouette.
  { file: 'badge-96.png', size: 96, body: ring(LARGE, ['#fff', '#fff', '#fff', '#fff']) },
];

mkdirSync(OUT, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage();
  for (const { file, size, body } of icons) {
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(
      `<!doctype html><style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg(body)}`,
    );
    await page.screenshot({ path: path.join(OUT, file), omitBackground: true });
    console.log(`${file} ${size}x${size}`);
  }
} finally {
  await browser.close();
}
