import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bio, CreateTokenBody, DisplayName, LoginBody, Password } from './accounts.ts';
import { CommentText, ReportBody } from './chat.ts';
import { ClientFrame } from './realtime.ts';
import { isCleanText, Text } from './text.ts';

const controls = [
  ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)),
  ...Array.from({ length: 0x21 }, (_, i) => String.fromCharCode(0x7f + i)),
];

describe('user text', () => {
  it('refuses U+0000, every C0 and C1 control and lone surrogates on one line', () => {
    for (const c of controls) expect(isCleanText(`a${c}b`), JSON.stringify(c)).toBe(false);
    expect(isCleanText('a\ud800b')).toBe(false);
    expect(isCleanText('a\udc00b')).toBe(false);
    expect(isCleanText('ok 🎉 👩‍👩‍👧 日本語 ‮')).toBe(true);
  });

  it('keeps newlines and tabs only where a field allows several lines', () => {
    expect(isCleanText('line\nline\ttab', true)).toBe(true);
    expect(isCleanText('line\nline', false)).toBe(false);
    expect(isCleanText('bell\u0007', true)).toBe(false);
    expect(Bio.parse('first\r\nsecond\rthird')).toBe('first\nsecond\nthird');
  });

  it('is what every user-supplied field of the API uses', () => {
    const nul = 'x\u0000y';
    expect(DisplayName.safeParse(nul).success).toBe(false);
    expect(Bio.safeParse(nul).success).toBe(false);
    expect(Password.safeParse(`password${nul}`).success).toBe(false);
    expect(LoginBody.safeParse({ handle: nul, password: 'whatever1' }).success).toBe(false);
    expect(CreateTokenBody.safeParse({ name: nul }).success).toBe(false);
    expect(ReportBody.safeParse({ reason: nul }).success).toBe(false);
    expect(CommentText.safeParse(nul).success).toBe(false);
    const room = '00000000-0000-4000-8000-000000000000';
    expect(ClientFrame.safeParse({ type: 'comment', room, text: nul }).success).toBe(false);
    expect(ClientFrame.safeParse({ type: 'comment', room, text: 'hi', nonce: nul }).success).toBe(false);
  });

  it('accepts any string without controls, trimmed and within bounds (property)', () => {
    const field = Text({ min: 1, max: 20 });
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (s) => {
        const r = field.safeParse(s);
        const trimmed = s.trim();
        // zod bounds the length in code points, so an emoji counts once, not twice.
        const ok = isCleanText(trimmed) && trimmed.length >= 1 && [...trimmed].length <= 20;
        expect(r.success).toBe(ok);
        if (r.success) expect(r.data).toBe(trimmed);
      }),
    );
  });
});
