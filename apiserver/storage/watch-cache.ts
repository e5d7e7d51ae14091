// The watch cache of one resource (Kubernetes' cacher): one store watch over the resource's key
// prefix keeps the current state in memory plus a window of recent changes, and serves every client
// watch, long-poll and resourceVersion=0 list of that resource from there.
//
// Lifecycle: `start()` (or createWatchCache) lists the prefix page by page at one revision, then
// watches from the revision after it. If the store's watch breaks it is resumed from the revision
// after the last one seen; if that revision was compacted the cache re-lists and rebuilds, which
// ends (with a 410 ERROR event) every watch that had not reached the new list's revision.
//
// Guarantees for each watcher: every change after its starting resourceVersion, in revision order,
// exactly once, filtered with Kubernetes' selector transition rules. Delivery is synchronous from
// the store batch; a watcher's first batch (replay or initial ADDED events) is sent on the next
// macrotask, never from inside watch(). Anything the cache ends itself is ended with one final
// ERROR event (410 Expired after a re-list, 503 when the cache is stopped); after an ERROR event
// nothing more is sent, so the caller should end its response. BOOKMARK events are not sent.
//
// Objects and events handed out are shared between callers and deep-frozen: copy before changing.
// Events are CachedWatchEvents (watch-event.ts): their object JSON is encoded once for all watchers.
//
// WatchCacheSet (below) holds one cache per served resource for the apiserver.
import { storageKey, storagePrefix, type ResourceInfo } from '../../lib/api/registry.js';
import { status } from '../../lib/api/status.js';
import type { KubeObject } from '../../lib/api/types.js';
import type { RangeResponse, WatchResponse } from '../../lib/store-client/protocol.js';
import { isCompacted } from '../../lib/store-client/errors.js';
import { Backoff } from '../../lib/util/backoff.js';
import { realClock, type Clock, type TimerHandle } from '../../lib/util/clock.js';
import { createLogger, type Logger } from '../../lib/util/logger.js';
import { decodeObject, parseResourceVersion } from './codec.js';
import { decodeContinue, encodeContinue } from './continue-token.js';
import { EventWindow, type CacheChange } from './event-window.js';
import { Predicate } from './predicate.js';
import { prefixEnd, resourceName } from './resource-store.js';
import { CachedObject, CachedWatchEvent, deepFreeze } from './watch-event.js';
import { ApiError } from '../../lib/api/errors.js';
import type { KvBackend, ListOptions, ListResult, WatchCache, WatchEvent, WatchOptions } from './interfaces.js';

export interface WatchCacheOptions {
  /** Changes kept for watches from a past resourceVersion (default 10 000). */
  windowSize?: number;
  clock?: Clock;
  logger?: Logger;
  /** Keys per range request of a (re)list (default 1000). */
  listPageSize?: number;
  random?: () => number;
}

interface Watcher {
  readonly prefix: string;
  readonly pred: Predicate;
  readonly send: (events: WatchEvent[]) => boolean;
  /** Every change up to this revision has been sent or filtered out. */
  position: number;
  /** Waiting for its first (asynchronous) delivery. */
  pending: boolean;
  /** Synthetic ADDED events captured at watch() time (resourceVersion 0/unset). */
  initial: CachedObject[] | undefined;
}

interface PollWaiter {
  readonly prefix: string;
  readonly pred: Predicate;
  position: number;
  /** Settles the poll (an ApiError rejects; 'aborted' rejects with the signal's reason). */
  readonly finish: (result: { events: WatchEvent[]; resourceVersion: string } | ApiError | 'aborted') => void;
}

interface RevisionWaiter {
  readonly rv: number;
  readonly finish: (err?: ApiError) => void;
}

const DEFAULT_WINDOW = 10_000;
/** A (re)list that needs more pages than this is broken (a store that always answers `more`). */
const MAX_LIST_PAGES = 1_000_000;

export class StoreWatchCache implements WatchCache {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly prefix: string;
  private readonly windowSize: number;
  private readonly listPageSize: number;
  private readonly random: () => number;
  private readonly abort = new AbortController();

  private objects = new Map<string, CachedObject>();
  /** Keys in order, rebuilt lazily after a key is added or removed. */
  private sortedKeys: string[] | undefined;
  private readonly window: EventWindow;
  private rev = 0;
  /** Revision of the last (re)list. */
  private listRevision = 0;
  /** Revision of the newest change evicted from the window since the last list. */
  private evictedThrough = 0;
  private loaded = false;
  private started = false;
  private stopped = false;

  private readonly watchers = new Set<Watcher>();
  private readonly polls = new Set<PollWaiter>();
  private readonly revisionWaiters = new Set<RevisionWaiter>();
  private flushScheduled = false;

  private readonly readyPromise: Promise<void>;
  private resolveReady!: () => void;
  private rejectReady!: (err: ApiError) => void;

  constructor(
    private readonly kv: KvBackend,
    readonly resource: ResourceInfo,
    opts: WatchCacheOptions = {},
  ) {
    this.clock = opts.clock ?? realClock;
    this.log = (opts.logger ?? createLogger('apiserver', { level: 'silent' })).child({ watchCache: resourceName(resource) });
    this.prefix = storagePrefix(resource);
    this.windowSize = opts.windowSize ?? DEFAULT_WINDOW;
    this.window = new EventWindow(this.windowSize);
    this.listPageSize = Math.max(1, opts.listPageSize ?? 1000);
    this.random = opts.random ?? Math.random;
    this.readyPromise = new Promise<void>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // Nobody may be waiting yet; a stop before the first list must not be an unhandled rejection.
    this.readyPromise.catch(() => undefined);
  }

  /** Starts listing and watching in the background (idempotent). */
  start(): this {
    if (this.started || this.stopped) return this;
    this.started = true;
    void this.run();
    return this;
  }

  ready(): Promise<void> {
    return this.readyPromise;
  }

  get revision(): number {
    return this.rev;
  }

  /** Watches being served (streams; pending long-polls are not counted). */
  get watcherCount(): number {
    return this.watchers.size;
  }

  /** Objects currently cached. */
  get size(): number {
    return this.objects.size;
  }

  /** Oldest resourceVersion a watch may start from; older ones are 410 Expired. */
  get oldestResourceVersion(): number {
    return Math.max(this.listRevision, this.evictedThrough);
  }

  waitFor(rv: number, timeoutMs: number): Promise<void> {
    if (this.stopped) return Promise.reject(this.stoppedError());
    if (this.loaded && this.rev >= rv) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let timer: TimerHandle | undefined;
      const waiter: RevisionWaiter = {
        rv,
        finish: (err) => {
          if (timer !== undefined) this.clock.clearTimeout(timer);
          this.revisionWaiters.delete(waiter);
          if (err) reject(err);
          else resolve();
        },
      };
      this.revisionWaiters.add(waiter);
      timer = this.clock.setTimeout(() => {
        // Kubernetes' answer when the cache does not reach a requested resourceVersion in time.
        waiter.finish(new ApiError(status.timeout(`Timeout: Too large resource version: ${rv}, current: ${this.rev}`, 1)));
      }, timeoutMs);
    });
  }

  peek(namespace: string | undefined, name: string): KubeObject | undefined {
    if (this.stopped || this.rev === 0) return undefined;
    try {
      return this.objects.get(storageKey(this.resource, namespace, name))?.object;
    } catch {
      return undefined; // a malformed name or a missing namespace: nothing cached under it
    }
  }

  list(namespace: string | undefined, opts: ListOptions = {}): ListResult {
    this.checkServing();
    const prefix = this.prefixFor(namespace);
    const pred = new Predicate(opts, this.resource.kind);
    const limit = opts.limit !== undefined && opts.limit > 0 ? Math.floor(opts.limit) : 0;
    const keys = this.keysInOrder();
    // A continue token from the cache or the store: go on after its key, in the current state.
    const from = opts.continue ? prefix + decodeContinue(opts.continue).start : prefix;
    const end = lowerBound(keys, prefixEnd(prefix));
    let i = lowerBound(keys, from);
    const items: KubeObject[] = [];
    let lastKey = '';
    for (; i < end; i++) {
      if (limit && items.length >= limit) break;
      const cached = this.objects.get(keys[i]!)!;
      lastKey = cached.key;
      if (pred.matches(cached.object, pred.usesFields ? cached.fields : undefined)) items.push(cached.object);
    }
    const result: ListResult = { items, resourceVersion: String(this.rev) };
    if (limit && i < end) {
      result.continue = encodeContinue({ rv: this.rev, start: lastKey.slice(prefix.length) + '\0' });
      if (pred.empty) result.remainingItemCount = end - i;
    }
    return result;
  }

  watch(namespace: string | undefined, opts: WatchOptions, send: (events: WatchEvent[]) => boolean): () => void {
    this.checkServing();
    const start = this.startFor(namespace, opts, 'watch');
    const w: Watcher = { ...start, send, pending: true };
    this.watchers.add(w);
    this.scheduleFlush();
    return () => {
      this.watchers.delete(w);
    };
  }

  poll(
    namespace: string | undefined,
    opts: WatchOptions & { resourceVersion: string },
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<{ events: WatchEvent[]; resourceVersion: string }> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    try {
      this.checkServing();
    } catch (err) {
      return Promise.reject(err);
    }
    let start: Omit<Watcher, 'send' | 'pending'>;
    try {
      start = this.startFor(namespace, opts, 'poll');
    } catch (err) {
      return Promise.reject(err);
    }
    const { prefix, pred } = start;
    let position = start.position;
    const ready: WatchEvent[] = start.initial ? start.initial.map((o) => o.event('ADDED')) : [];
    if (!start.initial) for (const change of this.window.since(position)) pushConverted(ready, change, prefix, pred);
    position = Math.max(position, this.rev);
    if (ready.length > 0) return Promise.resolve({ events: ready, resourceVersion: String(position) });

    return new Promise((resolve, reject) => {
      const onAbort = (): void => waiter.finish('aborted');
      const timer = this.clock.setTimeout(() => waiter.finish({ events: [], resourceVersion: String(waiter.position) }), timeoutMs);
      const waiter: PollWaiter = {
        prefix,
        pred,
        position,
        finish: (result) => {
          if (!this.polls.delete(waiter)) return;
          this.clock.clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          if (result === 'aborted') reject(signal?.reason);
          else if (result instanceof ApiError) reject(result);
          else resolve(result);
        },
      };
      this.polls.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    const err = this.stoppedError();
    this.rejectReady(err);
    const ending = new CachedWatchEvent('ERROR', err.status);
    for (const w of [...this.watchers]) this.end(w, ending);
    for (const p of [...this.polls]) p.finish(err);
    for (const r of [...this.revisionWaiters]) r.finish(err);
  }

  // ---------------------------------------------------------------- feeding from the store

  private async run(): Promise<void> {
    const backoff = new Backoff({ initialMs: 100, capMs: 5000, random: this.random });
    const signal = this.abort.signal;
    let needList = true;
    while (!this.stopped) {
      try {
        if (needList) {
          await this.relist();
          needList = false;
        }
        for await (const msg of this.kv.watch({ key: this.prefix, prefix: true, startRevision: this.rev + 1 }, signal)) {
          if (this.stopped) return;
          this.applyBatch(msg);
          backoff.reset();
        }
        if (this.stopped) return;
        throw new Error('store watch ended');
      } catch (err) {
        if (this.stopped) return;
        if (isCompacted(err) && !needList) {
          // The store no longer has the revisions we need: start over from a fresh list.
          this.log.info({ revision: this.rev, compactRevision: (err as { compactRevision?: number }).compactRevision }, 'watch cache fell behind compaction; relisting');
          needList = true;
          continue;
        }
        const delay = backoff.next();
        this.log.warn({ err: (err as Error).message, revision: this.rev, retryInMs: delay }, needList ? 'watch cache list failed' : 'watch cache store watch failed');
        await this.clock.sleep(delay, signal).catch(() => undefined);
      }
    }
  }

  /** Lists the whole prefix at one revision (paged) and replaces the state with it. */
  private async relist(): Promise<void> {
    const end = prefixEnd(this.prefix);
    const objects = new Map<string, CachedObject>();
    let key = this.prefix;
    let revision = 0;
    for (let page = 0; ; page++) {
      if (page >= MAX_LIST_PAGES) throw new Error(`list of ${this.prefix} did not end after ${MAX_LIST_PAGES} pages`);
      const res: RangeResponse = await this.kv.range({ key, rangeEnd: end, limit: this.listPageSize, ...(revision ? { revision } : {}) });
      if (!revision) revision = res.header.revision;
      for (const kv of res.kvs) {
        const cached = this.decode(kv.key, kv.value, kv.modRevision);
        if (cached) objects.set(kv.key, cached);
      }
      if (!res.more || res.kvs.length === 0) break;
      key = res.kvs[res.kvs.length - 1]!.key + '\0';
    }
    if (this.stopped) return;
    this.replaceState(objects, revision);
  }

  private replaceState(objects: Map<string, CachedObject>, revision: number): void {
    const relist = this.loaded;
    this.objects = objects;
    this.sortedKeys = undefined;
    this.window.clear();
    this.listRevision = revision;
    this.evictedThrough = 0;
    this.rev = revision;
    this.loaded = true;
    this.log.info({ revision, objects: objects.size, relist }, relist ? 'watch cache relisted' : 'watch cache loaded');
    if (relist) {
      // Watches that had not reached the new list's revision missed changes: end them, as Kubernetes does.
      for (const w of [...this.watchers]) {
        if (w.position < revision) this.end(w, new CachedWatchEvent('ERROR', this.tooOld(w.position).status));
      }
      for (const p of [...this.polls]) if (p.position < revision) p.finish(this.tooOld(p.position));
    }
    this.resolveReady();
    this.wakeRevisionWaiters();
  }

  private applyBatch(msg: WatchResponse): void {
    const base = this.rev;
    const changes: CacheChange[] = [];
    let newest = base;
    for (const ev of msg.events) {
      const revision = ev.kv.modRevision;
      if (revision <= base) continue; // already applied (a resumed stream never repeats, but be safe)
      const key = ev.kv.key;
      const previous = this.objects.get(key);
      let change: CacheChange;
      if (ev.type === 'PUT') {
        const current = this.decode(key, ev.kv.value, revision);
        if (!current) continue;
        if (!previous) this.sortedKeys = undefined;
        this.objects.set(key, current);
        change = { revision, key, type: previous ? 'MODIFIED' : 'ADDED', current, previous };
      } else {
        if (!previous) continue;
        this.objects.delete(key);
        this.sortedKeys = undefined;
        change = { revision, key, type: 'DELETED', current: undefined, previous };
      }
      const evicted = this.window.push(change);
      if (evicted) this.evictedThrough = evicted.revision;
      changes.push(change);
      newest = revision;
    }
    this.rev = Math.max(newest, msg.header.revision);
    // Even with no change of ours, positions move on: a poll then answers with a newer resourceVersion.
    this.deliver(changes);
    this.wakeRevisionWaiters();
  }

  private decode(key: string, value: string, revision: number): CachedObject | undefined {
    try {
      return new CachedObject(key, deepFreeze(decodeObject(key, value, revision)), this.resource.kind);
    } catch (err) {
      this.log.error({ key, revision, err: (err as Error).message }, 'watch cache skipped an undecodable object');
      return undefined;
    }
  }

  // ---------------------------------------------------------------- fan-out

  private deliver(changes: CacheChange[]): void {
    for (const w of [...this.watchers]) {
      if (w.pending) continue;
      const out: WatchEvent[] = [];
      for (const change of changes) if (change.revision > w.position) pushConverted(out, change, w.prefix, w.pred);
      w.position = Math.max(w.position, this.rev);
      if (out.length > 0) this.sendTo(w, out);
    }
    for (const p of [...this.polls]) {
      const out: WatchEvent[] = [];
      for (const change of changes) if (change.revision > p.position) pushConverted(out, change, p.prefix, p.pred);
      p.position = Math.max(p.position, this.rev);
      if (out.length > 0) p.finish({ events: out, resourceVersion: String(p.position) });
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flushPending();
    });
  }

  /** First delivery of new watchers: initial ADDED events and/or the window replay. */
  private flushPending(): void {
    for (const w of [...this.watchers]) {
      if (!w.pending || !this.watchers.has(w)) continue;
      if (w.position < this.oldestResourceVersion) {
        // The window moved past it (or a relist happened) before its first delivery.
        this.end(w, new CachedWatchEvent('ERROR', this.tooOld(w.position).status));
        continue;
      }
      const out: WatchEvent[] = w.initial ? w.initial.map((o) => o.event('ADDED')) : [];
      w.initial = undefined;
      for (const change of this.window.since(w.position)) pushConverted(out, change, w.prefix, w.pred);
      w.position = Math.max(w.position, this.rev);
      w.pending = false;
      if (out.length > 0) this.sendTo(w, out);
    }
  }

  private sendTo(w: Watcher, events: WatchEvent[]): void {
    let ok: boolean;
    try {
      ok = w.send(events);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'watch consumer threw; watch ended');
      ok = false;
    }
    // false = the consumer cannot keep up (or is gone): drop it, it re-watches from its last resourceVersion.
    if (!ok) this.watchers.delete(w);
  }

  /** Ends a watch with a final event. */
  private end(w: Watcher, ev: CachedWatchEvent): void {
    if (!this.watchers.delete(w)) return;
    try {
      w.send([ev]);
    } catch {
      // It is ended either way.
    }
  }

  // ---------------------------------------------------------------- helpers

  private startFor(namespace: string | undefined, opts: WatchOptions, what: string): Omit<Watcher, 'send' | 'pending'> {
    const prefix = this.prefixFor(namespace);
    const pred = new Predicate(opts, this.resource.kind);
    const rv = parseResourceVersion(opts.resourceVersion, `resourceVersion for ${what}`);
    if (rv === undefined || rv === 0) {
      const initial: CachedObject[] = [];
      const keys = this.keysInOrder();
      const end = lowerBound(keys, prefixEnd(prefix));
      for (let i = lowerBound(keys, prefix); i < end; i++) {
        const cached = this.objects.get(keys[i]!)!;
        if (pred.matches(cached.object, pred.usesFields ? cached.fields : undefined)) initial.push(cached);
      }
      return { prefix, pred, position: this.rev, initial };
    }
    if (rv < this.oldestResourceVersion) throw this.tooOld(rv);
    return { prefix, pred, position: rv, initial: undefined };
  }

  private prefixFor(namespace: string | undefined): string {
    return storagePrefix(this.resource, this.resource.namespaced && namespace ? namespace : undefined);
  }

  private keysInOrder(): string[] {
    this.sortedKeys ??= [...this.objects.keys()].sort();
    return this.sortedKeys;
  }

  private tooOld(rv: number): ApiError {
    return new ApiError(status.expired(`too old resource version: ${rv} (${this.oldestResourceVersion})`));
  }

  private checkServing(): void {
    if (this.stopped) throw this.stoppedError();
    // Kubernetes answers this way while its cache has not been initialized.
    if (!this.loaded) throw new ApiError(status.tooManyRequests('storage is (re)initializing', 1));
  }

  private stoppedError(): ApiError {
    return new ApiError(status.serviceUnavailable(`the watch cache of ${resourceName(this.resource)} is stopped`, 1));
  }

  private wakeRevisionWaiters(): void {
    for (const r of [...this.revisionWaiters]) if (this.rev >= r.rv) r.finish();
  }
}

/** Converts one change for one watcher (namespace prefix + selectors), Kubernetes' transition rules. */
function pushConverted(out: WatchEvent[], change: CacheChange, prefix: string, pred: Predicate): void {
  if (!change.key.startsWith(prefix)) return;
  const cur = change.current;
  const prev = change.previous;
  const curPasses = cur !== undefined && pred.matches(cur.object, pred.usesFields ? cur.fields : undefined);
  const prevPasses = prev !== undefined && pred.matches(prev.object, pred.usesFields ? prev.fields : undefined);
  if (curPasses) {
    out.push(cur!.event(prevPasses ? 'MODIFIED' : 'ADDED'));
  } else if (prevPasses) {
    // Left the selection (or was deleted): the last state it was seen in, at this change's revision.
    change.deleted ??= prev!.atRevision(change.revision);
    out.push(change.deleted.event('DELETED'));
  }
}

/** First index in sorted `keys` whose key is >= `key`. */
function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A started cache for `resource`. */
export function createWatchCache(kv: KvBackend, resource: ResourceInfo, opts: WatchCacheOptions = {}): StoreWatchCache {
  return new StoreWatchCache(kv, resource, opts).start();
}


/**
 * The apiserver's watch caches: one per served group/version/resource, created (and started) on
 * first use, all stopped together at shutdown.
 */
export class WatchCacheSet {
  private readonly caches = new Map<string, StoreWatchCache>();
  private stopped = false;

  constructor(
    private readonly kv: KvBackend,
    private readonly opts: WatchCacheOptions = {},
  ) {}

  /** The started cache of `res`; the first call creates it. Await its ready() before serving from it. */
  cacheFor(res: ResourceInfo): StoreWatchCache {
    if (this.stopped) throw new Error('watch cache set is stopped');
    const id = `${res.group}/${res.version}/${res.plural}`;
    let cache = this.caches.get(id);
    if (!cache) {
      cache = createWatchCache(this.kv, res, this.opts);
      this.caches.set(id, cache);
    }
    return cache;
  }

  /** Caches created so far. */
  all(): StoreWatchCache[] {
    return [...this.caches.values()];
  }

  stopAll(): void {
    this.stopped = true;
    for (const cache of this.caches.values()) cache.stop();
    this.caches.clear();
  }
}
