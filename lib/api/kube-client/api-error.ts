// Errors from the API server as typed values carrying its metav1 Status. A body that is not a
// Status gets client-go's generic reason and message for the HTTP code.
import type { Status, StatusDetails } from '../object.js';
import { isRecord } from '../object.js';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: number;
  /** metav1.StatusReason, e.g. "NotFound"; '' when the server gave none. */
  readonly reason: string;
  readonly status: Status;

  constructor(status: Status) {
    super(status.message ?? '');
    this.status = status;
    this.code = status.code;
    this.reason = status.reason ?? '';
  }

  get details(): StatusDetails | undefined {
    return this.status.details;
  }
}

export function isApiError(err: unknown, code?: number): err is ApiError {
  return err instanceof ApiError && (code === undefined || err.code === code);
}

export function isStatus(v: unknown): v is Status {
  return isRecord(v) && v.kind === 'Status' && (v.status === 'Failure' || v.status === 'Success');
}

/** client-go's reason and message for an error response without a Status body. */
const GENERIC: Record<number, [string, string]> = {
  400: ['BadRequest', 'the server rejected our request for an unknown reason'],
  401: ['Unauthorized', 'the server has asked for the client to provide credentials'],
  404: ['NotFound', 'the server could not find the requested resource'],
  405: ['MethodNotAllowed', 'the server does not allow this method on the requested resource'],
  406: ['NotAcceptable', 'the server was unable to respond with a content type that the client supports'],
  409: ['Conflict', 'the server reported a conflict'],
  415: ['UnsupportedMediaType', 'the server was unable to respond with a content type that the client supports'],
  422: ['Invalid', 'the server rejected our request due to an error in our request'],
  429: ['TooManyRequests', 'the server has received too many requests and has asked us to try again later'],
  503: ['ServiceUnavailable', 'the server is currently unable to handle the request'],
  504: ['Timeout', 'the server was unable to return a response in the time allotted, but may still be processing the request'],
};

/** The error for a response with status `code` >= 400 and body `body`. */
export function apiErrorFromResponse(code: number, body: string): ApiError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (isStatus(parsed)) return new ApiError({ ...parsed, code: parsed.code || code });
  const text = body.trim();
  const generic = GENERIC[code];
  let reason: string;
  let message: string;
  if (code === 403) {
    reason = 'Forbidden';
    message = text;
  } else if (generic) {
    [reason, message] = generic;
  } else {
    reason = code === 500 ? 'InternalError' : '';
    message = `an error on the server (${JSON.stringify(text === '' ? 'unknown' : text).slice(1, -1)}) has prevented the request from succeeding`;
  }
  return new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}
