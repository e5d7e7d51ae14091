// The store's client protocol (DESIGN §4): JSON over HTTP with etcd v3 semantics. The one
// definition of the wire shapes: the store server (store/, which answers it; its MVCC state machine
// uses the same request and result shapes) and the client below (which speaks it) both import it;
// documented with curl examples in store/README.md. Keys and values are UTF-8 strings.

/** The state machine's part of a response header: the revision. */
export interface RevisionHeader {
  /** Store revision after the command (for reads: the revision read at). */
  revision: number;
}

export interface ResponseHeader {
  /** Store revision when the request was served. */
  revision: number;
  memberId: string;
  raftTerm: number;
}

export interface KeyValue {
  key: string;
  value: string;
  /** Revision of the put that created the key's current generation. */
  createRevision: number;
  /** Revision of the last change. For a DELETE event's kv: the delete's revision. */
  modRevision: number;
  /** Puts since creation, 1-based; 0 for a deleted key. */
  version: number;
  /** Attached lease id, 0 for none (ids stay below 2^53 so JSON numbers hold them). */
  lease: number;
}

export type SortOrder = 'none' | 'ascend' | 'descend';
export type SortTarget = 'key' | 'version' | 'createRevision' | 'modRevision' | 'value';

export interface RangeRequest {
  key: string;
  /** Exclusive end; '\0' = every key >= key. Absent = the single key. */
  rangeEnd?: string;
  /** Every key starting with `key` (the store computes the range end in its UTF-8 key order). */
  prefix?: boolean;
  limit?: number;
  /** Read at this past revision (0/absent = current). */
  revision?: number;
  countOnly?: boolean;
  /** Return kvs with empty values. */
  keysOnly?: boolean;
  sortOrder?: SortOrder;
  sortTarget?: SortTarget;
  /** Local read on the member that answers, without a ReadIndex round: may be stale. */
  serializable?: boolean;
}
/** `H`: the member answers with a full ResponseHeader; its state machine fills RevisionHeader. */
export interface RangeResponse<H extends RevisionHeader = ResponseHeader> {
  header: H;
  kvs: KeyValue[];
  /** Number of keys in the range at that revision, regardless of limit. */
  count: number;
  /** True when limit cut the result short. */
  more: boolean;
}

export interface PutRequest {
  key: string;
  value: string;
  lease?: number;
  prevKv?: boolean;
  /** Keep the current value (the key must exist and `value` must be empty). */
  ignoreValue?: boolean;
  /** Keep the current lease (the key must exist and `lease` must be 0). */
  ignoreLease?: boolean;
}
export interface PutResponse<H extends RevisionHeader = ResponseHeader> {
  header: H;
  prevKv?: KeyValue;
}

export interface DeleteRangeRequest {
  key: string;
  rangeEnd?: string;
  prefix?: boolean;
  prevKv?: boolean;
}
export interface DeleteRangeResponse<H extends RevisionHeader = ResponseHeader> {
  header: H;
  deleted: number;
  prevKvs?: KeyValue[];
}

export type CompareTarget = 'version' | 'createRevision' | 'modRevision' | 'value' | 'lease';
export type CompareOp = '=' | '!=' | '<' | '>';
/** A txn guard; a missing key counts as version/createRevision/modRevision/lease 0. */
export interface Compare {
  key: string;
  rangeEnd?: string;
  prefix?: boolean;
  target: CompareTarget;
  op: CompareOp;
  /** A number for revision/version/lease targets, a string for 'value'. */
  value: number | string;
}
export type TxnOp =
  | ({ type: 'range' } & Omit<RangeRequest, 'serializable'>)
  | ({ type: 'put' } & PutRequest)
  | ({ type: 'deleteRange' } & DeleteRangeRequest);
export type TxnOpResponse =
  | ({ type: 'range' } & RangeResponse<RevisionHeader>)
  | ({ type: 'put' } & PutResponse<RevisionHeader>)
  | ({ type: 'deleteRange' } & DeleteRangeResponse<RevisionHeader>);
export interface TxnRequest {
  compare: Compare[];
  success: TxnOp[];
  failure: TxnOp[];
}
export interface TxnResponse<H extends RevisionHeader = ResponseHeader> {
  header: H;
  succeeded: boolean;
  /** One per op of the branch taken, in order. */
  responses: TxnOpResponse[];
}

export interface CompactionRequest {
  revision: number;
}
export interface CompactionResponse {
  header: ResponseHeader;
}

export type WatchFilter = 'noPut' | 'noDelete';

export interface WatchRequest {
  key: string;
  rangeEnd?: string;
  prefix?: boolean;
  /** First revision to deliver; 0/absent = only events after now. */
  startRevision?: number;
  /** Attach the previous version to every event (when still retained). */
  prevKv?: boolean;
  filters?: WatchFilter[];
}
export interface WatchEvent {
  type: 'PUT' | 'DELETE';
  kv: KeyValue;
  prevKv?: KeyValue;
}
/** One NDJSON line of a watch stream. */
export interface WatchResponse {
  header: ResponseHeader;
  created?: boolean;
  canceled?: boolean;
  /** Set when canceled because startRevision was compacted: re-list, then watch again. */
  compactRevision?: number;
  cancelReason?: string;
  events: WatchEvent[];
}

export interface LeaseGrantRequest {
  ttl: number;
  /** Requested id; absent = the leader picks one. */
  id?: number;
}
export interface LeaseGrantResponse {
  header: ResponseHeader;
  id: number;
  ttl: number;
}
export interface LeaseIdRequest {
  id: number;
}
export interface LeaseKeepAliveResponse {
  header: ResponseHeader;
  id: number;
  /** Remaining TTL after the renewal, seconds; 0 = the lease no longer exists. */
  ttl: number;
}
export interface LeaseTimeToLiveResponse {
  header: ResponseHeader;
  id: number;
  /** Seconds left, -1 when the lease does not exist. */
  ttl: number;
  grantedTtl: number;
  keys?: string[];
}

export interface StatusResponse {
  header: ResponseHeader;
  memberId: string;
  name: string;
  clusterId: string;
  leader: string;
  raftTerm: number;
  commitIndex: number;
  appliedIndex: number;
  revision: number;
  compactRevision: number;
  dbSize: number;
  keys: number;
  members: { id: string; name: string; peerURL: string; clientURL?: string }[];
}

/**
 * Stable error codes in `{error: {code, message, ...}}` bodies and in canceled watch responses:
 * the MVCC state machine's codes (store/mvcc/errors.ts checks its codes are all here) plus the
 * service's. HTTP status per code: httpStatusFor in errors.ts.
 */
export type StoreErrorCode =
  // request problems (4xx): the request was not applied
  | 'badRequest'
  | 'invalidArgument'
  | 'emptyKey'
  | 'keyTooLarge'
  | 'requestTooLarge'
  | 'tooManyOps'
  | 'duplicateKey'
  | 'valueProvided'
  | 'leaseProvided'
  | 'invalidLeaseTtl'
  | 'compacted'
  | 'futureRevision'
  | 'leaseNotFound'
  | 'leaseExists'
  | 'keyNotFound'
  /** No such endpoint (HTTP 404). */
  | 'notFound'
  // watch cancellations (in-stream, never an HTTP status of their own)
  | 'slowWatcher'
  | 'watchListenerFailed'
  // availability (5xx / 421): see the client for which are safe to retry
  | 'noLeader'
  | 'notLeader'
  /** The lessor was asked for a leader-only operation on a follower. */
  | 'notPrimary'
  /** Outcome unknown: the write was handed to Raft and may still be applied. */
  | 'timeout'
  /** Not applied: the member is shutting down or has failed. */
  | 'stopped'
  | 'badSnapshot'
  | 'internal';

export interface StoreErrorBody {
  error: {
    code: StoreErrorCode;
    message: string;
    compactRevision?: number;
    leader?: string;
  };
}
