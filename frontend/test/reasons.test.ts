import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { problemText, reasonText, WORDED_REASONS } from '../src/i18n/reasons';

describe('field problems by reason', () => {
  it('words reasons with their parameters in Chinese', () => {
    const zh = (reason: string, params?: Record<string, unknown>, field?: string) =>
      problemText({ reason, params, field, message: 'server message' }, 'zh');
    expect(zh('REQUIRED')).toBe('必填');
    expect(zh('TOO_LONG', { max: 200 })).toBe('最多 200 个字');
    expect(zh('TOO_SHORT', { min: 12 })).toBe('至少 12 个字符');
    expect(zh('ID_NUMBER')).toContain('身份证');
    expect(zh('HOME_ADDRESS')).toContain('家庭住址');
    expect(zh('INVALID_PHONE')).toContain('手机号');
    expect(zh('INVALID_CREDIT_CODE')).toContain('统一社会信用代码');
    expect(zh('OUT_OF_RANGE', { min: 0, max: 100 })).toBe('须在 0 到 100 之间');
    expect(zh('OUT_OF_RANGE', { min: 0 })).toBe('不能为负数');
    expect(zh('NOT_FOUND', undefined, 'contactIds[1]')).toBe('该客户没有这个联系人');
    expect(zh('NOT_FOUND', undefined, 'dealId')).toContain('成交记录');
    expect(zh('SELF_CHANGE', undefined, 'input.disabled')).toBe('不能停用自己的账号');
    expect(zh('UNKNOWN_FIELD', { name: 'foo', pos: 8 })).toBe('没有“foo”这个字段（要搜索这段文字，请加上引号）');
    expect(zh('UNCLOSED_PAREN', { open: 3 })).toBe('缺少“)”，与第 3 个字符处的“(”配对');
    expect(zh('NOT_A_VALUE', { value: 'Z', field: 'tier', choices: 'A, B, C' })).toBe('Z 不是有效的 tier，可选：A, B, C');
    expect(zh('UNKNOWN_USER', { value: '王小磊', pos: 7 })).toBe('没有 id、邮箱或姓名为“王小磊”的用户');
    expect(zh('AMBIGUOUS_USER', { value: '李娜', ids: ['u2', 'u3'] })).toBe('有多名用户叫“李娜”：请改用其中一位的邮箱或 id（u2、u3）');
  });

  it("names an import cell's value before the wording, and the phone it kept", () => {
    const text = (lang: 'zh' | 'en', reason: string, params: Record<string, unknown>) =>
      problemText({ reason, params, message: 'server message' }, lang);
    expect(text('zh', 'INVALID_PHONE', { value: '12345' })).toBe('“12345”：请输入手机号（13812345678）、带区号的座机（010-12345678）或 400/800 号码');
    expect(text('en', 'INVALID_PHONE', { value: '12345' })).toBe(
      '"12345": must be a mobile number (13812345678), a landline with area code (010-12345678) or a 400/800 number',
    );
    expect(text('zh', 'INVALID_DATE', { value: '2023-02-30' })).toBe('“2023-02-30”：日期格式应为 YYYY-MM-DD');
    expect(text('zh', 'ID_NUMBER', { value: 'never sent' })).not.toContain('never sent');
    expect(text('zh', 'NOT_ALLOWED_VALUE', { value: 'Z' })).toBe('“Z”不是允许的取值'); // its wording names it already
    expect(text('zh', 'TOO_MANY', { kept: '13812345678', value: '0571-88886666' })).toBe(
      '一个联系人只保留一个电话：保留 13812345678，0571-88886666 未导入',
    );
    expect(text('zh', 'TOO_MANY', { max: 100 })).toBe('数量已达上限（最多 100 个）');
    expect(problemText({ reason: 'REQUIRED', field: 'name', params: { value: 'C209901099' }, message: 'no customer has C209901099' }, 'zh')).toBe(
      '没有编号或信用代码为“C209901099”的客户：新建客户需要填写客户名称',
    );
    expect(problemText({ reason: 'REQUIRED', field: 'name', params: { value: 'C209901099' }, message: 'no customer has C209901099' }, 'en')).toBe(
      'no customer has C209901099',
    );
    expect(problemText({ reason: 'REQUIRED', field: 'name', message: 'is required' }, 'zh')).toBe('必填');
  });

  it('falls back to the server message for unknown reasons and missing parameters', () => {
    expect(problemText({ reason: 'SOMETHING_NEW', message: 'something new' }, 'zh')).toBe('something new');
    expect(problemText({ message: 'no reason at all' }, 'zh')).toBe('no reason at all');
    expect(problemText({ reason: 'TOO_LONG', message: 'must be at most 30 characters' }, 'zh')).toBe('must be at most 30 characters');
    expect(problemText({ reason: 'INVALID', message: 'is odd' }, 'zh')).toBe('is odd');
    expect(problemText({ reason: 'INVALID_QUERY', message: 'the query is too long' }, 'zh')).toBe('the query is too long');
  });

  it('words reasons in English too, else keeps the English message', () => {
    expect(problemText({ reason: 'TOO_LONG', params: { max: 80 }, message: 'x' }, 'en')).toBe('must be at most 80 characters');
    expect(problemText({ reason: 'TOO_MANY', params: { max: 100 }, message: 'a customer has at most 100 contacts' }, 'en')).toBe(
      'a customer has at most 100 contacts',
    );
    expect(reasonText('REQUIRED', 'en')).toBe('is required');
    expect(reasonText('REQUIRED', 'zh')).toBe('必填');
  });

  it('words every reason the API documents', () => {
    // docs/API.md lists the reasons in a table: `| `REASON` | ...`.
    const doc = readFileSync(new URL('../../docs/API.md', import.meta.url), 'utf8');
    const section = doc.split('### Field errors: reasons')[1]?.split(/\n#/)[0] ?? '';
    const documented = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.length).toBeGreaterThan(20);
    const unworded = documented.filter((r) => r && !WORDED_REASONS.includes(r) && !['INVALID', 'INVALID_FILTER', 'INVALID_QUERY'].includes(r));
    expect(unworded).toEqual([]);
  });
});
