// What a reflector needs from the apiserver, as an interface so tests drive it with fakes: a list
// (with the revision it was read at) and a watch from a revision.
import type { KubeObject } from '../api/types.js';
import type { ApiObject } from '../client/client.js';
import type { ResourceClient } from '../client/client.js';
import type { WatchEvent, WatchMode } from '../client/watch.js';

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
}

export interface ListWatch<T> {
  /** resourceVersion "0": any recent state (the watch cache); undefined: the latest. */
  list(opts: { resourceVersion?: string; signal: AbortSignal }): Promise<ListResult<T>>;
  /**
   * Events after resourceVersion, one at a time or in arrays as they arrive; resumes by itself on
   * disconnects; throws Expired (410).
   */
  watch(resourceVersion: string, signal: AbortSignal): AsyncIterable<WatchEvent<T> | readonly WatchEvent<T>[]>;
}

export interface ListWatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  mode?: WatchMode;
  /** Items per page of a consistent list. */
  pageSize?: number;
  timeoutSeconds?: number;
}

export function listWatchFor<T extends ApiObject>(rc: ResourceClient<T>, o: ListWatchOptions = {}): ListWatch<T> {
  const scope = {
    ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
    ...(o.labelSelector ? { labelSelector: o.labelSelector } : {}),
    ...(o.fieldSelector ? { fieldSelector: o.fieldSelector } : {}),
  };
  return {
    async list({ resourceVersion, signal }) {
      const l = await rc.listAll({ ...scope, limit: o.pageSize ?? 500, ...(resourceVersion !== undefined ? { resourceVersion } : {}), signal });
      const rv = l.metadata.resourceVersion;
      if (!rv) throw new Error(`${rc.info.plural}: the list answered without metadata.resourceVersion`);
      return { items: l.items, resourceVersion: rv };
    },
    watch(resourceVersion, signal) {
      return rc.watchBatches({ ...scope, resourceVersion, signal, mode: o.mode ?? 'longPoll', ...(o.timeoutSeconds ? { timeoutSeconds: o.timeoutSeconds } : {}) });
    },
  };
}
