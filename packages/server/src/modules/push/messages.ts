import type { Db } from '../../db/database.ts';
import { publicUser } from '../accounts/public-user.ts';
import { eventHeadline } from '../events/event-headline.read-model.ts';
import type { Message } from './delivery.ts';

/**
 * What each push says. Texts are short (a lock screen shows about two lines); the tag is the thing
 * the push is about, so a second copy, or a newer push about the same thing, replaces the first.
 */
export async function userRef(db: Db, id: string) {
  return db.selectFrom('users as u').select(publicUser('u')).where('u.id', '=', id).executeTakeFirst();
}

type User = NonNullable<Awaited<ReturnType<typeof userRef>>>;
const nameOf = (u: User) => u.displayName || `@${u.handle}`;

export function liveMessage(creator: User, sessionId: string): Message {
  return {
    key: `live:${sessionId}`,
    kind: 'live',
    title: `${nameOf(creator)} is LIVE`,
    body: `@${creator.handle} just went LIVE. Tap to watch.`,
    url: `/@${creator.handle}/live`,
    tag: `live:${creator.id}`,
    icon: creator.avatarUrl ?? undefined,
  };
}

export async function reminderMessage(
  db: Db,
  creator: User,
  eventId: string,
  now: number,
): Promise<Message | null> {
  const event = await eventHeadline(db, eventId);
  if (!event) return null;
  const minutes = Math.max(0, Math.round((event.startsAt.getTime() - now) / 60_000));
  return {
    key: `reminder:${eventId}`,
    kind: 'reminders',
    title: event.title,
    body: `${nameOf(creator)} goes LIVE ${minutes <= 1 ? 'now' : `in ${minutes} min`}.`,
    url: `/events/${eventId}`,
    tag: `event:${eventId}`,
    icon: creator.avatarUrl ?? undefined,
  };
}

export function battleInviteMessage(inviter: User, invitee: User, battleId: string): Message {
  return {
    key: `battle:${battleId}`,
    kind: 'battles',
    title: 'Battle invite',
    body: `${nameOf(inviter)} invited you to a LIVE battle. Answer in your room.`,
    url: `/@${invitee.handle}/live`,
    tag: `battle:${battleId}`,
    icon: inviter.avatarUrl ?? undefined,
  };
}

export function payoutMessage(withdrawalId: string, netCents: number, currency: string): Message {
  const amount = new Intl.NumberFormat('en', { style: 'currency', currency }).format(netCents / 100);
  return {
    key: `payout:${withdrawalId}`,
    kind: 'money',
    title: 'Withdrawal paid',
    body: `${amount} is on its way to you.`,
    url: '/wallet/earnings',
    tag: `payout:${withdrawalId}`,
  };
}

export function testMessage(deviceId: string, at: number): Message {
  return {
    key: `test:${deviceId}:${at}`,
    kind: 'test',
    title: 'OnAir notifications work',
    body: 'This is the test you asked for. LIVE alerts will look like this.',
    url: '/settings/notifications',
    tag: `test:${deviceId}`,
  };
}
