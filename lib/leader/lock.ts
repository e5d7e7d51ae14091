// The lock an elector campaigns on, shaped like client-go's resourcelock.Interface. The elector
// knows nothing of HTTP: the REST-backed Lease lock lives with lib/client, the in-memory one in
// memory-lock.ts.
import type { LeaderElectionRecord } from './record.js';

export interface LockSnapshot {
  record: LeaderElectionRecord;
  /** The Lease's metadata.resourceVersion: update() is a compare-and-swap on it. */
  resourceVersion: string;
}

export interface LeaseLock {
  /** null when the Lease does not exist. */
  get(signal?: AbortSignal): Promise<LockSnapshot | null>;
  /** Throws a StatusError with reason AlreadyExists (lib/client/errors.ts) if it exists. */
  create(record: LeaderElectionRecord, signal?: AbortSignal): Promise<void>;
  /** Compare-and-swap on resourceVersion: throws a StatusError with reason Conflict when stale. */
  update(record: LeaderElectionRecord, resourceVersion: string, signal?: AbortSignal): Promise<void>;
  /** "kube-system/kube-scheduler": names the lock in logs and metrics. */
  describe(): string;
}
