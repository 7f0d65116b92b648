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
  ['push.manage', anon, other, false],
  ['push.manage', viewer, { ownerId: 'v' }, true],
  ['push.manage', viewer, other, false],
  ['push.manage', admin, other, false],
  ['chat.post', anon, null, false],
  ['chat.post', viewer, null, true],
  ['chat.moderate', anon, { ownerId: 'c', isModerator: false }, false],
  ['chat.moderate', viewer, { ownerId: 'c', isModerator: false }, false],
  ['chat.moderate', viewer, { ownerId: 'c', isModerator: true }, true],
  ['chat.moderate', creator, { ownerId: 'c', isModerator: false }, true],
  ['chat.moderate', creator, { ownerId: 'x', isModerator: false }, false],
  ['chat.moderate', admin, { ownerId: 'c', isModerator: false }, true],
  ['chat.manage', viewer, { ownerId: 'c' }, false],
  ['chat.manage', creator, { ownerId: 'c' }, true],
  ['chat.manage', admin, { ownerId: 'c' }, true],
  ['comment.delete', anon, { ownerId: 'c', isModerator: false, authorId: 'v' }, false],
  ['comment.delete', viewer, { ownerId: 'c', isModerator: false, authorId: 'v' }, true],
  ['comment.delete', viewer, { ownerId: 'c', isModerator: false, authorId: 'z' }, false],
  ['comment.delete', viewer, { ownerId: 'c', isModerator: true, authorId: 'z' }, true],
  ['comment.delete', creator, { ownerId: 'c', isModerator: false, authorId: 'z' }, true],
  ['comment.delete', admin, { ownerId: 'c', isModerator: false, authorId: 'z' }, true],
  ['report.review', viewer, null, false],
  ['report.review', admin, null, true],
  ['wallet.read', anon, other, false],
  ['wallet.read', viewer, { ownerId: 'v' }, true],
  ['wallet.read', viewer, other, false],
  ['wallet.read', admin, other, false],
  ['wallet.purchase', anon, other, false],
  ['wallet.purchase', viewer, { ownerId: 'v' }, true],
  ['wallet.purchase', creator, other, false],
  ['wallet.purchase', admin, other, false],
  ['gift.send', anon, null, false],
  ['gift.send', viewer, null, true],
  ['gift.send', creator, null, true],
  ['earnings.read', anon, other, false],
  ['earnings.read', creator, { ownerId: 'c' }, true],
  ['earnings.read', creator, other, false],
  ['earnings.read', admin, other, false],
  ['withdrawal.request', anon, other, false],
  ['withdrawal.request', creator, { ownerId: 'c' }, true],
  ['withdrawal.request', viewer, other, false],
  ['withdrawal.request', admin, other, false],
  ['withdrawal.manage', anon, null, false],
  ['withdrawal.manage', viewer, null, false],
  ['withdrawal.manage', creator, null, false],
  ['withdrawal.manage', admin, null, true],
  ['economy.manage', anon, null, false],
  ['economy.manage', creator, null, false],
  ['economy.manage', admin, null, true],
  ['ledger.audit', anon, null, false],
  ['ledger.audit', viewer, null, false],
  ['ledger.audit', admin, null, true],
  ['battle.play', anon, other, false],
  ['battle.play', viewer, { ownerId: 'v' }, false],
  ['battle.play', creator, { ownerId: 'c' }, true],
  ['battle.play', creator, other, false],
  ['battle.play', admin, { ownerId: 'a' }, true],
  ['studio.read', anon, other, false],
  ['studio.read', viewer, { ownerId: 'v' }, false],
  ['studio.read', creator, { ownerId: 'c' }, true],
  ['studio.read', creator, other, false],
  ['studio.read', admin, { ownerId: 'a' }, true],
  ['studio.read', admin, other, false],
  ['event.manage', anon, other, false],
  ['event.manage', viewer, { ownerId: 'v' }, false],
  ['event.manage', creator, { ownerId: 'c' }, true],
  ['event.manage', creator, other, false],
  ['event.manage', admin, { ownerId: 'a' }, true],
  ['event.manage', admin, other, false],
  ['event.rsvp', anon, null, false],
  ['event.rsvp', viewer, null, true],
  ['event.rsvp', creator, null, true],
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
