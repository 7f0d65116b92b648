import type { ErrorCode } from '@onair/protocol';

/** A coded error from an OnAir server (or `network` when none answered). */
export class OnAirError extends Error {
  override name = 'OnAirError';
  constructor(
    public readonly code: ErrorCode | 'network' | 'protocol',
    public readonly status: number,
    message: string,
    public readonly data?: unknown,
    public readonly requestId?: string,
  ) {
    super(message);
  }
}
