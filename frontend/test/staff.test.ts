import { describe, expect, it } from 'vitest';
import { assigneeOptions, staffOption } from '../src/lib/staff';

const wang = { id: 'u1', name: '王销售', email: 'wang@kehu.local', assignable: true };
const lin = { id: 'u2', name: '林分析', email: '', assignable: false };
const zhao = { id: 'u3', name: '赵客服', email: '', assignable: true };

describe('staffOption', () => {
  it('shows the e-mail only when the server gave it', () => {
    expect(staffOption(wang).label).toBe('王销售 (wang@kehu.local)');
    expect(staffOption(zhao).label).toBe('赵客服');
  });
});

describe('assigneeOptions', () => {
  it('offers assignable colleagues only', () => {
    expect(assigneeOptions([wang, lin, zhao], {}).map((o) => o.value)).toEqual(['u1', 'u3']);
  });
  it('keeps people already chosen, even when no longer assignable or on the staff list', () => {
    const opts = assigneeOptions([wang, lin], { u2: '林分析', u9: '已离职' });
    expect(opts).toEqual([
      { value: 'u1', label: '王销售 (wang@kehu.local)' },
      { value: 'u2', label: '林分析' },
      { value: 'u9', label: '已离职' },
    ]);
  });
});
