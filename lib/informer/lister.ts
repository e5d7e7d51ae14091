// Listers read the informer's cache (never the apiserver): list with a label selector, get by name,
// scoped to a namespace through the namespace index.
import type { KubeObject } from '../api/types.js';
import type { ApiObject } from '../client/client.js';
import { matches, type Selector } from '../api/labels.js';
import { NAMESPACE_INDEX, type Indexer } from './indexer.js';

function select<T extends ApiObject>(objs: T[], selector?: Selector): T[] {
  return selector ? objs.filter((o) => matches(selector, o.metadata?.labels)) : objs;
}

export class NamespaceLister<T extends ApiObject> {
  constructor(
    private readonly indexer: Indexer<T>,
    readonly namespace: string,
  ) {}
  list(selector?: Selector): T[] {
    return select(this.indexer.byIndex(NAMESPACE_INDEX, this.namespace), selector);
  }
  get(name: string): T | undefined {
    return this.indexer.getByKey(`${this.namespace}/${name}`);
  }
}

export class Lister<T extends ApiObject> {
  constructor(private readonly indexer: Indexer<T>) {}
  /** Every cached object (all namespaces) matching the selector. */
  list(selector?: Selector): T[] {
    return select(this.indexer.list(), selector);
  }
  /** A cluster-scoped object by name, or a namespaced one by `namespace/name` key. */
  get(nameOrKey: string): T | undefined {
    return this.indexer.getByKey(nameOrKey);
  }
  namespace(ns: string): NamespaceLister<T> {
    return new NamespaceLister(this.indexer, ns);
  }
  byIndex(name: string, value: string): T[] {
    return this.indexer.byIndex(name, value);
  }
}
