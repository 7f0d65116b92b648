import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * A throwaway Postgres database for one bench run, made next to the one DATABASE_URL names, so a run
 * starts empty and leaves nothing behind. Without DATABASE_URL there is none: the run uses PGlite.
 */
export async function scratchDatabase(
  prefix: string,
): Promise<{ url: string | undefined; drop: () => Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) return { url: undefined, drop: async () => {} };
  const name = `onair_bench_${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}
