// The rules editor's mapping between the form and the API (pages/rules/RulesEditor.tsx).
import { describe, expect, it } from 'vitest';
import { ruleFieldName, toInput, toValues } from '../src/pages/rules/RulesEditor';
import { toFormPath } from '../src/lib/fieldPath';

describe('rules editor', () => {
  it('sends empty values as setting nothing', () => {
    expect(toInput({ name: '其余', when: '  ', priority: 10, valueTier: 'C', addTags: [] })).toEqual({
      name: '其余',
      when: null,
      priority: 10,
      then: { valueTier: 'C', lifecycle: null, cadenceDays: null, addTags: [], removeTags: [] },
    });
  });

  it('edits a rule as the API gives it, and gives it back', () => {
    const rule = {
      name: 'A 类',
      when: 'deals.sum(date:<=12m):>=500000',
      priority: 30,
      then: { valueTier: 'A' as const, lifecycle: null, cadenceDays: 7, addTags: ['重点'], removeTags: [] },
    };
    expect(toInput(toValues(rule))).toEqual(rule);
  });

  it.each([
    ['rules[2].when', ['rules', 2, 'when']],
    ['rules[0].name', ['rules', 0, 'name']],
    ['rules[1].then.cadenceDays', ['rules', 1, 'cadenceDays']],
    ['rules[0].then.addTags[0]', ['rules', 0, 'addTags']],
    ['rules', ['rules']],
  ])('puts the problem of %s on %j', (field, name) => {
    expect(ruleFieldName(toFormPath(field))).toEqual(name);
  });
});
