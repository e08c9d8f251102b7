import { describe, expect, it } from 'vitest';
import dayjs from 'dayjs';
import { formToInteractionInput, formToInteractionPatch, interactionChanges, interactionToForm, type LoadedInteraction } from '../src/lib/interactionForm';
import { mapFieldProblems, toFormPath, knownNames } from '../src/lib/fieldPath';

const loaded: LoadedInteraction = {
  at: '2026-11-20T10:00:00+08:00',
  channel: 'PHONE',
  summary: '电话沟通报价',
  feedback: '',
  result: '',
  keyEvent: null,
  durationMin: 15,
  contactIds: ['c1'],
  participants: [{ id: 'u1' }],
  nextAction: { what: '发送报价单', due: null, done: false, owner: { id: 'u1' } },
};

describe('interaction form', () => {
  it('sends nothing when nothing changed', () => {
    const base = interactionToForm(loaded);
    expect(formToInteractionPatch(interactionToForm(loaded), base)).toEqual({});
  });

  it('ticks the next action off with nextActionDone alone', () => {
    const base = interactionToForm(loaded);
    const v = interactionToForm(loaded);
    v.nextAction = { ...v.nextAction, done: true };
    expect(formToInteractionPatch(v, base)).toEqual({ nextActionDone: true });
  });

  it('replaces the next action when its text or owner changes, keeping done', () => {
    const base = interactionToForm({ ...loaded, nextAction: { ...loaded.nextAction!, done: true } });
    const v = { ...base, nextAction: { ...base.nextAction, what: ' 发送正式报价单 ', ownerId: 'u2' } };
    expect(formToInteractionPatch(v, base)).toEqual({ nextAction: { what: '发送正式报价单', due: null, ownerId: 'u2', done: true } });
  });

  it('sends changed texts (emptied ones as empty strings) and contacts', () => {
    const base = interactionToForm({ ...loaded, feedback: '还在比较' });
    const v = { ...base, summary: '上门拜访', feedback: '', contactIds: ['c2', 'c1'], channel: 'VISIT' as const };
    expect(formToInteractionPatch(v, base)).toEqual({ summary: '上门拜访', feedback: '', contactIds: ['c2', 'c1'], channel: 'VISIT' });
  });

  it('clears the key event only when the user emptied it', () => {
    const base = interactionToForm({ ...loaded, keyEvent: 'COMPLAINT' });
    expect(formToInteractionPatch({ ...base, keyEvent: null }, base)).toEqual({ clearKeyEvent: true });
    expect(formToInteractionPatch({ ...base }, base)).toEqual({});
    const none = interactionToForm(loaded);
    expect(formToInteractionPatch({ ...none, keyEvent: null }, none)).toEqual({});
  });

  it('clears the next action only when the user emptied its text', () => {
    const base = interactionToForm(loaded);
    expect(formToInteractionPatch({ ...base, nextAction: { ...base.nextAction, what: '  ' } }, base)).toEqual({ clearNextAction: true });
    expect(formToInteractionPatch({ ...base, nextAction: {} }, base)).toEqual({ clearNextAction: true });
    const none = interactionToForm({ ...loaded, nextAction: null });
    expect(formToInteractionPatch({ ...none, nextAction: { what: '', ownerId: 'u2' } }, none)).toEqual({});
  });

  it('sends the participants as a whole list when the set changed, never an empty one', () => {
    const base = interactionToForm({ ...loaded, participants: [{ id: 'u1' }, { id: 'u2' }] });
    expect(formToInteractionPatch({ ...base, participants: ['u2', 'u1'] }, base)).toEqual({});
    expect(formToInteractionPatch({ ...base, participants: ['u2', 'u3'] }, base)).toEqual({ participants: ['u2', 'u3'] });
    expect(formToInteractionPatch({ ...base, participants: [] }, base)).toEqual({});
  });

  it('names the fields someone else changed', () => {
    const base = interactionToForm(loaded);
    const fresh = interactionToForm({ ...loaded, summary: '别人改了', nextAction: { ...loaded.nextAction!, done: true } });
    expect(interactionChanges(base, fresh)).toEqual(['summary', 'nextAction']);
  });

  it('builds a new interaction with participants and a next-action owner', () => {
    const input = formToInteractionInput({
      at: null,
      channel: 'VISIT',
      summary: ' 拜访 ',
      feedback: '',
      result: '',
      keyEvent: null,
      durationMin: null,
      contactIds: [],
      participants: ['u1', 'u2'],
      nextAction: { what: '回访', due: dayjs('2026-12-01T09:00:00+08:00'), ownerId: 'u2' },
    });
    expect(input.summary).toBe('拜访');
    expect(input.participants).toEqual(['u1', 'u2']);
    expect(input.nextAction?.ownerId).toBe('u2');
    expect(input.nextAction?.due).toMatch(/^2026-12-01T/);
  });
});

describe('error paths of corrections', () => {
  it('keeps the record ids of corrections as top-level arguments', () => {
    expect(toFormPath('dealId')).toEqual(['dealId']);
    expect(toFormPath('interactionId')).toEqual(['interactionId']);
    expect(toFormPath('resultId')).toEqual(['resultId']);
    expect(toFormPath('input.amount')).toEqual(['amount']);
  });

  it('puts input.amount on the amount field and dealId in the general alert', () => {
    const res = mapFieldProblems(
      [
        { field: 'input.amount', message: 'must not be negative' },
        { field: 'dealId', message: 'no such deal on this customer' },
      ],
      knownNames(['product', 'amount', 'date', 'note']),
    );
    expect(res.fields).toEqual([{ name: ['amount'], problems: [{ field: 'input.amount', message: 'must not be negative' }] }]);
    expect(res.other.map((o) => o.field)).toEqual(['dealId']);
  });
});
