// Test fixtures for the registry tests: a deterministic StrategyContext and a small in-memory
// ResourceStore (only what admission reads: get and list, plus create/update/delete to set up).
import { status } from '../../../../lib/api/status.js';
import { resourceFor, resourceForKind, type ResourceInfo } from '../../../../lib/api/registry.js';
import type { KubeObject } from '../../../../lib/api/types.js';
import type { StrategyContext } from '../../../../apiserver/registry/interfaces.js';
import { ApiError } from '../../../../lib/api/errors.js';
import type { ListResult, ResourceStore } from '../../../../apiserver/storage/interfaces.js';

/** 2024-05-01T12:00:00Z */
export const NOW = Date.UTC(2024, 4, 1, 12, 0, 0);

/** A seeded linear congruential generator: deterministic "random" numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function ctxFor(res: ResourceInfo, opts: { now?: number; seed?: number; uidPrefix?: string } = {}): StrategyContext {
  let n = 0;
  return {
    resource: res,
    now: opts.now ?? NOW,
    newUid: () => `${opts.uidPrefix ?? 'uid'}-${++n}`,
    random: seededRandom(opts.seed ?? 42),
  };
}

export function res(apiVersion: string, kind: string): ResourceInfo {
  const r = resourceForKind(apiVersion, kind);
  if (!r) throw new Error(`no resource for ${apiVersion} ${kind}`);
  return r;
}

export function core(plural: string): ResourceInfo {
  const r = resourceFor('', 'v1', plural);
  if (!r) throw new Error(`no core resource ${plural}`);
  return r;
}

export const clone = <T>(v: T): T => structuredClone(v);

/** An in-memory ResourceStore keyed by namespace/name; gets counted for cache assertions. */
export class MemoryStore implements ResourceStore {
  readonly objects = new Map<string, KubeObject>();
  gets = 0;
  private rv = 0;

  constructor(readonly resource: ResourceInfo) {}

  private key(namespace: string | undefined, name: string): string {
    return `${this.resource.namespaced ? (namespace ?? '') : ''}/${name}`;
  }

  private notFound(name: string): ApiError {
    return new ApiError(status.notFound({ resource: this.resource.plural, ...(this.resource.group ? { group: this.resource.group } : {}), name }));
  }

  async create(obj: KubeObject): Promise<KubeObject> {
    const k = this.key(obj.metadata.namespace, obj.metadata.name ?? '');
    if (this.objects.has(k)) throw new ApiError(status.alreadyExists({ resource: this.resource.plural, name: obj.metadata.name ?? '' }));
    const stored = clone(obj);
    (stored.metadata as { resourceVersion?: string }).resourceVersion = String(++this.rv);
    this.objects.set(k, stored);
    return clone(stored);
  }

  async get(namespace: string | undefined, name: string): Promise<KubeObject> {
    this.gets++;
    const o = this.objects.get(this.key(namespace, name));
    if (!o) throw this.notFound(name);
    return clone(o);
  }

  async list(namespace: string | undefined): Promise<ListResult> {
    const items = [...this.objects.values()].filter((o) => namespace === undefined || o.metadata.namespace === namespace).map(clone);
    return { items, resourceVersion: String(this.rv) };
  }

  async update(obj: KubeObject): Promise<KubeObject> {
    const k = this.key(obj.metadata.namespace, obj.metadata.name ?? '');
    if (!this.objects.has(k)) throw this.notFound(obj.metadata.name ?? '');
    const stored = clone(obj);
    (stored.metadata as { resourceVersion?: string }).resourceVersion = String(++this.rv);
    this.objects.set(k, stored);
    return clone(stored);
  }

  async guaranteedUpdate(namespace: string | undefined, name: string, tryUpdate: (current: KubeObject) => KubeObject | Promise<KubeObject>): Promise<KubeObject> {
    const current = await this.get(namespace, name);
    return this.update(await tryUpdate(current));
  }

  async delete(namespace: string | undefined, name: string): Promise<KubeObject> {
    const k = this.key(namespace, name);
    const o = this.objects.get(k);
    if (!o) throw this.notFound(name);
    this.objects.delete(k);
    return clone(o);
  }
}

/** storeFor over MemoryStores, one per resource. */
export function memoryStores(): { storeFor: (r: ResourceInfo) => MemoryStore; stores: Map<string, MemoryStore> } {
  const stores = new Map<string, MemoryStore>();
  return {
    stores,
    storeFor: (r) => {
      const k = `${r.group}/${r.plural}`;
      let s = stores.get(k);
      if (!s) {
        s = new MemoryStore(r);
        stores.set(k, s);
      }
      return s;
    },
  };
}
