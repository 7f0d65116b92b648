import { type Action, type ActionResources, type Actor, can } from '@onair/core';
import { AppError, forbidden } from './errors.ts';

/**
 * The one place a denied policy decision becomes an HTTP-shaped error: 401 when nobody is signed
 * in (signing in might help), 403 when the signed-in actor may not (it would not).
 */
export function requireAccess<A extends Action>(
  actor: Actor | null,
  action: A,
  resource: ActionResources[A],
): asserts actor is Actor {
  if (can(actor, action, resource)) return;
  if (actor === null) throw new AppError('auth.required', 401, 'Sign in to do that.');
  throw forbidden();
}
