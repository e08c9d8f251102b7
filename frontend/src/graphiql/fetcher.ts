// GraphiQL's fetcher: the app's way to call the API (src/api/client.ts): the
// session cookie (credentials: 'same-origin') and Content-Type
// application/json, which the server requires so that other sites' pages
// cannot post forms to it. Headers typed in GraphiQL's headers editor
// (Authorization: Bearer ...) are sent too.
import type { ExecutionResult } from 'graphql';

export interface FetcherParams {
  query: string;
  operationName?: string | null;
  variables?: unknown;
}

export interface FetcherOpts {
  headers?: Record<string, unknown>;
}

export function kehuFetcher(url = '/graphql') {
  return async (params: FetcherParams, opts?: FetcherOpts): Promise<ExecutionResult> => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
    for (const [k, v] of Object.entries(opts?.headers ?? {})) {
      if (typeof v === 'string') headers[k] = v;
    }
    const res = await fetch(url, { method: 'POST', credentials: 'same-origin', headers, body: JSON.stringify(params) });
    const text = await res.text();
    try {
      return JSON.parse(text) as ExecutionResult;
    } catch {
      return { errors: [{ message: `HTTP ${res.status}: ${text.slice(0, 200)}` }] } as unknown as ExecutionResult;
    }
  };
}
