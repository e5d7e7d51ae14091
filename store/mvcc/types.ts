// Wire shapes of the MVCC state machine: commands (what goes through the Raft log, JSON-safe),
// their results, and read/watch requests. Field names follow etcd v3 in camelCase.

import type { MvccErrorData } from './errors.js';
import type { Compare, CompareOp, CompareTarget, DeleteRangeRequest, KeyValue, PutRequest, WatchEvent } from '../../lib/store-client/protocol.js';

// The shapes clients send and receive are the wire protocol's (lib/store-client/protocol.ts).
export type { Compare, CompareOp, CompareTarget, DeleteRangeRequest, KeyValue, PutRequest, WatchEvent };


export interface ResponseHeader {
  /** Store revision after the command (for reads: the revision read at). */
  revision: number;
}

// ---- reads ----

export type SortOrder = 'none' | 'ascend' | 'descend';
export type SortTarget = 'key' | 'version' | 'createRevision' | 'modRevision' | 'value';

export interface RangeRequest {
  key: string;
  /** Exclusive end; '\0' means every key >= key. Ignored when `prefix` is set. */
  rangeEnd?: string;
  /** Shorthand for rangeEnd = prefixEnd(key). */
  prefix?: boolean;
  /** Maximum kvs to return; 0 or absent = no limit. */
  limit?: number;
  /** Read at this revision; 0 or absent = current. */
  revision?: number;
  countOnly?: boolean;
  /** Return kvs with empty values. */
  keysOnly?: boolean;
  sortOrder?: SortOrder;
  sortTarget?: SortTarget;
}

export interface RangeResponse {
  header: ResponseHeader;
  kvs: KeyValue[];
  /** Number of keys in the range at that revision, regardless of limit. */
  count: number;
  /** True when limit cut the result short. */
  more: boolean;
}

// ---- commands (applied through the log) ----





export type TxnOp =
  | ({ type: 'range' } & RangeRequest)
  | ({ type: 'put' } & PutRequest)
  | ({ type: 'deleteRange' } & DeleteRangeRequest);

export interface TxnRequest {
  compare: Compare[];
  success: TxnOp[];
  failure: TxnOp[];
}

export interface LeaseCheckpoint {
  id: number;
  /** Seconds left when the leader recorded it; survives a leader change. */
  remainingTtl: number;
}

export type Command =
  | ({ type: 'put' } & PutRequest)
  | ({ type: 'deleteRange' } & DeleteRangeRequest)
  | ({ type: 'txn' } & TxnRequest)
  | { type: 'compact'; revision: number }
  | { type: 'leaseGrant'; id: number; ttl: number }
  | { type: 'leaseRevoke'; id: number }
  | { type: 'leaseCheckpoint'; checkpoints: LeaseCheckpoint[] };

// ---- results ----

export interface PutResponse {
  header: ResponseHeader;
  prevKv?: KeyValue;
}

export interface DeleteRangeResponse {
  header: ResponseHeader;
  deleted: number;
  prevKvs?: KeyValue[];
}

export type TxnOpResponse =
  | ({ type: 'range' } & RangeResponse)
  | ({ type: 'put' } & PutResponse)
  | ({ type: 'deleteRange' } & DeleteRangeResponse);

export interface TxnResponse {
  header: ResponseHeader;
  succeeded: boolean;
  /** One per op of the branch taken, in order. */
  responses: TxnOpResponse[];
}

export type CommandResult =
  | ({ type: 'put' } & PutResponse)
  | ({ type: 'deleteRange' } & DeleteRangeResponse)
  | ({ type: 'txn' } & TxnResponse)
  | { type: 'compact'; header: ResponseHeader }
  | { type: 'leaseGrant'; header: ResponseHeader; id: number; ttl: number }
  | { type: 'leaseRevoke'; header: ResponseHeader; deleted: number }
  | { type: 'leaseCheckpoint'; header: ResponseHeader }
  /** The command changed nothing. Deterministic: every replica reports the same error. */
  | { type: 'error'; header: ResponseHeader; error: MvccErrorData };

// ---- watch ----

export type WatchFilter = 'noPut' | 'noDelete';

export interface WatchRequest {
  key: string;
  rangeEnd?: string;
  prefix?: boolean;
  /** First revision to deliver; 0/absent = only changes after now. */
  startRevision?: number;
  /** Attach the previous version to every event (when still retained). */
  prevKv?: boolean;
  filters?: WatchFilter[];
}


export interface LeaseInfo {
  id: number;
  ttl: number;
  /** Last checkpointed remaining TTL in seconds; 0 when never checkpointed. */
  remainingTtl: number;
  /** Attached keys, sorted. */
  keys: string[];
}
