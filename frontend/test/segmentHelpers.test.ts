import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/errors';
import { queryProblem, splitAt } from '../src/lib/segment/queryProblem';
import { exportColumns, exportHref } from '../src/lib/segment/exportLinks';

describe('query line problems', () => {
  it('reads the position and the message of a parse error', () => {
    const e = new ApiError('BAD_USER_INPUT', 'query: at 6: "X" is not a tier', [{ field: 'query', message: 'at 6: "X" is not a tier: expected one of A, B, C' }]);
    expect(queryProblem(e)).toEqual({ pos: 6, message: '"X" is not a tier: expected one of A, B, C' });
  });

  it('keeps a message without a position, ignores other errors', () => {
    expect(queryProblem(new ApiError('BAD_USER_INPUT', 'x', [{ field: 'query', message: 'owner:me needs a signed-in user' }]))).toEqual({
      pos: null,
      message: 'owner:me needs a signed-in user',
    });
    expect(queryProblem(new ApiError('BAD_USER_INPUT', 'x', [{ field: 'where.stage.in', message: 'must not be empty' }]))).toBeNull();
    expect(queryProblem(new ApiError('NETWORK', 'down'))).toBeNull();
    expect(queryProblem(new Error('x'))).toBeNull();
  });

  it('splits the line at a position counted in characters', () => {
    expect(splitAt('tier:X owner:me', 6)).toEqual({ before: 'tier:', at: 'X', after: ' owner:me', offset: 5 });
    // past the end: a space to underline, the caret at the end
    expect(splitAt('tier:A (', 9)).toEqual({ before: 'tier:A (', at: ' ', after: '', offset: 8 });
    // characters outside the BMP count once (the server counts code points)
    expect(splitAt('"😀" tier:X', 10)).toEqual({ before: '"😀" tier:', at: 'X', after: '', offset: 10 });
    expect(splitAt('标签:x (', 1).at).toBe('标');
  });
});

describe('export links', () => {
  it('passes the visible columns when the export knows each of them', () => {
    expect(exportColumns(['code', 'name', 'region', 'totalAmount'])).toBe('code,name,province,city,totalAmount');
    expect(exportColumns(['code', 'somethingNew'])).toBeNull();
    expect(exportColumns([])).toBeNull();
  });

  it('builds the links with the query line', () => {
    expect(exportHref('csv', 'tier:A,B visits(90d):>=3', 'code,name')).toBe('/export/customers.csv?query=tier%3AA%2CB+visits%2890d%29%3A%3E%3D3&columns=code%2Cname');
    expect(exportHref('xlsx', '  ', null)).toBe('/export/customers.xlsx');
    // The list's scope and order go along, so the file has the rows in the order on screen.
    expect(exportHref('csv', 'tier:A', null, { scope: 'ARCHIVED', orderBy: 'STAGE', desc: true })).toBe(
      '/export/customers.csv?query=tier%3AA&scope=ARCHIVED&orderBy=STAGE&desc=true',
    );
    expect(exportHref('csv', '', null, { scope: 'ACTIVE', orderBy: 'CODE', desc: false })).toBe('/export/customers.csv?orderBy=CODE');
  });
});
