// A shared informer (client-go's sharedIndexInformer): one reflector filling one indexed cache,
// and any number of event handlers. Handlers are plain synchronous callbacks — in this codebase
// they only enqueue keys — called in event order; one that throws is logged and does not stop the
// others. A re-list is diffed against the cache: new objects are adds, changed ones updates, and
// objects that vanished are deletes carrying a DeletedFinalStateUnknown tombstone.
import type { KubeObject } from '../api/types.js';
import type { ApiObject } from '../client/client.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { resourceVersionOf } from '../client/watch.js';
import { Indexer, type IndexFunc } from './indexer.js';
import { Lister } from './lister.js';
import type { ListWatch } from './list-watch.js';
import { Reflector, type ReflectorSink } from './reflector.js';
import { DeletedFinalStateUnknown } from './tombstone.js';

export interface EventHandler<T> {
  /** isInInitialList: the object was there when the handler started listening (first list or registration). */
  onAdd?(obj: T, isInInitialList: boolean): void;
  /** Also called with old === new at every resync period. */
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T | DeletedFinalStateUnknown<T>): void;
}

export interface HandlerRegistration {
  /** True once the handler has been told about the whole initial state. */
  hasSynced(): boolean;
  remove(): void;
}

export interface SharedInformerOptions<T> {
  name: string;
  listWatch: ListWatch<T>;
  clock: Clock;
  logger?: Logger;
  random?: () => number;
  /** Re-deliver every cached object as an update this often (ms); 0 = never. */
  resyncMs?: number;
  indexers?: Record<string, IndexFunc<T>>;
  /** Applied to every object before it is cached (e.g. keep metadata only). */
  transform?: (obj: T) => T;
}


interface Listener<T> {
  handler: EventHandler<T>;
  synced: boolean;
}

export class SharedInformer<T extends ApiObject = KubeObject> {
  readonly indexer: Indexer<T>;
  readonly lister: Lister<T>;
  readonly reflector: Reflector<T>;
  private readonly listeners = new Set<Listener<T>>();
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private started = false;
  private resyncTimer: TimerHandle | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly o: SharedInformerOptions<T>) {
    this.indexer = new Indexer<T>();
    if (o.indexers) this.indexer.addIndexers(o.indexers);
    this.lister = new Lister(this.indexer);
    this.reflector = new Reflector<T>({
      name: o.name,
      listWatch: o.listWatch,
      sink: this.sink(),
      clock: o.clock,
      ...(o.logger ? { logger: o.logger } : {}),
      ...(o.random ? { random: o.random } : {}),
    });
  }

  get name(): string {
    return this.o.name;
  }

  hasSynced(): boolean {
    return this.synced;
  }

  get lastSyncResourceVersion(): string {
    return this.reflector.lastSyncResourceVersion;
  }

  /** Adds indexes; names already present are kept as they are (several controllers may ask). */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    this.indexer.addIndexers(Object.fromEntries(Object.entries(indexers).filter(([name]) => !this.indexer.hasIndex(name))));
  }

  /** Registers a handler; if objects are cached already it gets an add for each of them first. */
  addEventHandler(handler: EventHandler<T>): HandlerRegistration {
    const listener: Listener<T> = { handler, synced: this.synced };
    for (const obj of this.indexer.list()) this.call(listener, 'onAdd', () => handler.onAdd?.(obj, true));
    this.listeners.add(listener);
    return {
      hasSynced: () => listener.synced,
      remove: () => {
        this.listeners.delete(listener);
      },
    };
  }

  /** Runs until the signal aborts. Call once. */
  run(signal: AbortSignal): Promise<void> {
    if (this.started) return this.running!;
    this.started = true;
    this.scheduleResync(signal);
    signal.addEventListener('abort', () => {
      if (this.resyncTimer) this.o.clock.clearTimeout(this.resyncTimer);
      for (const w of this.syncWaiters.splice(0)) w();
    }, { once: true });
    this.running = this.reflector.run(signal);
    return this.running;
  }

  /** Resolves once the first list has been delivered; false if the signal aborted first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = () => resolve(this.synced);
      this.syncWaiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private scheduleResync(signal: AbortSignal): void {
    const every = this.o.resyncMs ?? 0;
    if (!(every > 0) || signal.aborted) return;
    this.resyncTimer = this.o.clock.setTimeout(() => {
      if (signal.aborted) return;
      if (this.synced) {
        for (const obj of this.indexer.list()) this.notify('onUpdate', (h) => h.onUpdate?.(obj, obj));
      }
      this.scheduleResync(signal);
    }, every);
  }

  private call(listener: Listener<T>, what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.o.logger?.error({ informer: this.o.name, handler: what, err: (err as Error).message }, 'event handler threw');
    }
  }

  private notify(what: keyof EventHandler<T>, fn: (h: EventHandler<T>) => void): void {
    for (const l of this.listeners) this.call(l, what, () => fn(l.handler));
  }

  private sink(): ReflectorSink<T> {
    const transform = this.o.transform ?? ((x: T) => x);
    const upsert = (raw: T) => {
      const obj = transform(raw);
      const old = this.indexer.upsert(obj);
      if (old === undefined) this.notify('onAdd', (h) => h.onAdd?.(obj, false));
      else this.notify('onUpdate', (h) => h.onUpdate?.(old, obj));
    };
    return {
      replace: (items) => {
        const seen = new Set<string>();
        const initial = !this.synced;
        for (const raw of items) {
          const obj = transform(raw);
          const key = this.indexer.keyOf(obj);
          seen.add(key);
          const old = this.indexer.upsert(obj);
          if (old === undefined) this.notify('onAdd', (h) => h.onAdd?.(obj, initial));
          // Unchanged objects are not re-announced after a re-list; the resync period does that.
          else if (resourceVersionOf(old) !== resourceVersionOf(obj)) this.notify('onUpdate', (h) => h.onUpdate?.(old, obj));
        }
        for (const key of this.indexer.listKeys()) {
          if (seen.has(key)) continue;
          const old = this.indexer.remove(key)!;
          this.notify('onDelete', (h) => h.onDelete?.(new DeletedFinalStateUnknown(key, old)));
        }
        if (!this.synced) {
          this.synced = true;
          for (const l of this.listeners) l.synced = true;
          for (const w of this.syncWaiters.splice(0)) w();
        }
      },
      added: upsert,
      modified: upsert,
      deleted: (raw) => {
        const obj = transform(raw);
        const old = this.indexer.remove(obj);
        // A delete for something we never saw still tells handlers (their keys may be queued).
        this.notify('onDelete', (h) => h.onDelete?.(obj ?? old));
      },
      bookmark: () => undefined,
    };
  }
}
