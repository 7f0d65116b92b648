import { type Kysely, sql } from 'kysely';

/** Storage settings for the gift path's hottest tables; no data changes. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Balances are rewritten by every gift batch: free room on each page lets Postgres update a row in
  // place (a HOT update) instead of adding an entry to each of the table's indexes.
  await sql`alter table ledger_accounts set (fillfactor = 50)`.execute(db);
  // Keys are opaque: compared byte-wise, the unique index probed on every transfer skips the locale.
  await sql`alter table ledger_transfers alter column idempotency_key type text collate "C"`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table ledger_transfers alter column idempotency_key type text collate "default"`.execute(
    db,
  );
  await sql`alter table ledger_accounts reset (fillfactor)`.execute(db);
}
