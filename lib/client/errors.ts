// Client-side typed errors: every non-2xx answer becomes a StatusError carrying the server's
// metav1.Status, and callers branch with isNotFound/isConflict/… like client-go's apierrors.
import { isStatus, type Status, type StatusReason } from '../api/status.js';

export class StatusError extends Error {
  readonly status: Status;
  constructor(status: Status) {
    super(status.message || `request failed with status ${status.code}`);
    this.name = 'StatusError';
    this.status = status;
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): StatusReason | '' {
    return this.status.reason;
  }
}

/**
 * Builds the error for an HTTP answer: a Status body is kept as is; anything else (an HTML page
 * from a proxy, an empty body) gets a Status whose reason is derived from the code, as client-go does.
 */
export function errorFromResponse(code: number, body: unknown): StatusError {
  if (isStatus(body)) return new StatusError(body);
  const reason = reasonForCode(code);
  const text = typeof body === 'string' && body.length > 0 ? body.slice(0, 500) : `the server responded with status ${code}`;
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: text, reason, code });
}

export function reasonForCode(code: number): StatusReason | '' {
  switch (code) {
    case 400: return 'BadRequest';
    case 401: return 'Unauthorized';
    case 403: return 'Forbidden';
    case 404: return 'NotFound';
    case 405: return 'MethodNotAllowed';
    case 406: return 'NotAcceptable';
    case 409: return 'Conflict';
    case 410: return 'Expired';
    case 413: return 'RequestEntityTooLarge';
    case 415: return 'UnsupportedMediaType';
    case 422: return 'Invalid';
    case 429: return 'TooManyRequests';
    case 500: return 'InternalError';
    case 503: return 'ServiceUnavailable';
    case 504: return 'Timeout';
    default: return '';
  }
}

function reasonOf(err: unknown): StatusReason | '' | undefined {
  return err instanceof StatusError ? err.reason : undefined;
}
function codeOf(err: unknown): number | undefined {
  return err instanceof StatusError ? err.code : undefined;
}

export const isNotFound = (err: unknown): boolean => reasonOf(err) === 'NotFound';
export const isAlreadyExists = (err: unknown): boolean => reasonOf(err) === 'AlreadyExists';
/** Conflict covers both the stale-resourceVersion case and other 409 Conflicts (not AlreadyExists). */
export const isConflict = (err: unknown): boolean => reasonOf(err) === 'Conflict';
export const isInvalid = (err: unknown): boolean => reasonOf(err) === 'Invalid';
export const isBadRequest = (err: unknown): boolean => reasonOf(err) === 'BadRequest';
export const isForbidden = (err: unknown): boolean => reasonOf(err) === 'Forbidden';
export const isUnauthorized = (err: unknown): boolean => reasonOf(err) === 'Unauthorized';
/** A watch/list whose resourceVersion left the window: the caller must re-list. */
export const isResourceExpired = (err: unknown): boolean => reasonOf(err) === 'Expired' || reasonOf(err) === 'Gone' || codeOf(err) === 410;
export const isMethodNotAllowed = (err: unknown): boolean => reasonOf(err) === 'MethodNotAllowed';
export const isRequestEntityTooLarge = (err: unknown): boolean => reasonOf(err) === 'RequestEntityTooLarge';
export const isUnsupportedMediaType = (err: unknown): boolean => reasonOf(err) === 'UnsupportedMediaType';
export const isTooManyRequests = (err: unknown): boolean => reasonOf(err) === 'TooManyRequests' || codeOf(err) === 429;
export const isServiceUnavailable = (err: unknown): boolean => reasonOf(err) === 'ServiceUnavailable' || codeOf(err) === 503;
export const isInternalError = (err: unknown): boolean => reasonOf(err) === 'InternalError';
export const isTimeout = (err: unknown): boolean => reasonOf(err) === 'Timeout' || codeOf(err) === 504;

/** Seconds the server asked us to wait before retrying, if it said. */
export function retryAfterSeconds(err: unknown): number | undefined {
  return err instanceof StatusError ? err.status.details?.retryAfterSeconds : undefined;
}

export const isStatusError = (err: unknown): err is StatusError => err instanceof StatusError;
