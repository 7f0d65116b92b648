import type { BattleErrorCode } from '@onair/core';
import { AppError } from '../../errors.ts';

const STATUS: Record<BattleErrorCode, number> = {
  'battle.invite_expired': 409,
  'battle.not_invited': 403,
  'battle.not_member': 403,
  'battle.ended': 409,
  'battle.state': 409,
};
const MESSAGES: Record<BattleErrorCode, string> = {
  'battle.invite_expired': 'This invite has expired. Send a new one.',
  'battle.not_invited': 'Only the invited creator can answer this invite.',
  'battle.not_member': "You're not in this battle.",
  'battle.ended': 'This battle is over.',
  'battle.state': "That can't be done at this point of the battle.",
};

/** A refusal of the state machine, as the user sees it. */
export const battleError = (code: BattleErrorCode) => new AppError(code, STATUS[code], MESSAGES[code]);
export const notFound = () => new AppError('battle.not_found', 404, 'There is no such battle.');
export const busy = (handle: string | null) =>
  new AppError(
    'battle.busy',
    409,
    handle ? `@${handle} is already in a battle.` : "You're already in a battle. Leave it first.",
  );
export const notLive = () =>
  new AppError('battle.not_live', 409, 'Go LIVE first: battles are between LIVE rooms.');
