// The one error type the app deals with: what the API answered (or that it
// could not be reached), never a raw exception.

export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE'
  | 'INTERNAL'
  | 'NETWORK';

const KNOWN_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
  'NETWORK',
]);

export interface FieldProblem {
  /** Path as the API names it: "input.contacts[0].phone", "currentPassword". */
  field: string;
  /** The server's English sentence (shown when the reason is unknown). */
  message: string;
  /** Machine-readable cause (docs/API.md): REQUIRED, TOO_LONG, ID_NUMBER ... */
  reason?: string;
  /** The reason's parameters, e.g. { max: 200 } for TOO_LONG. */
  params?: Record<string, unknown>;
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldProblem[];
  readonly requestId: string | undefined;
  /** The message the server sent (English, safe to show). */
  readonly serverMessage: string;
  /**
   * The reason of the error itself (extensions.reason): for a refused
   * request without a field (PREFLIGHT_REQUIRED, UPLOAD_TOO_LARGE), the
   * only machine-readable cause.
   */
  readonly reason: string | undefined;

  constructor(code: ErrorCode, serverMessage: string, fields: FieldProblem[] = [], requestId?: string, reason?: string) {
    super(`${code}: ${serverMessage}`);
    this.name = 'ApiError';
    this.code = code;
    this.serverMessage = serverMessage;
    this.fields = fields;
    this.requestId = requestId;
    this.reason = reason;
  }

  /** A CONFLICT about a stale version (not a taken unique value). */
  get isVersionConflict(): boolean {
    return this.code === 'CONFLICT' && this.fields.length === 0;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

interface RawGraphQLError {
  message?: unknown;
  extensions?: {
    code?: unknown;
    field?: unknown;
    fields?: unknown;
    reason?: unknown;
    params?: unknown;
    requestId?: unknown;
  };
}

const REQUEST_ID_RE = /request id ([A-Za-z0-9_-]+)/;

/** Turns the first GraphQL error of an answer into an ApiError. */
export function toApiError(raw: RawGraphQLError, headerRequestId?: string | null): ApiError {
  const message = typeof raw.message === 'string' ? raw.message : '';
  const ext = raw.extensions ?? {};
  const codeRaw = typeof ext.code === 'string' ? ext.code : '';
  const code: ErrorCode = KNOWN_CODES.has(codeRaw) ? (codeRaw as ErrorCode) : 'INTERNAL';
  const fields: FieldProblem[] = [];
  if (Array.isArray(ext.fields)) {
    for (const f of ext.fields as unknown[]) {
      if (f && typeof f === 'object') {
        const o = f as { field?: unknown; message?: unknown; reason?: unknown; params?: unknown };
        if (typeof o.field === 'string') {
          const p: FieldProblem = { field: o.field, message: typeof o.message === 'string' ? o.message : '' };
          if (typeof o.reason === 'string') p.reason = o.reason;
          if (o.params && typeof o.params === 'object' && !Array.isArray(o.params)) p.params = o.params as Record<string, unknown>;
          fields.push(p);
        }
      }
    }
  } else if (typeof ext.field === 'string') {
    fields.push({ field: ext.field, message: message });
  }
  let requestId: string | undefined;
  if (typeof ext.requestId === 'string' && ext.requestId) requestId = ext.requestId;
  else {
    const m = REQUEST_ID_RE.exec(message);
    if (m?.[1]) requestId = m[1];
    else if (code === 'INTERNAL' && headerRequestId) requestId = headerRequestId;
  }
  return new ApiError(code, message, fields, requestId, typeof ext.reason === 'string' && ext.reason ? ext.reason : undefined);
}
