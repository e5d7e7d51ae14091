// ResourceStore over the store (etcd v3 semantics). One key per object under
// lib/api/registry.storageKey; every write is a single txn guarded by a compare on the key's
// createRevision (create) or modRevision (update, delete), so two writers can never both win and
// a lost update is impossible. Reads are linearizable (the store's default).
import { qualifiedResource, status, type Target } from '../../lib/api/status.js';
import { storageKey, storagePrefix, type ResourceInfo } from '../../lib/api/registry.js';
import type { KubeObject } from '../../lib/api/types.js';
import type { KeyValue, RangeResponse, TxnResponse } from '../../lib/store-client/protocol.js';
import { isCompacted, isLeaseNotFound } from '../../lib/store-client/errors.js';
import { realClock, type Clock } from '../../lib/util/clock.js';
import { decodeObject, encodeObject, parseResourceVersion } from './codec.js';
import { decodeContinue, encodeContinue } from './continue-token.js';
import { INCONSISTENT_CONTINUE, toApiError } from './errors.js';
import { LeaseManager } from './lease-manager.js';
import { Predicate } from './predicate.js';
import { ApiError } from '../../lib/api/errors.js';
import type { KvBackend, ListOptions, ListResult, Preconditions, ResourceStore } from './interfaces.js';

export interface ResourceStoreOptions {
  /** For lease reuse (objects with a TTL). */
  clock?: Clock;
  /** Read-modify-write attempts before a contended update gives up with a Conflict (default 20). */
  maxAttempts?: number;
  /** Most keys read per store request when a selector makes a page scan further (default 10 000). */
  maxScanChunk?: number;
}

/** Store requests one paged, filtered list may make before returning what it has. */
const MAX_LIST_ROUNDS = 10_000;

export class KvResourceStore implements ResourceStore {
  private readonly leases: LeaseManager;
  private readonly maxAttempts: number;
  private readonly maxScanChunk: number;

  constructor(
    private readonly kv: KvBackend,
    readonly resource: ResourceInfo,
    opts: ResourceStoreOptions = {},
  ) {
    this.leases = new LeaseManager(kv, opts.clock ?? realClock);
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 20);
    this.maxScanChunk = Math.max(1, opts.maxScanChunk ?? 10_000);
  }

  async create(obj: KubeObject, opts: { ttlSeconds?: number } = {}): Promise<KubeObject> {
    const name = obj.metadata?.name ?? '';
    const key = this.keyFor(obj.metadata?.namespace, name);
    const value = encodeObject(obj);
    const ttl = opts.ttlSeconds;
    if (ttl !== undefined && (!Number.isInteger(ttl) || ttl <= 0)) {
      throw new ApiError(status.badRequest(`invalid TTL ${ttl}: must be a positive number of seconds`));
    }
    let lease = ttl ? await this.write(name, () => this.leases.leaseFor(ttl)) : 0;
    // Two tries: a reused lease may have expired a moment ago, then a fresh one is granted.
    for (let attempt = 0; ; attempt++) {
      let res: TxnResponse;
      try {
        res = await this.kv.txn({
          compare: [{ key, target: 'createRevision', op: '=', value: 0 }],
          success: [{ type: 'put', key, value, ...(lease ? { lease } : {}) }],
          failure: [],
        });
      } catch (err) {
        if (lease && attempt === 0 && isLeaseNotFound(err)) {
          this.leases.forget(lease);
          lease = await this.write(name, () => this.leases.leaseFor(ttl!));
          continue;
        }
        throw toApiError(err, { target: this.target(name), write: true });
      }
      if (!res.succeeded) throw new ApiError(status.alreadyExists(this.target(name)));
      return decodeObject(key, value, res.header.revision);
    }
  }

  async get(namespace: string | undefined, name: string): Promise<KubeObject> {
    const key = this.keyFor(namespace, name);
    const kv = await this.readKey(key, name);
    if (!kv) throw new ApiError(status.notFound(this.target(name)));
    return decodeObject(key, kv.value, kv.modRevision);
  }

  async list(namespace: string | undefined, opts: ListOptions = {}): Promise<ListResult> {
    if (namespace !== undefined && namespace !== '') this.checkSegment('Namespace', namespace);
    const prefix = storagePrefix(this.resource, this.resource.namespaced ? namespace : undefined);
    const rangeEnd = prefixEnd(prefix);
    const pred = new Predicate(opts, this.resource.kind);
    const limit = opts.limit !== undefined && opts.limit > 0 ? Math.floor(opts.limit) : 0;

    let startKey = prefix;
    // 0 = latest; once the first range answers, every further read is pinned to its revision.
    let readRev = 0;
    if (opts.continue) {
      const token = decodeContinue(opts.continue);
      startKey = prefix + token.start;
      if (token.rv > 0) readRev = token.rv;
    }

    const items: KubeObject[] = [];
    let lastKey = '';
    let hasMore = false;
    let remaining: number | undefined;
    let chunk = limit;
    let key = startKey;
    for (let round = 0; ; round++) {
      if (round >= MAX_LIST_ROUNDS) {
        // Bounded work per request: return what we have, the client continues from lastKey.
        hasMore = lastKey !== '';
        break;
      }
      let res: RangeResponse;
      try {
        res = await this.kv.range({ key, rangeEnd, ...(limit ? { limit: chunk } : {}), ...(readRev ? { revision: readRev } : {}) });
      } catch (err) {
        if (isCompacted(err) && opts.continue) {
          // As Kubernetes: say so, and hand back a token that goes on from the same key at the latest revision.
          const s = status.expired(INCONSISTENT_CONTINUE);
          Object.assign(s.metadata, { continue: encodeContinue({ rv: -1, start: startKey.slice(prefix.length) }) });
          throw new ApiError(s);
        }
        throw toApiError(err, { target: this.target(), write: false });
      }
      // A range at a past revision reports the current revision in its header: the snapshot is readRev.
      if (!readRev) readRev = res.header.revision;
      let taken = 0;
      for (const kv of res.kvs) {
        if (limit && items.length >= limit) break;
        lastKey = kv.key;
        taken++;
        const obj = decodeObject(kv.key, kv.value, kv.modRevision);
        if (pred.matches(obj)) items.push(obj);
      }
      if (!limit) break;
      if (items.length >= limit) {
        hasMore = taken < res.kvs.length || res.more;
        // Only without selectors is the count of keys left also the count of items left.
        if (hasMore && pred.empty) remaining = res.count - taken;
        break;
      }
      if (!res.more) break;
      // A selector filtered some out: read on, in growing chunks, until the page is full.
      key = lastKey + '\0';
      chunk = Math.min(chunk * 2, this.maxScanChunk);
    }
    const result: ListResult = { items, resourceVersion: String(readRev) };
    if (hasMore) {
      result.continue = encodeContinue({ rv: readRev, start: lastKey.slice(prefix.length) + '\0' });
      if (remaining !== undefined) result.remainingItemCount = remaining;
    }
    return result;
  }

  async update(obj: KubeObject): Promise<KubeObject> {
    const name = obj.metadata?.name ?? '';
    const key = this.keyFor(obj.metadata?.namespace, name);
    const rv = parseResourceVersion(obj.metadata?.resourceVersion, 'resourceVersion');
    const value = encodeObject(obj);
    if (rv) {
      const res = await this.casPut(key, name, rv, value);
      if (res.succeeded) return decodeObject(key, value, res.header.revision);
      if (!currentOf(res)) throw new ApiError(status.notFound(this.target(name)));
      throw new ApiError(status.staleResourceVersion(this.target(name)));
    }
    // No resourceVersion: last write wins, but still atomically against whatever is there now.
    let current = await this.readKey(key, name);
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      if (!current) throw new ApiError(status.notFound(this.target(name)));
      const res = await this.casPut(key, name, current.modRevision, value);
      if (res.succeeded) return decodeObject(key, value, res.header.revision);
      current = currentOf(res);
    }
    throw new ApiError(status.staleResourceVersion(this.target(name)));
  }

  async guaranteedUpdate(
    namespace: string | undefined,
    name: string,
    tryUpdate: (current: KubeObject) => KubeObject | Promise<KubeObject>,
    opts: { preconditions?: Preconditions } = {},
  ): Promise<KubeObject> {
    const key = this.keyFor(namespace, name);
    let current = await this.readKey(key, name);
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      if (!current) throw new ApiError(status.notFound(this.target(name)));
      const existing = decodeObject(key, current.value, current.modRevision);
      this.checkPreconditions(key, name, existing, opts.preconditions);
      const updated = await tryUpdate(existing);
      const value = encodeObject(updated);
      // Nothing changed: no write, no new revision, no watch event (as Kubernetes does).
      if (value === current.value) return decodeObject(key, current.value, current.modRevision);
      const res = await this.casPut(key, name, current.modRevision, value);
      if (res.succeeded) return decodeObject(key, value, res.header.revision);
      current = currentOf(res);
    }
    throw new ApiError(status.staleResourceVersion(this.target(name)));
  }

  async delete(namespace: string | undefined, name: string, opts: { preconditions?: Preconditions } = {}): Promise<KubeObject> {
    const key = this.keyFor(namespace, name);
    let current = await this.readKey(key, name);
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      if (!current) throw new ApiError(status.notFound(this.target(name)));
      const existing = decodeObject(key, current.value, current.modRevision);
      this.checkPreconditions(key, name, existing, opts.preconditions);
      let res: TxnResponse;
      try {
        res = await this.kv.txn({
          compare: [{ key, target: 'modRevision', op: '=', value: current.modRevision }],
          success: [{ type: 'deleteRange', key }],
          failure: [{ type: 'range', key }],
        });
      } catch (err) {
        throw toApiError(err, { target: this.target(name), write: true });
      }
      if (res.succeeded) return existing;
      current = currentOf(res);
    }
    throw new ApiError(status.staleResourceVersion(this.target(name)));
  }

  // ---------------------------------------------------------------------------------------------

  private target(name?: string): Target {
    const t: Target = { resource: this.resource.plural };
    if (this.resource.group) t.group = this.resource.group;
    if (name !== undefined) t.name = name;
    return t;
  }

  /** The object's key; a missing or unusable name/namespace is a 400 (Kubernetes' wording). */
  private keyFor(namespace: string | undefined, name: string): string {
    if (!name) throw new ApiError(status.badRequest('Name parameter required.'));
    this.checkSegment('Name', name);
    if (!this.resource.namespaced) return storageKey(this.resource, undefined, name);
    if (!namespace) throw new ApiError(status.badRequest('Namespace parameter required.'));
    this.checkSegment('Namespace', namespace);
    return storageKey(this.resource, namespace, name);
  }

  /** A name must be one path segment, or keys of different objects could overlap. */
  private checkSegment(what: 'Name' | 'Namespace', value: string): void {
    const problems: string[] = [];
    if (value === '.') problems.push(`may not be '.'`);
    if (value === '..') problems.push(`may not be '..'`);
    if (value.includes('/')) problems.push(`may not contain '/'`);
    if (value.includes('%')) problems.push(`may not contain '%'`);
    if (problems.length > 0) throw new ApiError(status.badRequest(`${what} parameter invalid: ${JSON.stringify(value)}: ${problems.join(';')}`));
  }

  private checkPreconditions(key: string, name: string, existing: KubeObject, pre: Preconditions | undefined): void {
    if (!pre) return;
    const fail = (detail: string): never => {
      throw new ApiError(
        status.conflict(this.target(name), `StorageError: invalid object, Code: 4, Key: ${key}, ResourceVersion: 0, AdditionalErrorMsg: ${detail}`),
      );
    };
    const uid = existing.metadata?.uid ?? '';
    if (pre.uid !== undefined && pre.uid !== uid) fail(`Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${uid}`);
    const rv = existing.metadata?.resourceVersion ?? '';
    if (pre.resourceVersion !== undefined && pre.resourceVersion !== rv) {
      fail(`Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${rv}`);
    }
  }

  private async readKey(key: string, name: string): Promise<KeyValue | undefined> {
    try {
      return (await this.kv.range({ key })).kvs[0];
    } catch (err) {
      throw toApiError(err, { target: this.target(name), write: false });
    }
  }

  /** put `value` if the key's modRevision is still `modRevision`; the failure branch reads the key. */
  private async casPut(key: string, name: string, modRevision: number, value: string): Promise<TxnResponse> {
    try {
      // ignoreLease keeps a TTL object's lease across updates.
      return await this.kv.txn({
        compare: [{ key, target: 'modRevision', op: '=', value: modRevision }],
        success: [{ type: 'put', key, value, ignoreLease: true }],
        failure: [{ type: 'range', key }],
      });
    } catch (err) {
      throw toApiError(err, { target: this.target(name), write: true });
    }
  }

  private async write<T>(name: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toApiError(err, { target: this.target(name), write: true });
    }
  }
}

/** The key's current version from a failed CAS txn's range, or undefined when it is gone. */
function currentOf(res: TxnResponse): KeyValue | undefined {
  const r = res.responses[0];
  return r && r.type === 'range' ? r.kvs[0] : undefined;
}

/** The first key after every key starting with `prefix` (storage prefixes end in ASCII '/'). */
export function prefixEnd(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  if (prefix.length === 0 || last >= 0x7f) throw new Error(`prefixEnd: unsupported prefix ${JSON.stringify(prefix)}`);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

/** "pods" / "deployments.apps", for log lines. */
export function resourceName(res: ResourceInfo): string {
  return qualifiedResource({ resource: res.plural, group: res.group });
}
