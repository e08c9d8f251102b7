// A small fetch-based GraphQL client over the typed documents that
// graphql-codegen generates. The session is the HttpOnly cookie the login
// mutation sets, so requests only need credentials: 'same-origin'.
import type { TypedDocumentString } from '../gql/graphql';
import { ApiError, toApiError } from './errors';

export const GRAPHQL_URL = '/graphql';

type UnauthenticatedListener = () => void;
let onUnauthenticated: UnauthenticatedListener | null = null;

/**
 * Registers what happens when the session has expired (an operation other
 * than login answers UNAUTHENTICATED): the app goes to sign-in and comes back.
 */
export function setUnauthenticatedHandler(fn: UnauthenticatedListener | null): void {
  onUnauthenticated = fn;
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: unknown[];
}

/** Variables are optional in the call only when the operation has none. */
type VariablesArg<V> = [V] extends [Record<string, never>] | [never] ? [variables?: V] : [variables: V];

const operationName = (query: string) => /(?:query|mutation)\s+(\w+)/.exec(query)?.[1];

export async function request<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  ...[variables]: VariablesArg<TVariables>
): Promise<TResult> {
  const query = document.toString();
  const opName = operationName(query);
  return send<TResult>(opName, {
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ query, variables: variables ?? {}, operationName: opName }),
  });
}

/**
 * Sends an operation whose variables hold files (File or Blob values, at
 * any depth) as a GraphQL multipart request.
 */
export async function upload<TResult, TVariables extends Record<string, unknown>>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
): Promise<TResult> {
  const query = document.toString();
  const opName = operationName(query);
  return send<TResult>(opName, multipartRequest(query, variables, opName));
}

/**
 * The body and headers of a request of the GraphQL multipart request
 * specification (github.com/jaydenseric/graphql-multipart-request-spec):
 * the field "operations" (the request with each file replaced by null),
 * then "map" ({"0": ["variables.file"]}), then the files as "0", "1" ...
 * in that order, as the server reads them. multipart/form-data is a type a
 * page of another site may post with the user's cookie, so the server
 * wants a header only a script of an allowed origin can send (CSRF); the
 * browser writes the Content-Type with its boundary itself.
 */
export function multipartRequest(
  query: string,
  variables: Record<string, unknown>,
  opName?: string,
): { body: FormData; headers: Record<string, string> } {
  const files: { path: string; file: Blob }[] = [];
  const strip = (v: unknown, path: string): unknown => {
    if (v instanceof Blob) {
      files.push({ path, file: v });
      return null;
    }
    if (Array.isArray(v)) return v.map((x, i) => strip(x, `${path}.${i}`));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, strip(x, `${path}.${k}`)]));
    return v;
  };
  const vars = strip(variables, 'variables');
  const body = new FormData();
  body.append('operations', JSON.stringify({ query, variables: vars, operationName: opName }));
  body.append('map', JSON.stringify(Object.fromEntries(files.map((f, i) => [String(i), [f.path]]))));
  files.forEach((f, i) => body.append(String(i), f.file, f.file instanceof File ? f.file.name : 'file'));
  return { body, headers: { Accept: 'application/json', 'GraphQL-Require-Preflight': '1' } };
}

async function send<TResult>(opName: string | undefined, init: { headers: Record<string, string>; body: BodyInit }): Promise<TResult> {
  let res: Response;
  try {
    res = await fetch(GRAPHQL_URL + (opName ? `?op=${opName}` : ''), { method: 'POST', credentials: 'same-origin', ...init });
  } catch {
    throw new ApiError('NETWORK', 'the server could not be reached');
  }
  const requestId = res.headers.get('X-Request-Id');
  let body: GraphQLResponse<TResult>;
  try {
    body = (await res.json()) as GraphQLResponse<TResult>;
  } catch {
    // A proxy error page or a cut connection: not a GraphQL answer.
    throw new ApiError(res.status >= 500 || res.status === 0 ? 'NETWORK' : 'INTERNAL', `HTTP ${res.status}`, [], requestId ?? undefined);
  }
  const first = body.errors?.[0];
  if (first && typeof first === 'object') {
    const err = toApiError(first, requestId);
    if (err.code === 'UNAUTHENTICATED' && opName !== 'Login' && onUnauthenticated) {
      onUnauthenticated();
    }
    throw err;
  }
  if (body.data == null) {
    throw new ApiError('INTERNAL', `empty answer (HTTP ${res.status})`, [], requestId ?? undefined);
  }
  return body.data;
}
