import { describe, expect, it } from 'vitest';
import { en, format, zh } from '../src/i18n/messages';
import { translateServerMessage } from '../src/i18n/serverMessages';

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

  it('translates known server messages into Chinese, keeps unknown ones', () => {
    expect(translateServerMessage('is required', 'zh')).toBe('必填');
    expect(translateServerMessage('must be at most 200 characters', 'zh')).toBe('最多 200 个字');
    expect(translateServerMessage('must be a mobile number (13812345678), a landline with area code (010-12345678) or a 400/800 number', 'zh')).toContain('手机号');
    expect(translateServerMessage('is not a valid unified social credit code (18 characters, GB 32100-2015 check digit)', 'zh')).toContain('统一社会信用代码');
    expect(translateServerMessage('林晓 is an analyst: analysts cannot own or collaborate on customers', 'zh')).toContain('分析员不能担任负责人或协作人');
    expect(translateServerMessage('something new', 'zh')).toBe('something new');
    expect(translateServerMessage('is required', 'en')).toBe('is required');
  });
});
