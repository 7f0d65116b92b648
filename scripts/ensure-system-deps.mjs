#!/usr/bin/env node
// Before `npm test`: make sure the system tools the tests drive are present. As root with apt-get
// (CI, a fresh Debian box) it installs Debian's packages; otherwise it says in one line what to install.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const needs = [
  {
    what: 'chromium (browser tests)',
    pkg: 'chromium',
    found: () => existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'),
  },
  {
    // The npm static build (the runtime fallback) is an old ffmpeg whose HLS output ffprobe cannot
    // read back in the media tests; the tests use the system's.
    what: 'ffmpeg and ffprobe (media tests)',
    pkg: 'ffmpeg',
    found: () => onPath('ffmpeg') && onPath('ffprobe'),
  },
];

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

const missing = needs.filter((n) => !n.found());
if (missing.length === 0) process.exit(0);

const pkgs = missing.map((m) => m.pkg);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (isRoot && hasApt) {
  console.log(`installing ${pkgs.join(', ')} with apt-get…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], {
    stdio: 'inherit',
    env,
  });
  const still = missing.filter((n) => !n.found());
  if (still.length === 0) process.exit(0);
  console.error(`still missing after apt-get: ${still.map((s) => s.what).join(', ')}`);
  process.exit(1);
}
console.error(
  `npm test needs ${missing.map((m) => m.what).join(', ')}: install with \`sudo apt-get install ${pkgs.join(' ')}\` (or set CHROMIUM_PATH to a Chromium binary; FFMPEG_PATH to an ffmpeg).`,
);
process.exit(1);
