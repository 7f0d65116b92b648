/**
 * Who may do what, as pure data-in/decision-out functions. Routes and WS handlers ask
 * `can(actor, action, resource)`; nothing else in the codebase compares roles by hand, so
 * the authorization matrix test covers every decision the platform makes.
 */
export type RoleName = 'viewer' | 'creator' | 'admin';

export interface Actor {
  id: string;
  role: RoleName;
}

/** A resource owned by one user: a profile, a token, a room. */
export interface Owned {
  ownerId: string;
}

/** A LIVE room's chat: owned by its creator, with the moderators the creator appointed. */
export interface RoomChat extends Owned {
  isModerator: boolean;
}

/** A comment, in its room. */
export interface RoomComment extends RoomChat {
  authorId: string;
}

export interface ActionResources {
  'user.read': null;
  'user.list': null;
  'user.setRole': Owned;
  'profile.update': Owned;
  'token.manage': Owned;
  'creator.become': Owned;
  'live.go': null;
  'follow.manage': Owned;
  'notification.read': Owned;
  'push.manage': Owned;
  'chat.post': null;
  'chat.moderate': RoomChat;
  'chat.manage': Owned;
  'comment.delete': RoomComment;
  'report.review': null;
  'wallet.read': Owned;
  'wallet.purchase': Owned;
  'gift.send': null;
  'earnings.read': Owned;
  'withdrawal.request': Owned;
  'withdrawal.manage': null;
  'economy.manage': null;
  'ledger.audit': null;
  'battle.play': Owned;
  'studio.read': Owned;
  'event.manage': Owned;
  'event.rsvp': null;
}

export type Action = keyof ActionResources;
export const ACTIONS = [
  'user.read',
  'user.list',
  'user.setRole',
  'profile.update',
  'token.manage',
  'creator.become',
  'live.go',
  'follow.manage',
  'notification.read',
  'push.manage',
  'chat.post',
  'chat.moderate',
  'chat.manage',
  'comment.delete',
  'report.review',
  'wallet.read',
  'wallet.purchase',
  'gift.send',
  'earnings.read',
  'withdrawal.request',
  'withdrawal.manage',
  'economy.manage',
  'ledger.audit',
  'studio.read',
  'event.manage',
  'event.rsvp',
] as const satisfies readonly Action[];

type Rule<A extends Action> = (actor: Actor | null, resource: ActionResources[A]) => boolean;

const isAdmin = (actor: Actor | null): actor is Actor => actor?.role === 'admin';
const isSelf = (actor: Actor | null, r: Owned): actor is Actor => actor !== null && actor.id === r.ownerId;

const rules: { [A in Action]: Rule<A> } = {
  'user.read': () => true,
  'user.list': (actor) => isAdmin(actor),
  // An admin cannot change their own role: that is how the last admin locks everyone out.
  'user.setRole': (actor, r) => isAdmin(actor) && actor.id !== r.ownerId,
  // Admins may edit any profile to take down abusive names or bios.
  'profile.update': (actor, r) => isSelf(actor, r) || isAdmin(actor),
  'token.manage': (actor, r) => isSelf(actor, r),
  'creator.become': (actor, r) => isSelf(actor, r),
  'live.go': (actor) => actor?.role === 'creator' || isAdmin(actor),
  'follow.manage': (actor, r) => isSelf(actor, r),
  'notification.read': (actor, r) => isSelf(actor, r),
  // A device is its owner's alone: not even an admin lists or pushes to another user's devices.
  'push.manage': (actor, r) => isSelf(actor, r),
  'chat.post': (actor) => actor !== null,
  // The creator, their moderators and platform admins keep a room civil.
  'chat.moderate': (actor, r) => isSelf(actor, r) || (actor !== null && r.isModerator) || isAdmin(actor),
  // Appointing moderators and room settings stay with the creator (and admins).
  'chat.manage': (actor, r) => isSelf(actor, r) || isAdmin(actor),
  'comment.delete': (actor, r) =>
    (actor !== null && actor.id === r.authorId) ||
    isSelf(actor, r) ||
    (actor !== null && r.isModerator) ||
    isAdmin(actor),
  'report.review': (actor) => isAdmin(actor),
  // Money is private: not even admins read or move a wallet as its owner (they audit the ledger).
  'wallet.read': (actor, r) => isSelf(actor, r),
  'wallet.purchase': (actor, r) => isSelf(actor, r),
  // Anyone signed in may gift; gifting yourself is a rule of the gift, not of access.
  'gift.send': (actor) => actor !== null,
  'earnings.read': (actor, r) => isSelf(actor, r),
  'withdrawal.request': (actor, r) => isSelf(actor, r),
  'withdrawal.manage': (actor) => isAdmin(actor),
  // Gift catalog, coin packages and refunds.
  'economy.manage': (actor) => isAdmin(actor),
  'ledger.audit': (actor) => isAdmin(actor),
  // Battles are between LIVE rooms: only creators (and admins, who may stream) take part, as themselves.
  'battle.play': (actor, r) => isSelf(actor, r) && (actor.role === 'creator' || actor.role === 'admin'),
  // A creator's audience and earnings figures are theirs alone, like their wallet.
  'studio.read': (actor, r) => isSelf(actor, r) && (actor.role === 'creator' || actor.role === 'admin'),
  // A scheduled LIVE is edited and cancelled by the creator who announced it, as long as they may go LIVE.
  'event.manage': (actor, r) => isSelf(actor, r) && (actor.role === 'creator' || actor.role === 'admin'),
  // Anyone signed in may ask to be reminded; whether the event still takes reminders is its own rule.
  'event.rsvp': (actor) => actor !== null,
};

export function can<A extends Action>(actor: Actor | null, action: A, resource: ActionResources[A]): boolean {
  return rules[action](actor, resource);
}
