import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { StandInSubscription } from './push-service.ts';

const CHUNK = 10_000;

/**
 * Seeds a creator's audience straight into the database (tests and benchmarks of the fan-out, where
 * 20,000 sign-ups through the API would be the slow part): `followers` viewers `<prefix>N` following
 * the creator with LIVE alerts on, the first `devices.length` of them with one push device each.
 */
export async function seedPushAudience(
  db: Db,
  {
    creatorId,
    prefix,
    followers,
    devices,
  }: { creatorId: string; prefix: string; followers: number; devices: StandInSubscription[] },
): Promise<void> {
  if (devices.length > followers) throw new Error('more devices than followers');
  for (let from = 1; from <= followers; from += CHUNK) {
    const to = Math.min(followers, from + CHUNK - 1);
    await sql`
      insert into users (handle, display_name, role, password_hash)
      select ${prefix} || g, ${prefix} || g, 'viewer', 'seeded' from generate_series(${from}::int, ${to}::int) g`.execute(
      db,
    );
    await sql`
      insert into follows (follower_id, creator_id)
      select u.id, ${creatorId} from users u
      where u.handle in (select ${prefix} || g from generate_series(${from}::int, ${to}::int) g)`.execute(db);
  }
  for (let from = 0; from < devices.length; from += CHUNK) {
    const chunk = devices.slice(from, from + CHUNK);
    await sql`
      insert into push_subscriptions (user_id, endpoint, p256dh, auth, name)
      select u.id, d.endpoint, d.p256dh, d.auth, 'Seeded device'
      from unnest(${sql.val(chunk.map((_, i) => `${prefix}${from + i + 1}`))}::text[],
                  ${sql.val(chunk.map((d) => d.endpoint))}::text[],
                  ${sql.val(chunk.map((d) => d.keys.p256dh))}::text[],
                  ${sql.val(chunk.map((d) => d.keys.auth))}::text[]) as d(handle, endpoint, p256dh, auth)
      join users u on u.handle = d.handle`.execute(db);
  }
}
