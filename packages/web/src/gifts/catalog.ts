import type { Gift } from '@onair/protocol';
import { api } from '../app/api.ts';

/** The catalog changes rarely: one request per page load, retried after a failure. */
let cached: Promise<Gift[]> | null = null;

export function giftCatalog(): Promise<Gift[]> {
  if (!cached)
    cached = api.giftCatalog().catch((err: unknown) => {
      cached = null;
      throw err;
    });
  return cached;
}
