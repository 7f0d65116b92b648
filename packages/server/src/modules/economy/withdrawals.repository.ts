import type { Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { WithdrawalRow, WithdrawalStatus, WithdrawalsTable } from '../../db/schema.ts';

export type WithdrawalWithUser = WithdrawalRow & { handle: string };

const withUser = (db: Db) =>
  db
    .selectFrom('withdrawals as w')
    .innerJoin('users as u', 'u.id', 'w.userId')
    .selectAll('w')
    .select('u.handle');

export function insertWithdrawal(
  db: Db,
  w: Pick<
    WithdrawalRow,
    | 'userId'
    | 'diamonds'
    | 'grossCents'
    | 'feeCents'
    | 'netCents'
    | 'currency'
    | 'provider'
    | 'idempotencyKey'
    | 'requestHash'
  >,
): Promise<WithdrawalRow | undefined> {
  return db
    .insertInto('withdrawals')
    .values({ ...w, status: 'pending' })
    .onConflict((oc) => oc.columns(['userId', 'idempotencyKey']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export function find(db: Db, id: string): Promise<WithdrawalWithUser | undefined> {
  return withUser(db).where('w.id', '=', id).executeTakeFirst();
}

export function findByKey(db: Db, userId: string, key: string): Promise<WithdrawalWithUser | undefined> {
  return withUser(db).where('w.userId', '=', userId).where('w.idempotencyKey', '=', key).executeTakeFirst();
}

export function lock(db: Db, id: string): Promise<WithdrawalRow | undefined> {
  return db.selectFrom('withdrawals').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function update(db: Db, id: string, patch: Updateable<WithdrawalsTable>): Promise<void> {
  await db.updateTable('withdrawals').set(patch).where('id', '=', id).execute();
}

export function list(
  db: Db,
  opts: {
    userId?: string | undefined;
    status?: WithdrawalStatus | undefined;
    after?: { createdAt: Date; id: string } | undefined;
    limit: number;
  },
): Promise<WithdrawalWithUser[]> {
  let q = withUser(db);
  if (opts.userId) q = q.where('w.userId', '=', opts.userId);
  if (opts.status) q = q.where('w.status', '=', opts.status);
  const after = opts.after;
  if (after)
    q = q.where((eb) =>
      eb.or([
        eb('w.createdAt', '<', after.createdAt),
        eb.and([eb('w.createdAt', '=', after.createdAt), eb('w.id', '<', after.id)]),
      ]),
    );
  return q.orderBy('w.createdAt', 'desc').orderBy('w.id', 'desc').limit(opts.limit).execute();
}

export async function totals(db: Db, userId: string) {
  const rows = await db
    .selectFrom('withdrawals')
    .select((eb) => [
      'status',
      eb.fn.countAll<number>().as('count'),
      eb.fn.sum<number>('diamonds').as('diamonds'),
      eb.fn.sum<number>('netCents').as('netCents'),
    ])
    .where('userId', '=', userId)
    .groupBy('status')
    .execute();
  return rows.map((r) => ({
    status: r.status,
    count: Number(r.count),
    diamonds: Number(r.diamonds ?? 0),
    netCents: Number(r.netCents ?? 0),
  }));
}
