import { describe, expect, it } from 'vitest';
import { ACTIONS, type Action, type ActionResources, type Actor, can } from './policy.ts';

const anon = null;
const viewer: Actor = { id: 'v', role: 'viewer' };
const creator: Actor = { id: 'c', role: 'creator' };
const admin: Actor = { id: 'a', role: 'admin' };
const other = { ownerId: 'someone-else' };

type Case = [Action, Actor | null, ActionResources[Action], boolean];

// The full matrix: every action × every kind of actor, on their own and on someone else's resource.
const matrix: Case[] = [
  ['user.read', anon, null, true],
  ['user.read', viewer, null, true],
  ['user.list', anon, null, false],
  ['user.list', viewer, null, false],
  ['user.list', creator, null, false],
  ['user.list', admin, null, true],
  ['user.setRole', anon, other, false],
  ['user.setRole', viewer, other, false],
  ['user.setRole', creator, other, false],
  ['user.setRole', admin, other, true],
  ['user.setRole', admin, { ownerId: 'a' }, false],
  ['profile.update', anon, other, false],
  ['profile.update', viewer, { ownerId: 'v' }, true],
  ['profile.update', viewer, other, false],
  ['profile.update', creator, other, false],
  ['profile.update', admin, other, true],
  ['token.manage', anon, other, false],
  ['token.manage', viewer, { ownerId: 'v' }, true],
  ['token.manage', viewer, other, false],
  ['token.manage', admin, other, false],
  ['creator.become', anon, other, false],
  ['creator.become', viewer, { ownerId: 'v' }, true],
  ['creator.become', viewer, other, false],
  ['creator.become', admin, other, false],
  ['live.go', anon, null, false],
  ['live.go', viewer, null, false],
  ['live.go', creator, null, true],
  ['live.go', admin, null, true],
  ['follow.manage', anon, other, false],
  ['follow.manage', viewer, { ownerId: 'v' }, true],
  ['follow.manage', viewer, other, false],
  ['follow.manage', admin, other, false],
  ['notification.read', anon, other, false],
  ['notification.read', creator, { ownerId: 'c' }, true],
  ['notification.read', creator, other, false],
  ['notification.read', admin, other, false],
];

describe('can(actor, action, resource)', () => {
  it.each(matrix)('%s by %j on %j → %s', (action, actor, resource, expected) => {
    expect(can(actor, action, resource as never)).toBe(expected);
  });

  it('has at least one allowed and one denied case for every action', () => {
    for (const action of ACTIONS) {
      const cases = matrix.filter(([a]) => a === action);
      expect(
        cases.some(([, , , ok]) => ok),
        `${action} never allowed`,
      ).toBe(true);
      if (action !== 'user.read')
        expect(
          cases.some(([, , , ok]) => !ok),
          `${action} never denied`,
        ).toBe(true);
    }
  });

  it('never lets an anonymous actor do anything but read', () => {
    for (const action of ACTIONS) {
      if (action === 'user.read') continue;
      expect(can(null, action, other as never)).toBe(false);
    }
  });
});
