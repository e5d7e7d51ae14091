// The small, closed set of errors the MVCC state machine reports. Codes are stable strings: they
// travel inside command results (which every replica computes identically) and over the store API.
import type { StoreErrorCode } from '../../lib/store-client/protocol.js';

export type MvccErrorCode =
  /** The requested revision is older than the compaction point. */
  | 'compacted'
  /** The requested revision has not happened yet. */
  | 'futureRevision'
  | 'leaseNotFound'
  | 'leaseExists'
  /** A lease TTL outside 1..MAX_LEASE_TTL_SECONDS. */
  | 'invalidLeaseTtl'
  /** put with ignoreValue/ignoreLease on a key that does not exist. */
  | 'keyNotFound'
  | 'emptyKey'
  | 'keyTooLarge'
  | 'requestTooLarge'
  | 'tooManyOps'
  /** A txn branch that writes the same key twice (put+put or put inside a deleted range). */
  | 'duplicateKey'
  /** put with ignoreValue together with a non-empty value. */
  | 'valueProvided'
  /** put with ignoreLease together with a non-zero lease. */
  | 'leaseProvided'
  /** A malformed command or request (wrong type, missing field, bad enum...). */
  | 'invalidArgument'
  /** A watcher whose consumer fell further behind than its buffer allows. */
  | 'slowWatcher'
  /** A watcher whose event listener threw. */
  | 'watchListenerFailed'
  /** Lessor operation on a member that is not the leader. */
  | 'notPrimary'
  /** A snapshot stream that is truncated, corrupt, or was invalidated while being produced. */
  | 'badSnapshot';

// Every MVCC code is a store API code (a compile error here names the one missing in protocol.ts).
const mvccCodesAreStoreCodes = (code: MvccErrorCode): StoreErrorCode => code;
void mvccCodesAreStoreCodes;

export interface MvccErrorData {
  code: MvccErrorCode;
  message: string;
  /** Set for 'compacted'. */
  compactRevision?: number;
  /** Set for 'compacted' and 'futureRevision'. */
  currentRevision?: number;
}

export class MvccError extends Error {
  readonly code: MvccErrorCode;
  readonly compactRevision?: number;
  readonly currentRevision?: number;

  constructor(code: MvccErrorCode, message: string, extra: { compactRevision?: number; currentRevision?: number } = {}) {
    super(message);
    this.name = 'MvccError';
    this.code = code;
    if (extra.compactRevision !== undefined) this.compactRevision = extra.compactRevision;
    if (extra.currentRevision !== undefined) this.currentRevision = extra.currentRevision;
  }

  /** Plain, JSON-safe form, as carried in command results. */
  toData(): MvccErrorData {
    const data: MvccErrorData = { code: this.code, message: this.message };
    if (this.compactRevision !== undefined) data.compactRevision = this.compactRevision;
    if (this.currentRevision !== undefined) data.currentRevision = this.currentRevision;
    return data;
  }
}

/** A read or watch asked for history that compaction has already dropped (etcd's ErrCompacted; 410 Expired upstream). */
export class CompactedError extends MvccError {
  constructor(requested: number, compactRevision: number, currentRevision: number) {
    super('compacted', `required revision ${requested} has been compacted (compact revision ${compactRevision})`, {
      compactRevision,
      currentRevision,
    });
    this.name = 'CompactedError';
  }
  /** Always set for this class (narrowed from the optional base field). */
  declare readonly compactRevision: number;
}

export class FutureRevisionError extends MvccError {
  constructor(requested: number, currentRevision: number) {
    super('futureRevision', `required revision ${requested} is a future revision (current revision ${currentRevision})`, {
      currentRevision,
    });
    this.name = 'FutureRevisionError';
  }
}

export function invalidArgument(message: string): MvccError {
  return new MvccError('invalidArgument', message);
}

export function isMvccError(err: unknown): err is MvccError {
  return err instanceof MvccError;
}
