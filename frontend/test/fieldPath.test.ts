import { describe, expect, it } from 'vitest';
import { knownNames, mapFieldProblems, parseFieldPath, toFormPath } from '../src/lib/fieldPath';
import { CONTACT_FIELDS, PROFILE_FIELDS } from '../src/lib/customerForm';

describe('error path to form field', () => {
  it('parses dotted and indexed paths', () => {
    expect(parseFieldPath('input.contacts[0].phone')).toEqual(['input', 'contacts', 0, 'phone']);
    expect(parseFieldPath('input.name')).toEqual(['input', 'name']);
    expect(parseFieldPath('i.nextAction.due')).toEqual(['i', 'nextAction', 'due']);
    expect(parseFieldPath('contactIds[12]')).toEqual(['contactIds', 12]);
  });

  it('drops the argument name, keeps top-level arguments', () => {
    expect(toFormPath('input.contacts[0].phone')).toEqual(['contacts', 0, 'phone']);
    expect(toFormPath('input.name')).toEqual(['name']);
    expect(toFormPath('i.amount')).toEqual(['amount']);
    expect(toFormPath('currentPassword')).toEqual(['currentPassword']);
    expect(toFormPath('newPassword')).toEqual(['newPassword']);
    expect(toFormPath('')).toEqual([]);
  });

  it('splits problems into field errors and the rest', () => {
    const known = knownNames([...PROFILE_FIELDS], { contacts: CONTACT_FIELDS });
    const res = mapFieldProblems(
      [
        { field: 'input.name', message: 'is required' },
        { field: 'input.contacts[0].phone', message: 'must be a mobile number' },
        { field: 'input.contacts[0].phone', message: 'second problem' },
        { field: 'input.creditCode', message: 'is not a valid unified social credit code' },
        { field: 'contactId', message: 'no such contact on this customer' },
        { field: 'input.contacts[0].nickname', message: 'unknown field' },
      ],
      known,
    );
    expect(res.fields.map((f) => ({ name: f.name, errors: f.problems.map((p) => p.message) }))).toEqual([
      { name: ['name'], errors: ['is required'] },
      { name: ['contacts', 0, 'phone'], errors: ['must be a mobile number', 'second problem'] },
      { name: ['creditCode'], errors: ['is not a valid unified social credit code'] },
    ]);
    expect(res.other.map((o) => o.field)).toEqual(['contactId', 'input.contacts[0].nickname']);
  });

  it('renames API fields to form fields', () => {
    const known = knownNames(['nextWhat', 'nextDue']);
    const res = mapFieldProblems([{ field: 'input.nextAction.due', message: 'bad' }], known, (n) =>
      n[0] === 'nextAction' ? [n[1] === 'due' ? 'nextDue' : 'nextWhat'] : n,
    );
    expect(res.fields).toEqual([{ name: ['nextDue'], problems: [{ field: 'input.nextAction.due', message: 'bad' }] }]);
  });
});
