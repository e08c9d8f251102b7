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

export async function request<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  ...[variables]: VariablesArg<TVariables>
): Promise<TResult> {
  const query = document.toString();
  const opName = /(?:query|mutation)\s+(\w+)/.exec(query)?.[1];
  let res: Response;
  try {
    res = await fetch(GRAPHQL_URL + (opName ? `?op=${opName}` : ''), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ query, variables: variables ?? {}, operationName: opName }),
    });
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
