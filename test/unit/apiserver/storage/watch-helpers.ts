// Helpers for the watch cache tests (not a test file itself).
import type { KubeObject } from '../../../../lib/api/types.js';
import type { Status } from '../../../../lib/api/status.js';
import { waitFor } from '../../../../lib/util/wait.js';
import type { WatchEvent } from '../../../../apiserver/storage/interfaces.js';
import type { StoreWatchCache } from '../../../../apiserver/storage/watch-cache.js';
import type { MvccKv } from '../../../helpers/mvcc-kv.js';

/** Resolves after pending macrotasks (the cache's first delivery to a new watcher runs on one). */
export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Waits until the cache has applied everything the store has (bounded). */
export async function caughtUp(cache: StoreWatchCache, kv: MvccKv): Promise<void> {
  const target = kv.revision;
  await waitFor(() => cache.revision >= target, { timeoutMs: 5000, intervalMs: 1, description: `cache at revision ${target}` });
  await tick();
}

/** Records what a watch receives; `accept` decides what send() returns. */
export class Recorder {
  readonly events: WatchEvent[] = [];
  calls = 0;
  constructor(private readonly accept: (calls: number) => boolean = () => true) {}
  readonly send = (events: WatchEvent[]): boolean => {
    this.calls++;
    this.events.push(...events);
    return this.accept(this.calls);
  };
  /** "TYPE ns/name@rv" per event (for ERROR: "ERROR code message"). */
  lines(): string[] {
    return this.events.map(describe);
  }
}

export function describe(ev: WatchEvent): string {
  if (ev.type === 'ERROR') {
    const s = ev.object as Status;
    return `ERROR ${s.code} ${s.message}`;
  }
  const o = ev.object as KubeObject;
  return `${ev.type} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}@${o.metadata.resourceVersion}`;
}
