import { describe, expect, it } from 'vitest';
import { toApiError } from '../src/api/errors';
import { errorText } from '../src/lib/errorText';
import { dictionaries, format, type MessageKey } from '../src/i18n/messages';
import { problemText, type Problem } from '../src/i18n/reasons';

const i18n = {
  t: (k: MessageKey, p?: Record<string, string | number>) => format(dictionaries.zh[k], p),
  problemText: (p: Problem) => problemText(p, 'zh'),
};

describe('API errors', () => {
  it('reads code and every field problem', () => {
    const e = toApiError({
      message: 'input.name: is required (and 1 more)',
      extensions: {
        code: 'BAD_USER_INPUT',
        field: 'input.name',
        fields: [
          { field: 'input.name', message: 'is required' },
          { field: 'input.contacts[0].phone', message: 'must be a mobile number' },
        ],
      },
    });
    expect(e.code).toBe('BAD_USER_INPUT');
    expect(e.fields.map((f) => f.field)).toEqual(['input.name', 'input.contacts[0].phone']);
  });

  it('reads each field reason and parameters and words the first by reason', () => {
    const e = toApiError({
      message: 'input.name: must be at most 200 characters',
      extensions: {
        code: 'BAD_USER_INPUT',
        field: 'input.name',
        reason: 'TOO_LONG',
        fields: [
          { field: 'input.name', message: 'must be at most 200 characters', reason: 'TOO_LONG', params: { max: 200 } },
          { field: 'input.notes', message: 'must not contain a resident ID number', reason: 'ID_NUMBER' },
          { field: 'input.x', message: 'something new', reason: 'SOMETHING_NEW', params: 'not an object' },
        ],
      },
    });
    expect(e.fields[0]).toEqual({ field: 'input.name', message: 'must be at most 200 characters', reason: 'TOO_LONG', params: { max: 200 } });
    expect(e.fields[2]).toEqual({ field: 'input.x', message: 'something new', reason: 'SOMETHING_NEW' });
    expect(errorText(e, i18n)).toBe(`${dictionaries.zh['error.badInput']} name: 最多 200 个字`);
  });

  it('shows why a request without a field was refused', () => {
    const e = toApiError({
      message: 'the response is larger than the limit of 8.0 MiB; ask for fewer items',
      extensions: { code: 'BAD_USER_INPUT', reason: 'RESPONSE_TOO_LARGE' },
    });
    expect(errorText(e, i18n)).toBe(`${dictionaries.zh['error.badRequest']} the response is larger than the limit of 8.0 MiB; ask for fewer items`);
  });

  it('tells a version conflict from a taken unique value', () => {
    expect(toApiError({ message: 'changed', extensions: { code: 'CONFLICT' } }).isVersionConflict).toBe(true);
    const unique = toApiError({
      message: 'taken',
      extensions: { code: 'CONFLICT', field: 'input.creditCode', fields: [{ field: 'input.creditCode', message: 'is already used by another record' }] },
    });
    expect(unique.isVersionConflict).toBe(false);
  });

  it('shows INTERNAL errors with the request id, never the raw text', () => {
    const e = toApiError({ message: 'internal error; quote request id 76da1d954a2ff263 when reporting it', extensions: { code: 'INTERNAL' } });
    expect(e.requestId).toBe('76da1d954a2ff263');
    const text = errorText(e, i18n);
    expect(text).toContain('76da1d954a2ff263');
    expect(text).not.toContain('internal error;');
    expect(toApiError({ message: 'x', extensions: { code: 'INTERNAL', requestId: 'abc' } }).requestId).toBe('abc');
    expect(toApiError({ message: 'boom' }, 'hdr1').requestId).toBe('hdr1');
  });

  it('explains a full disk (UNAVAILABLE, reason DISK_FULL)', () => {
    const e = toApiError({ message: "the server's disk is full", extensions: { code: 'UNAVAILABLE' } });
    expect(e.code).toBe('UNAVAILABLE');
    expect(errorText(e, i18n)).toBe(dictionaries.zh['error.diskFull']);
  });

  it('maps unknown codes to INTERNAL and any other failure to a friendly sentence', () => {
    expect(toApiError({ message: 'x', extensions: { code: 'WHATEVER' } }).code).toBe('INTERNAL');
    expect(errorText(new TypeError('undefined is not a function'), i18n)).toBe(dictionaries.zh['error.page']);
  });
});
