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
};

export function can<A extends Action>(actor: Actor | null, action: A, resource: ActionResources[A]): boolean {
  return rules[action](actor, resource);
}
