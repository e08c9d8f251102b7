import { describe, expect, it } from 'vitest';
import dayjs from 'dayjs';
import { satisfactionPatch, satisfactionToForm } from '../src/lib/satisfactionForm';

const loaded = { score: 90, at: '2026-11-20T10:00:00+08:00', comment: '响应及时' };

describe('satisfaction correction', () => {
  it('sends nothing when nothing changed', () => {
    expect(satisfactionPatch(satisfactionToForm(loaded), satisfactionToForm(loaded))).toEqual({});
  });

  it('sends only the changed score', () => {
    const base = satisfactionToForm(loaded);
    expect(satisfactionPatch({ ...base, score: 75 }, base)).toEqual({ score: 75 });
  });

  it('sends a score of 0 (not taken for empty)', () => {
    const base = satisfactionToForm(loaded);
    expect(satisfactionPatch({ ...base, score: 0 }, base)).toEqual({ score: 0 });
  });

  it('leaves out an emptied score and time', () => {
    const base = satisfactionToForm(loaded);
    expect(satisfactionPatch({ ...base, score: null, at: null }, base)).toEqual({});
  });

  it('trims the comment and sends an emptied one as an empty string', () => {
    const base = satisfactionToForm(loaded);
    expect(satisfactionPatch({ ...base, comment: ' 响应及时 ' }, base)).toEqual({});
    expect(satisfactionPatch({ ...base, comment: '' }, base)).toEqual({ comment: '' });
    expect(satisfactionPatch({ ...base, comment: ' 还需改进 ' }, base)).toEqual({ comment: '还需改进' });
  });

  it('sends a time moved to another minute, not one within the same minute', () => {
    const base = satisfactionToForm(loaded);
    expect(satisfactionPatch({ ...base, at: base.at!.add(20, 'second') }, base)).toEqual({});
    const moved = dayjs('2026-11-19T09:30:00+08:00');
    const p = satisfactionPatch({ ...base, at: moved }, base);
    expect(Object.keys(p)).toEqual(['at']);
    expect(dayjs(p.at!).isSame(moved)).toBe(true);
  });
});
