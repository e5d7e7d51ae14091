// What the client-facing HTTP layer needs from a member. The member (member.ts) implements it on
// top of Raft + MVCC; tests can implement it in memory.
import type * as p from '../lib/store-client/protocol.js';

export class ServiceError extends Error {
  constructor(
    readonly code: p.StoreErrorCode,
    message: string,
    readonly extra: { compactRevision?: number; leader?: string } = {},
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export interface WatchSink {
  /** Delivers one batch; returns false when the sink is closed or over its buffer bound. */
  send(msg: p.WatchResponse): boolean;
  close(): void;
}

export interface KvService {
  range(req: p.RangeRequest): Promise<p.RangeResponse>;
  put(req: p.PutRequest): Promise<p.PutResponse>;
  deleteRange(req: p.DeleteRangeRequest): Promise<p.DeleteRangeResponse>;
  txn(req: p.TxnRequest): Promise<p.TxnResponse>;
  compact(req: p.CompactionRequest): Promise<p.CompactionResponse>;
  leaseGrant(req: p.LeaseGrantRequest): Promise<p.LeaseGrantResponse>;
  leaseRevoke(req: p.LeaseIdRequest): Promise<{ header: p.ResponseHeader }>;
  leaseKeepAlive(req: p.LeaseIdRequest): Promise<p.LeaseKeepAliveResponse>;
  leaseTimeToLive(req: p.LeaseIdRequest & { keys?: boolean }): Promise<p.LeaseTimeToLiveResponse>;
  /** Starts a watch feeding `sink`; returns a cancel function. Throws ServiceError('compacted'). */
  watch(req: p.WatchRequest, sink: WatchSink): () => void;
  status(): p.StatusResponse;
  /** Has a leader and has applied what it knows to be committed. */
  ready(): { ok: boolean; reason?: string };
}
