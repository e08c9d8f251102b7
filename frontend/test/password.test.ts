import { describe, expect, it } from 'vitest';
import { temporaryPassword } from '../src/lib/password';

describe('temporaryPassword', () => {
  it('has 16 characters without look-alikes', () => {
    for (let i = 0; i < 200; i++) {
      const pw = temporaryPassword();
      expect(pw).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{16}$/);
    }
  });
  it('differs every time', () => {
    const seen = new Set(Array.from({ length: 100 }, () => temporaryPassword()));
    expect(seen.size).toBe(100);
  });
  it('skips bytes that would bias the choice', () => {
    // 255 is above the largest multiple of the alphabet's size: never used.
    let calls = 0;
    const pw = temporaryPassword(4, (b) => b.fill(calls++ === 0 ? 255 : 0));
    expect(pw).toBe('aaaa');
  });
});
