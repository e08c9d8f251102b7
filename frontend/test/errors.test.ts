import { describe, expect, it } from 'vitest';
import { toApiError } from '../src/api/errors';
import { errorText } from '../src/lib/errorText';
import { dictionaries, format, type MessageKey } from '../src/i18n/messages';
import { translateServerMessage } from '../src/i18n/serverMessages';

const i18n = {
  t: (k: MessageKey, p?: Record<string, string | number>) => format(dictionaries.zh[k], p),
  serverText: (m: string) => translateServerMessage(m, 'zh'),
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
