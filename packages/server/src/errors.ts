import type { ErrorCode } from '@onair/protocol';

/** An error a client caused or may see: a stable code, an HTTP status, a message people can read. */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    public readonly code: ErrorCode,
    public readonly status: number,
    message: string,
    public readonly data?: unknown,
  ) {
    super(message);
  }
}

export const badRequest = (code: ErrorCode, message: string, data?: unknown) =>
  new AppError(code, 400, message, data);
export const unauthorized = (code: ErrorCode, message: string) => new AppError(code, 401, message);
export const forbidden = (message = 'You are not allowed to do that.') =>
  new AppError('auth.forbidden', 403, message);
export const notFound = (code: ErrorCode, message: string) => new AppError(code, 404, message);
export const conflict = (code: ErrorCode, message: string, data?: unknown) =>
  new AppError(code, 409, message, data);
