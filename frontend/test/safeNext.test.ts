import { describe, expect, it } from 'vitest';
import { DEFAULT_NEXT, safeNext } from '../src/auth/safeNext';

describe('safeNext', () => {
  it('keeps same-app paths', () => {
    for (const [next, want] of [
      ['/customers', '/customers'],
      ['/customers/C202611001', '/customers/C202611001'],
      ['/customers?q=tier%3AA&sort=name#top', '/customers?q=tier%3AA&sort=name#top'],
      ['/segments/abc?x=%E5%AE%A2%E6%88%B7', '/segments/abc?x=%E5%AE%A2%E6%88%B7'],
      ['/customers/../users', '/users'],
      ['/customers?q=50%25', '/customers?q=50%25'],
      ['/customers?q=%E0%A4%A', '/customers?q=%E0%A4%A'],
    ]) {
      expect(safeNext(next), next).toBe(want);
    }
  });

  it('refuses everything that could leave the app', () => {
    const attacks = [
      null,
      undefined,
      '',
      'customers',
      'https://evil.example/',
      'http:evil.example',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      '//evil.example',
      '///evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      '/\\/evil.example',
      '/customers\\..\\..\\evil',
      '/\t/evil.example',
      '/\n/evil.example',
      '/\r\n/evil.example',
      '/\u0000/evil.example',
      '/\u007f',
      '/\u2028/evil.example',
      ' //evil.example',
      '/%2F/evil.example',
      '/%2f%2fevil.example',
      '%2F%2Fevil.example',
      '/%5Cevil.example',
      '/%5C%5Cevil.example',
      '/%252F%252Fevil.example',
      '/%25252F%25252Fevil.example',
      '/%09/evil.example',
      '/%0d%0a/evil.example',
      '/.//evil.example',
      '/a/..//evil.example',
      '/%2e//evil.example',
      '/login',
      '/login?next=//evil.example',
      '/' + 'a'.repeat(3000),
    ];
    for (const next of attacks) {
      expect(safeNext(next as string | null), JSON.stringify(next)).toBe(DEFAULT_NEXT);
    }
  });

  it('answers paths that resolve on this origin only', () => {
    // A property check over generated two-character prefixes: whatever is
    // accepted resolves to a path on the app's own origin.
    const chars = ['/', '\\', '%', '2', 'F', '5', 'C', '\t', ' ', ':', '@', '.', 'a', '?', '#'];
    for (const a of chars) {
      for (const b of chars) {
        for (const c of chars) {
          const next = '/' + a + b + c + 'evil.example';
          const got = safeNext(next);
          const url = new URL(got, 'https://kehu.test');
          expect(url.origin, next).toBe('https://kehu.test');
          expect(got.startsWith('//') || got.includes('\\'), next).toBe(false);
        }
      }
    }
  });
});
