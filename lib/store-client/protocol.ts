// The store's client protocol (DESIGN §4): JSON over HTTP with etcd v3 semantics. Shared by the
// store server (which answers it) and the client below (which speaks it); documented with curl
// examples in store/README.md. Keys and values are UTF-8 strings.

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
  keysOnly?: boolean;
  /** Local read on the member that answers, without a ReadIndex round: may be stale. */
  serializable?: boolean;
}
export interface RangeResponse {
  header: ResponseHeader;
  kvs: KeyValue[];
  count: number;
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
export interface PutResponse {
  header: ResponseHeader;
  prevKv?: KeyValue;
}

export interface DeleteRangeRequest {
  key: string;
  rangeEnd?: string;
  prefix?: boolean;
  prevKv?: boolean;
}
export interface DeleteRangeResponse {
  header: ResponseHeader;
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
  | ({ type: 'range' } & Omit<RangeResponse, 'header'> & { header: { revision: number } })
  | ({ type: 'put' } & Omit<PutResponse, 'header'> & { header: { revision: number } })
  | ({ type: 'deleteRange' } & Omit<DeleteRangeResponse, 'header'> & { header: { revision: number } });
export interface TxnRequest {
  compare: Compare[];
  success: TxnOp[];
  failure: TxnOp[];
}
export interface TxnResponse {
  header: ResponseHeader;
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

export interface WatchRequest {
  key: string;
  rangeEnd?: string;
  prefix?: boolean;
  /** First revision to deliver; absent = only events after now. */
  startRevision?: number;
  prevKv?: boolean;
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

/** Stable error codes in `{error: {code, message, ...}}` bodies (the MVCC codes plus the service's). */
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
  // availability (5xx / 421): see the client for which are safe to retry
  | 'noLeader'
  | 'notLeader'
  | 'timeout'
  | 'stopped'
  | 'internal';

export interface StoreErrorBody {
  error: {
    code: StoreErrorCode;
    message: string;
    compactRevision?: number;
    leader?: string;
  };
}
