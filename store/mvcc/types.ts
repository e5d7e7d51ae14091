// Wire shapes of the MVCC state machine: commands (what goes through the Raft log, JSON-safe),
// their results, and read/watch requests. Field names follow etcd v3 in camelCase.

import type { MvccErrorData } from './errors.js';
import type * as p from '../../lib/store-client/protocol.js';

// The shapes clients send and receive are the wire protocol's (lib/store-client/protocol.ts),
// declared there once. The state machine answers with the revision part of the header only; the
// member adds memberId and raftTerm.
export type {
  Compare,
  CompareOp,
  CompareTarget,
  DeleteRangeRequest,
  KeyValue,
  PutRequest,
  RevisionHeader as ResponseHeader,
  SortOrder,
  SortTarget,
  TxnOp,
  TxnOpResponse,
  TxnRequest,
  WatchEvent,
  WatchFilter,
  WatchRequest,
} from '../../lib/store-client/protocol.js';

// ---- reads ----

/** A read of the state machine: `serializable` is the member's concern (ReadIndex or not). */
export type RangeRequest = Omit<p.RangeRequest, 'serializable'>;
export type RangeResponse = p.RangeResponse<p.RevisionHeader>;

// ---- commands (applied through the log) ----

export interface LeaseCheckpoint {
  id: number;
  /** Seconds left when the leader recorded it; survives a leader change. */
  remainingTtl: number;
}

export type Command =
  | ({ type: 'put' } & p.PutRequest)
  | ({ type: 'deleteRange' } & p.DeleteRangeRequest)
  | ({ type: 'txn' } & p.TxnRequest)
  | { type: 'compact'; revision: number }
  | { type: 'leaseGrant'; id: number; ttl: number }
  | { type: 'leaseRevoke'; id: number }
  | { type: 'leaseCheckpoint'; checkpoints: LeaseCheckpoint[] };

// ---- results ----

export type PutResponse = p.PutResponse<p.RevisionHeader>;
export type DeleteRangeResponse = p.DeleteRangeResponse<p.RevisionHeader>;
export type TxnResponse = p.TxnResponse<p.RevisionHeader>;

export type CommandResult =
  | ({ type: 'put' } & PutResponse)
  | ({ type: 'deleteRange' } & DeleteRangeResponse)
  | ({ type: 'txn' } & TxnResponse)
  | { type: 'compact'; header: p.RevisionHeader }
  | { type: 'leaseGrant'; header: p.RevisionHeader; id: number; ttl: number }
  | { type: 'leaseRevoke'; header: p.RevisionHeader; deleted: number }
  | { type: 'leaseCheckpoint'; header: p.RevisionHeader }
  /** The command changed nothing. Deterministic: every replica reports the same error. */
  | { type: 'error'; header: p.RevisionHeader; error: MvccErrorData };

// ---- leases ----

export interface LeaseInfo {
  id: number;
  ttl: number;
  /** Last checkpointed remaining TTL in seconds; 0 when never checkpointed. */
  remainingTtl: number;
  /** Attached keys, sorted. */
  keys: string[];
}
