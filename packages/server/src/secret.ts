import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A value made once and kept in `DATA_DIR/<name>` (mode 0600), so a single-node install works with
 * no setup and keeps it across restarts: read it if the file exists, else make, write and return
 * it. Two processes starting together agree: the loser of the exclusive create reads the winner's.
 */
export function generatedOnce(dataDir: string, name: string, make: () => string): string {
  const file = path.join(dataDir, name);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dataDir, { recursive: true });
  const value = make();
  try {
    writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
    return value;
  } catch {
    return readFileSync(file, 'utf8').trim();
  }
}

/** SECRET_KEY when set; otherwise a key generated once into DATA_DIR/secret.key. */
export function resolveSecretKey(configured: string | undefined, dataDir: string): string {
  return configured || generatedOnce(dataDir, 'secret.key', () => randomBytes(32).toString('base64url'));
}
