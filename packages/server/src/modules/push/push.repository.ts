import type { PushKind } from '@onair/protocol';
import { type Expression, sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { PushSubscriptionRow } from '../../db/schema.ts';

/** Deliveries one `push.send` job carries. */
export const BATCH_SIZE = 500;

export interface NewDevice {
  userId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  name: string;
}

/**
 * One row per endpoint: a browser that subscribes again (or whose user changed) updates its row.
 * A device that moves to another user starts over with every kind on.
 */
export async function upsertDevice(db: Db, d: NewDevice) {
  const { rows } = await sql<PushSubscriptionRow & { inserted: boolean }>`
    insert into push_subscriptions (user_id, endpoint, p256dh, auth, name)
    values (${d.userId}, ${d.endpoint}, ${d.p256dh}, ${d.auth}, ${d.name})
    on conflict (endpoint) do update set
      p256dh = excluded.p256dh, auth = excluded.auth,
      name = case when push_subscriptions.user_id = excluded.user_id then push_subscriptions.name else excluded.name end,
      live = push_subscriptions.live or push_subscriptions.user_id <> excluded.user_id,
      reminders = push_subscriptions.reminders or push_subscriptions.user_id <> excluded.user_id,
      battles = push_subscriptions.battles or push_subscriptions.user_id <> excluded.user_id,
      money = push_subscriptions.money or push_subscriptions.user_id <> excluded.user_id,
      user_id = excluded.user_id
    returning *, (xmax = 0) as inserted`.execute(db);
  return rows[0]!;
}

export function listDevices(db: Db, userId: string) {
  return db
    .selectFrom('pushSubscriptions')
    .selectAll()
    .where('userId', '=', userId)
    .orderBy('createdAt', 'desc')
    .execute();
}

/** A device of this user; another user's id finds nothing, exactly like an unknown one. */
export function findDevice(db: Db, userId: string, id: string) {
  return db
    .selectFrom('pushSubscriptions')
    .selectAll()
    .where('id', '=', id)
    .where('userId', '=', userId)
    .executeTakeFirst();
}

/** The device after the change; undefined when it is not this user's. */
export function updateDevice(
  db: Db,
  userId: string,
  id: string,
  patch: Partial<Record<PushKind, boolean>> & { name?: string },
) {
  if (Object.keys(patch).length === 0) return findDevice(db, userId, id);
  return db
    .updateTable('pushSubscriptions')
    .set(patch)
    .where('id', '=', id)
    .where('userId', '=', userId)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteDevice(db: Db, userId: string, id: string): Promise<boolean> {
  const r = await db
    .deleteFrom('pushSubscriptions')
    .where('id', '=', id)
    .where('userId', '=', userId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export function preferences(db: Db, userId: string) {
  return db.selectFrom('pushPreferences').selectAll().where('userId', '=', userId).executeTakeFirst();
}

export async function setQuietHours(
  db: Db,
  userId: string,
  quiet: { start: number; end: number; timeZone: string } | null,
): Promise<void> {
  const row = {
    quietStart: quiet?.start ?? null,
    quietEnd: quiet?.end ?? null,
    timeZone: quiet?.timeZone ?? 'UTC',
  };
  await db
    .insertInto('pushPreferences')
    .values({ userId, ...row })
    .onConflict((oc) => oc.column('userId').doUpdateSet(row))
    .execute();
}

/** When this device last had a test push queued, if ever (the test button's rate limit). */
export async function lastTestAt(db: Db, subscriptionId: string): Promise<Date | null> {
  const { rows } = await sql<{ at: Date | null }>`
    select max(d.created_at) as at from push_deliveries d join push_messages m on m.id = d.message_id
    where d.subscription_id = ${subscriptionId} and m.kind = 'test'`.execute(db);
  return rows[0]?.at ?? null;
}

export interface NewMessage {
  key: string;
  kind: PushKind | 'test';
  payload: unknown;
  ttlSeconds: number;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
  now: Date;
}

/** The message of this key, created once: a second fan-out of the same thing finds it exists. */
export async function createMessage(db: Db, m: NewMessage): Promise<string | null> {
  const { rows } = await sql<{ id: string }>`
    insert into push_messages (key, kind, payload, ttl_seconds, urgency, created_at, expires_at)
    values (${m.key}, ${m.kind}, ${JSON.stringify(m.payload)}::jsonb, ${m.ttlSeconds}, ${m.urgency}, ${m.now},
      ${new Date(m.now.getTime() + m.ttlSeconds * 1000)})
    on conflict (key) do nothing returning id`.execute(db);
  return rows[0] ? String(rows[0].id) : null;
}

export interface Audience {
  /** Users to reach: a subquery of user ids, or a list. */
  users: Expression<unknown> | readonly string[];
  /** Only devices with this kind on; `test` reaches the one device named. */
  kind: PushKind | 'test';
  deviceId?: string;
  /** Counts toward, and is held to, the hourly cap (LIVE alerts, reminders). */
  capped: boolean;
  /** Skip users inside their quiet hours. */
  quiet: boolean;
  maxPerHour: number;
  now: Date;
}

/**
 * Every delivery of one message in one statement, numbered into batches of BATCH_SIZE: 100,000
 * devices cost one INSERT … SELECT. Quiet hours and the hourly cap are applied here, at fan-out,
 * so a LIVE alert is never sent late: a user asleep or already told enough simply gets none.
 * Returns how many deliveries and batches there are.
 */
export async function insertDeliveries(
  db: Db,
  messageId: string,
  a: Audience,
): Promise<{ deliveries: number; batches: number }> {
  const users = Array.isArray(a.users)
    ? sql`select unnest(${sql.val(a.users)}::uuid[])`
    : (a.users as Expression<unknown>);
  const kindOn = a.kind === 'test' ? sql`s.id = ${a.deviceId ?? null}` : sql`s.${sql.ref(a.kind)}`;
  const local = sql`(extract(hour from (${a.now}::timestamptz at time zone p.time_zone)) * 60
    + extract(minute from (${a.now}::timestamptz at time zone p.time_zone)))`;
  const quiet = a.quiet
    ? sql`and not exists (select 1 from push_preferences p where p.user_id = s.user_id and p.quiet_start is not null
        and case when p.quiet_start < p.quiet_end then ${local} >= p.quiet_start and ${local} < p.quiet_end
                 else ${local} >= p.quiet_start or ${local} < p.quiet_end end)`
    : sql``;
  const cap = a.capped
    ? sql`and (select count(distinct d.message_id) from push_deliveries d
        where d.user_id = s.user_id and d.capped and d.created_at > ${a.now}::timestamptz - interval '1 hour') < ${a.maxPerHour}`
    : sql``;
  const { rows } = await sql<{ n: number; last: number | null }>`
    with targets as (
      select s.id, s.user_id from push_subscriptions s
      where s.user_id in (${users}) and ${kindOn} ${quiet} ${cap}
    ), inserted as (
      insert into push_deliveries (message_id, subscription_id, user_id, batch, capped, created_at)
      select ${messageId}, id, user_id, ((row_number() over (order by id)) - 1) / ${BATCH_SIZE}, ${a.capped}, ${a.now}
      from targets
      returning batch
    )
    select count(*)::int as n, max(batch) as last from inserted`.execute(db);
  const deliveries = Number(rows[0]?.n ?? 0);
  const batches = deliveries === 0 ? 0 : Number(rows[0]!.last) + 1;
  await db.updateTable('pushMessages').set({ batches }).where('id', '=', messageId).execute();
  return { deliveries, batches };
}

export interface PendingDelivery {
  subscriptionId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** A batch's message and its deliveries still to send (a rerun after a crash skips those sent). */
export async function loadBatch(db: Db, messageId: string, batch: number) {
  const message = await db
    .selectFrom('pushMessages')
    .selectAll()
    .where('id', '=', messageId)
    .executeTakeFirst();
  if (!message) return null;
  const { rows } = await sql<PendingDelivery>`
    select s.id as subscription_id, s.endpoint, s.p256dh, s.auth
    from push_deliveries d join push_subscriptions s on s.id = d.subscription_id
    where d.message_id = ${messageId} and d.batch = ${batch} and d.state = 'pending'`.execute(db);
  return { message, pending: rows };
}

export type Outcome = 'sent' | 'gone' | 'failed' | 'retry';

/** Records what happened to some deliveries of a message, in one statement per outcome. */
export async function record(
  db: Db,
  messageId: string,
  results: { subscriptionId: string; outcome: Outcome; status: number | null }[],
  now: Date,
): Promise<void> {
  const by = (o: Outcome) => results.filter((r) => r.outcome === o);
  const sent = by('sent').map((r) => r.subscriptionId);
  // One statement for both: the deliveries marked sent, and their devices' "last sent".
  if (sent.length > 0)
    await sql`
      with done as (
        update push_deliveries set state = 'sent', sent_at = ${now}, attempts = attempts + 1, status_code = 201
        where message_id = ${messageId} and subscription_id = any(${sql.val(sent)}::uuid[])
        returning subscription_id
      )
      update push_subscriptions set last_sent_at = ${now} where id in (select subscription_id from done)`.execute(
      db,
    );
  // Not taken (left pending for the retry) or refused for good, each with its status: one statement.
  const unsent = results.filter((r) => r.outcome === 'failed' || r.outcome === 'retry');
  if (unsent.length > 0)
    await sql`
      update push_deliveries d set attempts = d.attempts + 1, status_code = x.status, state = x.state
      from unnest(${sql.val(unsent.map((r) => r.subscriptionId))}::uuid[],
                  ${sql.val(unsent.map((r) => r.status))}::smallint[],
                  ${sql.val(unsent.map((r) => (r.outcome === 'failed' ? 'failed' : 'pending')))}::text[])
        as x(id, status, state)
      where d.message_id = ${messageId} and d.subscription_id = x.id`.execute(db);
  // The push service says the subscription is gone for good (404/410): forget the device.
  const gone = by('gone').map((r) => r.subscriptionId);
  if (gone.length > 0)
    await sql`delete from push_subscriptions where id = any(${sql.val(gone)}::uuid[])`.execute(db);
}

/** Gives up on a message's remaining deliveries (it expired before they could be sent). */
export async function expireBatch(db: Db, messageId: string, batch: number): Promise<void> {
  await sql`update push_deliveries set state = 'failed' where message_id = ${messageId} and batch = ${batch}
    and state = 'pending'`.execute(db);
}

/** The outbox keeps a day: enough for the hourly cap and "last sent"; older messages go. */
export async function deleteOlderThan(db: Db, before: Date): Promise<number> {
  const r = await db.deleteFrom('pushMessages').where('createdAt', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}
