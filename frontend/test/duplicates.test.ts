import { describe, expect, it } from 'vitest';
import { duplicateInput, duplicateKey } from '../src/lib/duplicates';

describe('duplicateInput', () => {
  it('collects the name, credit code and distinct contact phones, trimmed', () => {
    expect(
      duplicateInput({ name: ' 杭州云栖科技 ', creditCode: ' 91350100M000100Y43', contacts: [{ phone: '138 1234 5678' }, { phone: '' }, {}, { phone: '138 1234 5678 ' }] }),
    ).toEqual({ name: '杭州云栖科技', creditCode: '91350100M000100Y43', phones: ['138 1234 5678'] });
  });
  it('is null when there is nothing to match on', () => {
    expect(duplicateInput({ name: '  ', creditCode: '', contacts: [{ phone: ' ' }] })).toBeNull();
    expect(duplicateInput({})).toBeNull();
  });
  it('keeps within the API limits', () => {
    const input = duplicateInput({
      name: '名'.repeat(250),
      creditCode: '9'.repeat(51),
      contacts: [...Array(30).keys()].map((i) => ({ phone: `1380000${String(i).padStart(4, '0')}` })).concat([{ phone: '1'.repeat(51) }]),
    });
    expect(input?.name).toHaveLength(200);
    expect(input?.creditCode).toBe('');
    expect(input?.phones).toHaveLength(20);
  });
});

describe('duplicateKey', () => {
  it('changes with any matched value and ignores the rest', () => {
    const a = duplicateKey(duplicateInput({ name: 'A', contacts: [{ phone: '13812345678' }] }));
    expect(duplicateKey(duplicateInput({ name: 'A', creditCode: '', contacts: [{ phone: '13812345678' }] }))).toBe(a);
    expect(duplicateKey(duplicateInput({ name: 'B', contacts: [{ phone: '13812345678' }] }))).not.toBe(a);
    expect(duplicateKey(duplicateInput({ name: 'A', contacts: [{ phone: '13812345679' }] }))).not.toBe(a);
    expect(duplicateKey(null)).toBe('');
  });
});
