import { describe, expect, it } from 'vitest';
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
