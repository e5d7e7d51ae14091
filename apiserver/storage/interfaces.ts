// Contracts between the apiserver's layers. The HTTP layer (routes/) calls a ResourceStore for
// reads and writes and a WatchCache for watches and rv=0 lists; the registry strategies
// (registry/) shape objects before they are written. Errors are thrown as ApiError (lib/api/errors.ts)
// carrying a metav1.Status.
import type { StoreClient } from '../../lib/store-client/client.js';
import type { Status } from '../../lib/api/status.js';
import type { Selector } from '../../lib/api/labels.js';
import type { FieldSelector } from '../../lib/api/fields.js';
import type { ResourceInfo } from '../../lib/api/registry.js';
import type { KubeObject } from '../../lib/api/types.js';

/** The part of the store client the apiserver uses; tests substitute an in-process store. */
export type KvBackend = Pick<StoreClient, 'range' | 'put' | 'txn' | 'deleteRange' | 'watch' | 'leaseGrant' | 'compact'>;

export interface ListOptions {
  labelSelector?: Selector;
  fieldSelector?: FieldSelector;
  /** Page size; 0/absent = everything. */
  limit?: number;
  /** Opaque token from a previous page. */
  continue?: string;
}

export interface ListResult {
  items: KubeObject[];
  /** The store revision the list was read at (a list's metadata.resourceVersion). */
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
export interface WatchEvent {
  type: WatchEventType;
  /** The object (with metadata.resourceVersion set), or a Status for ERROR. */
  object: KubeObject | Status;
}

export interface WatchOptions {
  labelSelector?: Selector;
  fieldSelector?: FieldSelector;
  /**
   * undefined or '0': start with synthetic ADDED events for every current match, then stream.
   * 'N': every change after revision N (410 Expired when N left the window).
   */
  resourceVersion?: string;
}

/**
 * Storage of one resource (one ResourceInfo) in the store, under lib/api/registry.storageKey.
 * Objects are stored as JSON without metadata.resourceVersion; reads set it from the key's
 * modRevision. Every write is a compare-and-swap on the modRevision (or createRevision = 0 for
 * creates), so concurrent writers never lose an update silently.
 */
export interface ResourceStore {
  readonly resource: ResourceInfo;
  /** AlreadyExists (409) if present. `ttlSeconds` attaches a store lease (Events). */
  create(obj: KubeObject, opts?: { ttlSeconds?: number }): Promise<KubeObject>;
  /** NotFound (404). */
  get(namespace: string | undefined, name: string): Promise<KubeObject>;
  /** Linearizable list from the store; namespace undefined = all namespaces. */
  list(namespace: string | undefined, opts?: ListOptions): Promise<ListResult>;
  /**
   * Writes `obj` if its metadata.resourceVersion still matches (Conflict 409 otherwise);
   * an object without resourceVersion is written unconditionally over the current one.
   * NotFound if absent.
   */
  update(obj: KubeObject): Promise<KubeObject>;
  /**
   * Read-modify-write that retries on conflict: `tryUpdate` gets the current object (a copy) and
   * returns the new one, or throws (an ApiError passes through). Preconditions are checked
   * against the current object each try (Conflict on mismatch).
   */
  guaranteedUpdate(
    namespace: string | undefined,
    name: string,
    tryUpdate: (current: KubeObject) => KubeObject | Promise<KubeObject>,
    opts?: { preconditions?: Preconditions },
  ): Promise<KubeObject>;
  /** Removes the object (CAS on its current revision); returns the last state. NotFound if absent. */
  delete(namespace: string | undefined, name: string, opts?: { preconditions?: Preconditions }): Promise<KubeObject>;
}

/**
 * One store watch per resource feeding a window of recent events plus the current state; every
 * client watch and every rv=0 list is served from it.
 */
export interface WatchCache {
  readonly resource: ResourceInfo;
  /** Resolves once the initial list is loaded. */
  ready(): Promise<void>;
  /** The revision the cache has caught up to. */
  readonly revision: number;
  /** Waits (bounded) until the cache has seen revision `rv` (read-your-writes for rv=0 lists). */
  waitFor(rv: number, timeoutMs: number): Promise<void>;
  /** The cached object (possibly slightly stale, frozen), or undefined if absent or not loaded yet. */
  peek(namespace: string | undefined, name: string): KubeObject | undefined;
  /** List from memory (resourceVersion=0 semantics: possibly slightly stale). */
  list(namespace: string | undefined, opts?: ListOptions): ListResult;
  /**
   * Streams events to `send` (return false to stop: slow client). Throws ApiError(410 Expired)
   * when the resourceVersion left the window. Returns a cancel function.
   * Selector semantics as Kubernetes: an object that stops matching is sent as DELETED, one that
   * starts matching as ADDED.
   */
  watch(namespace: string | undefined, opts: WatchOptions, send: (events: WatchEvent[]) => boolean): () => void;
  /**
   * Long-poll form: resolves as soon as one or more events after `resourceVersion` exist (all of
   * them, batched), or with none at the timeout; `resourceVersion` in the result is where to poll next.
   */
  poll(namespace: string | undefined, opts: WatchOptions & { resourceVersion: string }, timeoutMs: number, signal?: AbortSignal): Promise<{ events: WatchEvent[]; resourceVersion: string }>;
  stop(): void;
}
