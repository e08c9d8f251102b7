import { describe, expect, it } from 'vitest';
import { contactToReach, telHref } from '../src/lib/reach';

describe('telHref', () => {
  const cases: [string, string | null][] = [
    ['13812345678', 'tel:13812345678'],
    ['138 1234 5678', 'tel:13812345678'],
    ['+86 138-1234-5678', 'tel:+8613812345678'],
    ['0571-88886666', 'tel:057188886666'],
    ['(010) 1234 5678 转 801', 'tel:01012345678,801'],
    ['021-5555 6666 ext. 12', 'tel:02155556666,12'],
    ['138****5678', null], // masked: never dialled
    ['', null],
    ['无', null],
  ];
  it.each(cases)('%s', (phone, want) => {
    expect(telHref(phone)).toBe(want);
  });
});

describe('contactToReach', () => {
  const c = (name: string, primary: boolean, phone = '', wechat = '') => ({ name, primary, phone, wechat });
  it('takes the primary contact', () => {
    expect(contactToReach([c('甲', false, '1'), c('乙', true)])?.name).toBe('乙');
  });
  it('else the first that can be reached', () => {
    expect(contactToReach([c('甲', false), c('乙', false, '', 'wx_yi')])?.name).toBe('乙');
  });
  it('else the first, or none', () => {
    expect(contactToReach([c('甲', false)])?.name).toBe('甲');
    expect(contactToReach([])).toBeNull();
  });
});
