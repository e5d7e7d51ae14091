// One list+watch per resource (and scope) per process however many controllers ask for it
// (client-go's SharedInformerFactory). Informers asked for after start() start at once.
import type { KubeObject } from '../api/types.js';
import type { ApiObject } from '../client/client.js';
import type { KubeClient } from '../client/client.js';
import type { ResourceRef } from '../client/paths.js';
import type { WatchMode } from '../client/watch.js';
import type { Logger } from '../util/logger.js';
import type { IndexFunc } from './indexer.js';
import { listWatchFor } from './list-watch.js';
import { SharedInformer } from './shared-informer.js';

export interface InformerOptions<T> {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  indexers?: Record<string, IndexFunc<T>>;
  /** Cache {apiVersion, kind, metadata} only (the garbage collector's view; the server still sends whole objects). */
  metadataOnly?: boolean;
}

export interface FactoryOptions {
  logger?: Logger;
  /** Default resync period for every informer (ms); 0 = none. */
  resyncMs?: number;
  mode?: WatchMode;
  /** Long-poll/stream renewal period (seconds). */
  timeoutSeconds?: number;
  random?: () => number;
}

export function metadataOnly<T extends ApiObject>(obj: T): T {
  return { apiVersion: obj.apiVersion, kind: obj.kind, metadata: obj.metadata } as T;
}

export class SharedInformerFactory {
  private readonly informers = new Map<string, SharedInformer<KubeObject>>();
  private signal: AbortSignal | undefined;
  private readonly runs: Promise<void>[] = [];

  constructor(
    readonly client: KubeClient,
    private readonly o: FactoryOptions = {},
  ) {}

  informerFor<T extends ApiObject = KubeObject>(ref: ResourceRef, io: InformerOptions<T> = {}): SharedInformer<T> {
    const rc = this.client.resource<T>(ref);
    const res = rc.info;
    const key = [res.group, res.plural, io.namespace ?? '', io.labelSelector ?? '', io.fieldSelector ?? '', io.metadataOnly ? 'meta' : 'full'].join('|');
    let inf = this.informers.get(key) as SharedInformer<T> | undefined;
    if (!inf) {
      const scope = [io.namespace, io.labelSelector, io.fieldSelector].filter(Boolean).join(',');
      inf = new SharedInformer<T>({
        name: `${res.plural}${res.group ? `.${res.group}` : ''}${scope ? `(${scope})` : ''}`,
        listWatch: listWatchFor(rc, {
          ...(io.namespace !== undefined ? { namespace: io.namespace } : {}),
          ...(io.labelSelector ? { labelSelector: io.labelSelector } : {}),
          ...(io.fieldSelector ? { fieldSelector: io.fieldSelector } : {}),
          ...(this.o.mode ? { mode: this.o.mode } : {}),
          ...(this.o.timeoutSeconds ? { timeoutSeconds: this.o.timeoutSeconds } : {}),
        }),
        clock: this.client.clock,
        ...(this.o.logger ? { logger: this.o.logger } : {}),
        ...(this.o.random ? { random: this.o.random } : {}),
        resyncMs: this.o.resyncMs ?? 0,
        ...(io.metadataOnly ? { transform: metadataOnly } : {}),
      });
      this.informers.set(key, inf as unknown as SharedInformer<KubeObject>);
      if (this.signal) this.runs.push(inf.run(this.signal));
    }
    if (io.indexers) inf.addIndexers(io.indexers);
    return inf;
  }

  /** Starts every informer asked for so far, and any asked for later. */
  start(signal: AbortSignal): void {
    if (this.signal) return;
    this.signal = signal;
    for (const inf of this.informers.values()) this.runs.push(inf.run(signal));
  }

  /** Resolves true once every informer has synced, false if the signal aborts first. */
  async waitForCacheSync(signal?: AbortSignal): Promise<boolean> {
    const results = await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
    return results.every(Boolean);
  }

  all(): SharedInformer<KubeObject>[] {
    return [...this.informers.values()];
  }

  /** Resolves when every started informer has stopped (after the start signal aborted). */
  async stopped(): Promise<void> {
    await Promise.allSettled(this.runs);
  }
}
