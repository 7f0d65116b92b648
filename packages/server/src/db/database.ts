import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { CamelCasePlugin, Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;
export type DialectName = 'pglite' | 'postgres';

export interface DatabaseOptions {
  /** postgres:// URL; absent → embedded PGlite. */
  url?: string | undefined;
  /** Directory for PGlite's files; absent (and no url) → in memory, for tests. */
  dataDir?: string | undefined;
  /** Postgres only: put every table in this schema (tests use one per file). */
  schema?: string | undefined;
  poolSize?: number;
  /**
   * Postgres only: an idle pooled connection failed (the server restarted, or an admin ended it).
   * The pool drops that connection and opens another when next needed; without a listener, Node
   * would treat the event as unhandled and exit.
   */
  onIdleError?: (err: Error) => void;
}

export interface DatabaseHandle {
  db: Db;
  dialect: DialectName;
  close(): Promise<void>;
}

const INT8_OID = 20;
const INT8_ARRAY_OID = 1016;
const TEXT_ARRAY_OID = 1009;

/**
 * A statement whose text starts with this is prepared once per connection and then only bound and
 * executed (Postgres): the gift path's big statements run hundreds of times a second, and parsing and
 * planning them each time cost the database as much as some of the writes. PGlite ignores the comment.
 */
export const PREPARED = '/* prepared */';

const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `onair_${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return name;
}

class PreparingClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg's query() has many overloads; only (text, values) is rewritten.
  override query(...args: any[]): any {
    const [text, values] = args;
    if (args.length <= 2 && typeof text === 'string' && text.startsWith(PREPARED))
      return super.query({ name: statementName(text), text, values });
    // biome-ignore lint/suspicious/noExplicitAny: passed through unchanged.
    return (super.query as any)(...args);
  }
}

/**
 * int8 comes back as a string from `pg` and as a number from PGlite. Both drivers get this parser so
 * counts, coins and diamonds are plain numbers everywhere, and a value JS cannot hold exactly fails
 * loudly instead of being rounded.
 */
export function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} is beyond Number.MAX_SAFE_INTEGER`);
  return n;
}

// pg's own text[] parser (quoting, escapes, NULL); its types only name scalar oids.
const parseTextArray = (pg.types.getTypeParser as (oid: number) => (value: string) => (string | null)[])(
  TEXT_ARRAY_OID,
);

/** int8[] the same way, element by element (both drivers would otherwise differ: strings or numbers). */
export function parseInt8Array(value: string): (number | null)[] {
  return parseTextArray(value).map((v) => (v === null ? null : parseInt8(v)));
}

export function createDatabase(options: DatabaseOptions): DatabaseHandle {
  const plugins = [new CamelCasePlugin()];
  if (options.url) {
    const pool = new pg.Pool({
      Client: PreparingClient,
      connectionString: options.url,
      max: options.poolSize ?? 10,
      // `public` too: extensions (pg_trgm) are per database and installed there, not per schema.
      ...(options.schema ? { options: `-c search_path=${options.schema},public` } : {}),
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === INT8_OID
            ? parseInt8
            : oid === INT8_ARRAY_OID
              ? parseInt8Array
              : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    pool.on('error', options.onIdleError ?? (() => {}));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const pglite = new PGlite({
    ...(options.dataDir ? { dataDir: path.resolve(options.dataDir) } : {}),
    parsers: { [INT8_OID]: parseInt8, [INT8_ARRAY_OID]: parseInt8Array },
    // Search's typo tolerance (migration 0014 creates it in the database).
    extensions: { pg_trgm },
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), plugins });
  return { db, dialect: 'pglite', close: () => db.destroy() };
}

export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
