// The GraphQL multipart request the import page sends
// (github.com/jaydenseric/graphql-multipart-request-spec): the server reads
// "operations", then "map", then the files, and refuses a request without
// its preflight header (CSRF).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { multipartRequest, upload } from '../src/api/client';
import { ApiError } from '../src/api/errors';
import { DetectImportColumnsMutation } from '../src/pages/import/operations';

const QUERY = 'mutation ImportCustomers($file: Upload!, $dryRun: Boolean!) { importCustomers(file: $file, dryRun: $dryRun) { id } }';

describe('multipart requests', () => {
  it('sends operations, map, then the file, in that order', async () => {
    const file = new File(['客户名称,电话\n杭州云帆科技有限公司,13912345678\n'], '客户.csv', { type: 'text/csv' });
    const { body } = multipartRequest(QUERY, { file, dryRun: true, mapping: [{ column: 1, field: 'contactPhone' }] }, 'ImportCustomers');
    const entries = [...body.entries()];
    expect(entries.map(([k]) => k)).toEqual(['operations', 'map', '0']);
    expect(JSON.parse(entries[0]![1] as string)).toEqual({
      query: QUERY,
      variables: { file: null, dryRun: true, mapping: [{ column: 1, field: 'contactPhone' }] },
      operationName: 'ImportCustomers',
    });
    expect(JSON.parse(entries[1]![1] as string)).toEqual({ '0': ['variables.file'] });
    const sent = entries[2]![1] as File;
    expect(sent.name).toBe('客户.csv');
    expect(await sent.text()).toBe(await file.text());
  });

  it('carries the preflight header and leaves the content type with its boundary to the browser', () => {
    const { headers } = multipartRequest(QUERY, { file: new File(['x'], 'a.csv'), dryRun: true });
    expect(headers['GraphQL-Require-Preflight']).toBe('1');
    expect(Object.keys(headers).map((h) => h.toLowerCase())).not.toContain('content-type');
  });

  it('finds files anywhere in the variables and numbers them in order', () => {
    const a = new File(['a'], 'a.csv');
    const b = new File(['b'], 'b.xlsx');
    const { body } = multipartRequest('mutation M($input: X!) { m(input: $input) }', { input: { files: [a, b], note: 'n' } });
    const entries = [...body.entries()];
    expect(entries.map(([k]) => k)).toEqual(['operations', 'map', '0', '1']);
    expect(JSON.parse(entries[0]![1] as string).variables).toEqual({ input: { files: [null, null], note: 'n' } });
    expect(JSON.parse(entries[1]![1] as string)).toEqual({ '0': ['variables.input.files.0'], '1': ['variables.input.files.1'] });
    expect((entries[3]![1] as File).name).toBe('b.xlsx');
  });
});

describe('upload', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('posts the multipart body with the cookie and reads the answer', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ data: { detectImportColumns: { fileName: 'a.csv' } } })));
    vi.stubGlobal('fetch', fetch);
    const res = await upload(DetectImportColumnsMutation, { file: new File(['x'], 'a.csv') });
    expect(res.detectImportColumns.fileName).toBe('a.csv');
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/graphql?op=DetectImportColumns');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    expect(init.body).toBeInstanceOf(FormData);
    expect((init.headers as Record<string, string>)['GraphQL-Require-Preflight']).toBe('1');
  });

  it('keeps the reason of a refused request (no field)', async () => {
    const answer = { errors: [{ message: 'the files are larger than the limit of 50 MB', extensions: { code: 'BAD_USER_INPUT', reason: 'UPLOAD_TOO_LARGE' } }] };
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(answer), { status: 413 })));
    const err = await upload(DetectImportColumnsMutation, { file: new File(['x'], 'a.csv') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('BAD_USER_INPUT');
    expect((err as ApiError).reason).toBe('UPLOAD_TOO_LARGE');
  });
});
