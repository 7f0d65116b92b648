import { AppError } from '../errors.ts';

/** Opaque keyset cursor over (created_at, id): stable under inserts, unlike OFFSET. */
export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [iso, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const createdAt = new Date(iso);
    if (Number.isNaN(createdAt.getTime()) || typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id)) throw 0;
    return { createdAt, id };
  } catch {
    throw new AppError('request.invalid', 400, 'Malformed cursor.');
  }
}
