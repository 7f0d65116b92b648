import { z } from 'zod';

/**
 * Every error a client can see has one of these stable codes. Clients branch on the code,
 * never on the message text, so codes are only ever added, not renamed.
 */
export const ERROR_CODES = [
  'request.invalid',
  'request.malformed_json',
  'request.too_large',
  'request.unsupported_media_type',
  'request.rate_limited',
  'route.not_found',
  'auth.required',
  'auth.invalid_credentials',
  'auth.forbidden',
  'auth.token_not_found',
  'user.not_found',
  'user.handle_taken',
  'user.handle_reserved',
  'live.not_creator',
  'live.room_not_found',
  'social.self_follow',
  'social.not_following',
  'stream.not_found',
  'media.bad_message',
  'media.ingest_rejected',
  'media.encoder_failed',
  'chat.room_not_live',
  'chat.muted',
  'chat.banned',
  'chat.blocked_word',
  'chat.slow_mode',
  'chat.rate_limited',
  'chat.comment_not_found',
  'chat.not_moderator',
  'request.idempotency_conflict',
  'gift.unknown',
  'gift.self',
  'gift.room_offline',
  'gift.insufficient_coins',
  'wallet.withdrawal_below_minimum',
  'wallet.insufficient_diamonds',
  'wallet.withdrawal_not_found',
  'wallet.withdrawal_state',
  'payment.package_unknown',
  'payment.not_found',
  'payment.state',
  'payment.bad_signature',
  'payment.provider_error',
  'payment.provider_unavailable',
  'payment.currency_unsupported',
  'catalog.id_taken',
  'battle.not_found',
  'battle.self',
  'battle.not_live',
  'battle.creator_offline',
  'battle.busy',
  'battle.not_member',
  'battle.not_invited',
  'battle.invite_expired',
  'battle.ended',
  'battle.state',
  'battle.rematch_unavailable',
  'studio.session_not_found',
  'studio.range_invalid',
  'studio.csv_invalid',
  'internal',
  'unavailable',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      data: z.unknown().optional(),
    }),
    requestId: z.string().optional(),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBody>;
