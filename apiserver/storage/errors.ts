// Store failures as the API answers them. The HTTP layer only ever sees ApiError: an unavailable
// store is a 503 with Retry-After (the client may retry), a write whose outcome is unknown is a
// 504 (retrying blindly could apply it twice), compaction is 410 Expired.
import { status, type Status, type Target } from '../../lib/api/status.js';
import { StoreError } from '../../lib/store-client/errors.js';
import { ApiError } from '../../lib/api/errors.js';

/** Seconds a client should wait before retrying against an unavailable store. */
export const STORE_RETRY_AFTER_SECONDS = 1;

/** Kubernetes' texts for 410s on lists (k8s.io/apiserver storage/etcd3). */
export const EXPIRED_LIST = 'The resourceVersion for the provided list is too old.';
export const INCONSISTENT_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the ' +
  'continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing ' +
  'with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the ' +
  'time the first chunk was returned and now may show up in the list.';

export interface ErrorContext {
  /** What the request was about (for messages). */
  target: Target;
  /** True for operations that change the store: an unknown outcome is then a 504, not a 503. */
  write: boolean;
}

/** The Status for a store error; anything that is not a StoreError is an internal error. */
export function statusForStoreError(err: unknown, ctx: ErrorContext): Status {
  if (!(err instanceof StoreError)) return status.internalError(err);
  const what = ctx.write ? 'the write' : 'the read';
  switch (err.code) {
    case 'timeout':
      return status.timeout(
        ctx.write
          ? `Timeout: the storage backend did not confirm the write in time; it may or may not have been applied: ${err.message}`
          : `Timeout: the storage backend did not answer in time: ${err.message}`,
        STORE_RETRY_AFTER_SECONDS,
      );
    case 'unavailable':
    case 'noLeader':
    case 'notLeader':
    case 'stopped':
      if (ctx.write && err.outcomeUnknown) {
        return status.timeout(
          `Timeout: the connection to the storage backend failed during the write; it may or may not have been applied: ${err.message}`,
          STORE_RETRY_AFTER_SECONDS,
        );
      }
      return status.serviceUnavailable(`the storage backend is unavailable (${what} was not applied): ${err.message}`, STORE_RETRY_AFTER_SECONDS);
    case 'compacted':
      return status.expired(EXPIRED_LIST);
    case 'futureRevision':
      // A resourceVersion (e.g. in a continue token) the store has not reached.
      return status.timeout(`Timeout: Too large resource version: ${err.message}`, STORE_RETRY_AFTER_SECONDS);
    case 'requestTooLarge':
      return { ...status.requestEntityTooLarge(0), message: `Request entity too large: ${err.message}` };
    case 'keyTooLarge':
      return status.badRequest(`the object name is too long to be stored: ${err.message}`);
    default:
      return status.internalError(new Error(`storage backend error (${err.code}): ${err.message}`));
  }
}

/** Rethrows ApiErrors as they are and anything else as the ApiError for it. */
export function toApiError(err: unknown, ctx: ErrorContext): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(statusForStoreError(err, ctx));
}
