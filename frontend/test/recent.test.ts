import { describe, expect, it } from 'vitest';
import { parseRecent, pushRecent, RECENT_MAX } from '../src/lib/recent';

describe('recently viewed customers', () => {
  it('puts the newest first, once, and keeps at most RECENT_MAX', () => {
    let l = pushRecent([], { code: 'C1', name: 'a' });
    l = pushRecent(l, { code: 'C2', name: 'b' });
    l = pushRecent(l, { code: 'C1', name: 'a (renamed)' });
    expect(l).toEqual([
      { code: 'C1', name: 'a (renamed)' },
      { code: 'C2', name: 'b' },
    ]);
    for (let i = 0; i < 30; i++) l = pushRecent(l, { code: `X${i}`, name: `x${i}` });
    expect(l).toHaveLength(RECENT_MAX);
    expect(l[0]?.code).toBe('X29');
  });

  it.each([null, '', 'not json', '{}', '[1,2]', '[{"code":""}]', '[{"code":1,"name":"x"}]'])('drops a malformed stored value %j', (raw) => {
    expect(parseRecent(raw)).toEqual([]);
  });

  it('keeps the well-formed entries of a stored list', () => {
    expect(parseRecent('[{"code":"C1","name":"a"},{"x":1}]')).toEqual([{ code: 'C1', name: 'a' }]);
  });
});
