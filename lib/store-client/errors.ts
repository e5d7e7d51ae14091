// Errors of the store client. `outcomeUnknown` marks a write that may or may not have been applied
// (the connection died after the request was sent, or the server timed out waiting for commit):
// the caller must not assume either way — re-read, or retry only if the operation is idempotent.
import type { StoreErrorCode } from './protocol.js';

export type ClientErrorCode = StoreErrorCode | 'unavailable';

export class StoreError extends Error {
  readonly code: ClientErrorCode;
  readonly httpStatus: number | undefined;
  readonly compactRevision: number | undefined;
  readonly outcomeUnknown: boolean;
  constructor(code: ClientErrorCode, message: string, opts: { httpStatus?: number; compactRevision?: number; outcomeUnknown?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = 'StoreError';
    this.code = code;
    this.httpStatus = opts.httpStatus;
    this.compactRevision = opts.compactRevision;
    this.outcomeUnknown = opts.outcomeUnknown ?? false;
  }
}

export const isCompacted = (e: unknown): e is StoreError => e instanceof StoreError && e.code === 'compacted';
export const isLeaseNotFound = (e: unknown): boolean => e instanceof StoreError && e.code === 'leaseNotFound';
export const isUnavailable = (e: unknown): boolean =>
  e instanceof StoreError && (e.code === 'unavailable' || e.code === 'noLeader' || e.code === 'timeout' || e.code === 'stopped');

/** HTTP status the server answers each error code with (exhaustive: a new code needs a decision). */
export function httpStatusFor(code: StoreErrorCode): number {
  switch (code) {
    case 'badRequest':
    case 'invalidArgument':
    case 'emptyKey':
    case 'keyTooLarge':
    case 'tooManyOps':
    case 'duplicateKey':
    case 'valueProvided':
    case 'leaseProvided':
    case 'invalidLeaseTtl':
    case 'futureRevision':
    case 'slowWatcher':
      return 400;
    case 'leaseNotFound':
    case 'keyNotFound':
    case 'notFound':
      return 404;
    case 'leaseExists':
      return 409;
    case 'compacted':
      return 410;
    case 'requestTooLarge':
      return 413;
    case 'notLeader':
    case 'notPrimary':
      return 421;
    case 'noLeader':
    case 'stopped':
      return 503;
    case 'timeout':
      return 504;
    case 'internal':
    case 'badSnapshot':
    case 'watchListenerFailed':
      return 500;
  }
}
