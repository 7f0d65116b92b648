import type { CreateCoinPackageBody, UpdateCoinPackageBody } from '@onair/protocol';
import type { Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { CoinPackageRow, PurchaseRow, PurchasesTable } from '../../db/schema.ts';

export function findPackage(db: Db, id: string): Promise<CoinPackageRow | undefined> {
  return db.selectFrom('coinPackages').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listPackages(db: Db, opts: { activeOnly: boolean }): Promise<CoinPackageRow[]> {
  let q = db.selectFrom('coinPackages').selectAll();
  if (opts.activeOnly) q = q.where('active', '=', true);
  return q.orderBy('sort').orderBy('coins').orderBy('id').execute();
}

export function insertPackage(db: Db, body: CreateCoinPackageBody): Promise<CoinPackageRow | undefined> {
  return db
    .insertInto('coinPackages')
    .values({ ...body })
    .onConflict((oc) => oc.column('id').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export function updatePackage(db: Db, id: string, patch: UpdateCoinPackageBody) {
  return db
    .updateTable('coinPackages')
    .set({ ...patch, updatedAt: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Undefined when this user already used the idempotency key. */
export function insertPurchase(
  db: Db,
  p: Pick<
    PurchaseRow,
    | 'userId'
    | 'packageId'
    | 'coins'
    | 'priceCents'
    | 'currency'
    | 'provider'
    | 'idempotencyKey'
    | 'requestHash'
  >,
): Promise<PurchaseRow | undefined> {
  return db
    .insertInto('purchases')
    .values({ ...p, status: 'pending' })
    .onConflict((oc) => oc.columns(['userId', 'idempotencyKey']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export function findPurchase(db: Db, id: string): Promise<PurchaseRow | undefined> {
  return db.selectFrom('purchases').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findPurchaseByKey(db: Db, userId: string, key: string): Promise<PurchaseRow | undefined> {
  return db
    .selectFrom('purchases')
    .selectAll()
    .where('userId', '=', userId)
    .where('idempotencyKey', '=', key)
    .executeTakeFirst();
}

export function findPurchaseBy(
  db: Db,
  column: 'providerRef' | 'providerPaymentId',
  value: string,
): Promise<PurchaseRow | undefined> {
  return db.selectFrom('purchases').selectAll().where(column, '=', value).executeTakeFirst();
}

export function lockPurchase(db: Db, id: string): Promise<PurchaseRow | undefined> {
  return db.selectFrom('purchases').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function updatePurchase(db: Db, id: string, patch: Updateable<PurchasesTable>) {
  return db
    .updateTable('purchases')
    .set({ ...patch, updatedAt: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Records a provider event; false when it was seen before (a replay). */
export async function recordEvent(
  db: Db,
  e: { provider: string; eventId: string; type: string },
): Promise<boolean> {
  const row = await db
    .insertInto('paymentEvents')
    .values(e)
    .onConflict((oc) => oc.columns(['provider', 'eventId']).doNothing())
    .returning('eventId')
    .executeTakeFirst();
  return row !== undefined;
}
