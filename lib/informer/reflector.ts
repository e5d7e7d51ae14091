// The reflector (client-go's tools/cache.Reflector): list, hand the whole state to the sink, then
// watch from the list's resourceVersion and hand over each event. The watch resumes by itself
// after disconnects; only a 410 Expired (the revision left the server's window) makes us re-list,
// at once and consistently. Any other failure backs off on the injected clock and starts over.
import type { Clock } from '../util/clock.js';
import { Backoff } from '../util/backoff.js';
import type { Logger } from '../util/logger.js';
import { isResourceExpired } from '../client/errors.js';
import { resourceVersionOf, type WatchEvent } from '../client/watch.js';
import type { ListWatch } from './list-watch.js';

export interface ReflectorSink<T> {
  /** The full state at resourceVersion: the sink diffs it against what it holds. */
  replace(items: T[], resourceVersion: string): void;
  added(obj: T): void;
  modified(obj: T): void;
  deleted(obj: T): void;
  /** Progress without an event for us. */
  bookmark(resourceVersion: string): void;
}

export interface ReflectorStats {
  lists: number;
  relistsAfterExpired: number;
  events: number;
  errors: number;
}

export interface ReflectorOptions<T> {
  name: string;
  listWatch: ListWatch<T>;
  sink: ReflectorSink<T>;
  clock: Clock;
  logger?: Logger;
  random?: () => number;
}


export class Reflector<T> {
  lastSyncResourceVersion = '';
  readonly stats: ReflectorStats = { lists: 0, relistsAfterExpired: 0, events: 0, errors: 0 };
  private readonly backoff: Backoff;

  constructor(private readonly o: ReflectorOptions<T>) {
    this.backoff = new Backoff({ initialMs: 800, factor: 2, capMs: 30_000, jitter: 0.5, ...(o.random ? { random: o.random } : {}) });
  }

  private handle(ev: WatchEvent<T>): void {
    const { sink } = this.o;
    this.stats.events++;
    switch (ev.type) {
      case 'ADDED':
        sink.added(ev.object);
        break;
      case 'MODIFIED':
        sink.modified(ev.object);
        break;
      case 'DELETED':
        sink.deleted(ev.object);
        break;
      case 'BOOKMARK': {
        const rv = resourceVersionOf(ev.object);
        if (rv) sink.bookmark(rv);
        break;
      }
    }
    const rv = resourceVersionOf(ev.object);
    if (rv) this.lastSyncResourceVersion = rv;
  }

  async run(signal: AbortSignal): Promise<void> {
    const { listWatch, sink, clock, logger, name } = this.o;
    // The first list may come from the watch cache ("0"); after an expiry we need the latest state.
    let listFrom: string | undefined = '0';
    while (!signal.aborted) {
      try {
        const l = await listWatch.list({ ...(listFrom !== undefined ? { resourceVersion: listFrom } : {}), signal });
        this.stats.lists++;
        sink.replace(l.items, l.resourceVersion);
        this.lastSyncResourceVersion = l.resourceVersion;
        listFrom = '0';
        for await (const got of listWatch.watch(l.resourceVersion, signal)) {
          for (const ev of Array.isArray(got) ? (got as readonly WatchEvent<T>[]) : [got as WatchEvent<T>]) this.handle(ev);
          this.backoff.reset();
        }
      } catch (err) {
        if (signal.aborted) return;
        if (isResourceExpired(err)) {
          this.stats.relistsAfterExpired++;
          logger?.info({ informer: name, resourceVersion: this.lastSyncResourceVersion }, 'watch expired (410): re-listing');
          listFrom = undefined;
          continue;
        }
        this.stats.errors++;
        const delay = this.backoff.next();
        logger?.warn({ informer: name, err: (err as Error).message, retryInMs: delay }, 'list/watch failed; retrying');
        try {
          await clock.sleep(delay, signal);
        } catch {
          return;
        }
      }
    }
  }
}
