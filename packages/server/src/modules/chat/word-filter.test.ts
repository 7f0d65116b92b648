import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limit.ts';
import { containsBannedWord, mentionsIn } from './word-filter.ts';

describe('containsBannedWord', () => {
  it('matches whole words, any case, and phrases', () => {
    expect(containsBannedWord('You are a SCAM artist', ['scam'])).toBe('scam');
    expect(containsBannedWord('scamming is different', ['scam'])).toBeNull();
    expect(containsBannedWord('buy followers now', ['buy followers'])).toBe('buy followers');
    expect(containsBannedWord('anything', [])).toBeNull();
    expect(containsBannedWord('Ｓｃａｍ', ['scam'])).toBe('scam');
  });
});

describe('mentionsIn', () => {
  it('finds @handles, lowercased, without trailing dots or e-mail addresses', () => {
    expect(mentionsIn('hi @Ana and @ben_1. not me@mail.com')).toEqual(['ana', 'ben_1']);
    expect(mentionsIn('@a @bb')).toEqual(['bb']);
  });
});

describe('createRateLimiter', () => {
  it('allows a burst, then one per refill interval', () => {
    let t = 0;
    const limit = createRateLimiter(3, 2, () => t);
    expect([limit.take('u'), limit.take('u'), limit.take('u')]).toEqual([0, 0, 0]);
    expect(limit.take('u')).toBe(500);
    t = 499;
    expect(limit.take('u')).toBeGreaterThan(0);
    t = 1000;
    expect(limit.take('u')).toBe(0);
    expect(limit.take('other')).toBe(0);
  });
});
