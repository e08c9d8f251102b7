import { describe, expect, it } from 'vitest';
import { en, format, zh } from '../src/i18n/messages';

describe('UI texts', () => {
  it('has the same keys and parameters in both languages', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    const params = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const k of Object.keys(zh) as (keyof typeof zh)[]) {
      expect(en[k].trim(), k).not.toBe('');
      expect(params(en[k]), k).toEqual(params(zh[k]));
    }
  });

  it('fills parameters', () => {
    expect(format('共 {n} 个客户', { n: 12 })).toBe('共 12 个客户');
    expect(format('{a} {b}', { a: 'x' })).toBe('x {b}');
  });

});
