import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64UrlToBytes } from './push-client.ts';

describe('base64UrlToBytes', () => {
  it('decodes what base64url encoding made, at every padding length', () => {
    for (const length of [65, 64, 63, 16, 1, 0]) {
      const bytes = randomBytes(length);
      expect(Buffer.from(base64UrlToBytes(bytes.toString('base64url')))).toEqual(bytes);
    }
  });
});
