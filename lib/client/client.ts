// The typed Kubernetes client every component stands on (client-go's role): one KubeClient per
// process, `client.resource('pods')` (or a ResourceInfo, or {apiVersion, kind}) for the verbs of a
// resource. Paths come from the registry; errors are StatusError (see errors.ts).
import { arch, platform } from 'node:os';
import type { KubeObject, ObjectMeta, Status } from '../api/types.js';
import { apiVersionOf, type ResourceInfo } from '../api/registry.js';
import type { Clock } from '../util/clock.js';
import { realClock } from '../util/clock.js';
import { loadRestConfig, type LoadOptions, type RestConfig } from './kubeconfig.js';
import { resolveResource, resourcePath, type ResourceRef } from './paths.js';
import { RestClient } from './rest.js';
import { UndiciTransport, type HttpTransport } from './transport.js';
import { watchBatches, watchEvents, type ListFn, type WatchEvent, type WatchOptions } from './watch.js';

export const K8TS_VERSION = 'v0.1.0';

/** Anything with object metadata: KubeObject, or kubernetes-types' Pod, Lease, … (whose apiVersion/kind are optional). */
export interface ApiObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

/** A body to send: apiVersion and kind may be left out (the client fills them in). */
export type Body<T> = Omit<T, 'apiVersion' | 'kind'> & { apiVersion?: string; kind?: string };

export interface ObjectList<T> {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';
const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

interface Common {
  signal?: AbortSignal;
}
export interface GetOptions extends Common {
  namespace?: string;
  resourceVersion?: string;
}
export interface ListOptions extends Common {
  /** Absent: every namespace (for namespaced resources). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  /** "0": any recent state (served from the watch cache); absent: the latest (consistent). */
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}
export interface WriteOptions extends Common {
  namespace?: string;
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: 'Ignore' | 'Warn' | 'Strict';
}
export interface PatchOptions extends WriteOptions {
  subresource?: string;
  /** Server-side apply: take fields owned by other managers. */
  force?: boolean;
}
export interface DeleteOptions extends Common {
  namespace?: string;
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}
export interface DeleteCollectionOptions extends DeleteOptions {
  labelSelector?: string;
  fieldSelector?: string;
}
export interface LogOptions extends Common {
  namespace?: string;
  container?: string;
  follow?: boolean;
  previous?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  timestamps?: boolean;
  limitBytes?: number;
}

export interface KubeClientOptions {
  /** Who we are, for the User-Agent: "kube-scheduler" → "kube-scheduler/v0.1.0 (linux/x64) k8ts". */
  component: string;
  config: RestConfig;
  qps?: number;
  burst?: number;
  /** Deadline for each non-streaming call, retries included (ms). Default 60 s; 0 = none. */
  timeoutMs?: number;
  transport?: HttpTransport;
  clock?: Clock;
  random?: () => number;
}

function writeQuery(o: WriteOptions): Record<string, string | undefined> {
  return {
    ...(o.dryRun ? { dryRun: 'All' } : {}),
    ...(o.fieldManager ? { fieldManager: o.fieldManager } : {}),
    ...(o.fieldValidation ? { fieldValidation: o.fieldValidation } : {}),
  };
}

function deleteBody(o: DeleteOptions): Record<string, unknown> {
  return {
    kind: 'DeleteOptions',
    apiVersion: 'v1',
    ...(o.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: o.gracePeriodSeconds } : {}),
    ...(o.propagationPolicy ? { propagationPolicy: o.propagationPolicy } : {}),
    ...(o.preconditions ? { preconditions: o.preconditions } : {}),
    ...(o.dryRun ? { dryRun: ['All'] } : {}),
  };
}

function sig(o: Common): { signal?: AbortSignal } {
  return o.signal ? { signal: o.signal } : {};
}

export class KubeClient {
  readonly rest: RestClient;
  readonly config: RestConfig;
  readonly clock: Clock;
  private readonly random: () => number;
  private readonly resources = new Map<ResourceInfo, ResourceClient<ApiObject>>();

  constructor(opts: KubeClientOptions) {
    this.config = opts.config;
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? Math.random;
    this.rest = new RestClient({
      servers: opts.config.servers,
      transport: opts.transport ?? new UndiciTransport({ ...(opts.config.tls ? { tls: opts.config.tls } : {}) }),
      userAgent: `${opts.component}/${K8TS_VERSION} (${platform()}/${arch()}) k8ts`,
      ...(opts.config.token ? { token: opts.config.token } : {}),
      ...(opts.config.basicAuth ? { basicAuth: opts.config.basicAuth } : {}),
      qps: opts.qps ?? 5,
      burst: opts.burst ?? 10,
      timeoutMs: opts.timeoutMs ?? 60_000,
      clock: this.clock,
      random: this.random,
    });
  }

  /** A client from kubeconfig files and flags, as kubectl finds them. */
  static fromKubeconfig(component: string, load: LoadOptions = {}, opts: Omit<KubeClientOptions, 'component' | 'config'> = {}): KubeClient {
    return new KubeClient({ ...opts, component, config: loadRestConfig(load) });
  }

  /** The namespace of the kubeconfig context ("default" without one). */
  get namespace(): string {
    return this.config.namespace;
  }

  resource<T extends ApiObject = KubeObject>(ref: ResourceRef): ResourceClient<T> {
    const res = resolveResource(ref);
    let rc = this.resources.get(res);
    if (!rc) this.resources.set(res, (rc = new ResourceClient<ApiObject>(this, res)));
    return rc as unknown as ResourceClient<T>;
  }

  /** GET of any path (discovery, /version, /healthz). */
  getPath<T = unknown>(path: string, signal?: AbortSignal): Promise<T> {
    return this.rest.json<T>({ method: 'GET', path, ...(signal ? { signal } : {}) });
  }

  watchDeps() {
    return { rest: this.rest, clock: this.clock, random: this.random };
  }

  close(): Promise<void> {
    return this.rest.close();
  }
}

export class ResourceClient<T extends ApiObject = KubeObject> {
  constructor(
    private readonly client: KubeClient,
    readonly info: ResourceInfo,
  ) {}

  private ns(namespace: string | undefined, obj?: ApiObject): string | undefined {
    if (!this.info.namespaced) return undefined;
    return namespace ?? obj?.metadata?.namespace ?? this.client.namespace;
  }

  private nameOf(obj: ApiObject): string {
    const name = obj.metadata?.name;
    if (!name) throw new Error(`${this.info.kind}: metadata.name is required`);
    return name;
  }

  /** Adds apiVersion and kind when the caller left them out. */
  private typed(obj: Body<T>): T {
    if (obj.apiVersion && obj.kind) return obj as T;
    return { ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(this.info), kind: obj.kind ?? this.info.kind } as T;
  }

  path(parts: { namespace?: string; name?: string; subresource?: string } = {}): string {
    return resourcePath(this.info, parts);
  }

  get(name: string, o: GetOptions = {}): Promise<T> {
    return this.client.rest.json<T>({
      method: 'GET',
      path: this.path({ namespace: this.ns(o.namespace), name }),
      query: { resourceVersion: o.resourceVersion },
      ...sig(o),
    });
  }

  /** One page. Without a namespace, a namespaced resource is listed across all namespaces. */
  list(o: ListOptions = {}): Promise<ObjectList<T>> {
    return this.client.rest.json<ObjectList<T>>({
      method: 'GET',
      path: this.path(o.namespace !== undefined ? { namespace: o.namespace } : {}),
      query: {
        labelSelector: o.labelSelector || undefined,
        fieldSelector: o.fieldSelector || undefined,
        limit: o.limit,
        continue: o.continue || undefined,
        resourceVersion: o.resourceVersion,
        resourceVersionMatch: o.resourceVersionMatch,
      },
      ...sig(o),
    });
  }

  /** Every page (limit per page, default 500), as one list at the first page's resourceVersion. */
  async listAll(o: ListOptions = {}): Promise<ObjectList<T>> {
    const limit = o.limit ?? 500;
    const first = await this.list({ ...o, limit });
    const items = [...first.items];
    let cont = first.metadata.continue;
    // Bounded: a page must make progress; 1e6 pages is far past any real list.
    for (let pages = 0; cont && pages < 1_000_000; pages++) {
      const page = await this.list({ ...o, limit, continue: cont, resourceVersion: undefined });
      for (const item of page.items) items.push(item);
      cont = page.metadata.continue;
    }
    return { ...first, metadata: { resourceVersion: first.metadata.resourceVersion }, items };
  }

  create(obj: Body<T>, o: WriteOptions = {}): Promise<T> {
    return this.client.rest.json<T>({
      method: 'POST',
      path: this.path({ namespace: this.ns(o.namespace, obj) }),
      query: writeQuery(o),
      body: this.typed(obj),
      ...sig(o),
    });
  }

  /** PUT: compare-and-swap when metadata.resourceVersion is set (409 Conflict when stale). */
  update(obj: Body<T>, o: WriteOptions = {}): Promise<T> {
    return this.client.rest.json<T>({
      method: 'PUT',
      path: this.path({ namespace: this.ns(o.namespace, obj), name: this.nameOf(obj) }),
      query: writeQuery(o),
      body: this.typed(obj),
      ...sig(o),
    });
  }

  updateStatus(obj: Body<T>, o: WriteOptions = {}): Promise<T> {
    return this.updateSubresource(this.nameOf(obj), 'status', this.typed(obj), { ...o, namespace: this.ns(o.namespace, obj) });
  }

  patch(name: string, type: PatchType, patch: unknown, o: PatchOptions = {}): Promise<T> {
    if (type === 'apply' && !o.fieldManager) throw new Error('server-side apply needs a fieldManager');
    return this.client.rest.json<T>({
      method: 'PATCH',
      path: this.path({ namespace: this.ns(o.namespace), name, ...(o.subresource ? { subresource: o.subresource } : {}) }),
      query: { ...writeQuery(o), ...(o.force !== undefined && type === 'apply' ? { force: String(o.force) } : {}) },
      body: patch,
      contentType: PATCH_CONTENT_TYPES[type],
      ...sig(o),
    });
  }

  /** Server-side apply of a whole object. */
  apply(obj: Body<T>, o: PatchOptions & { fieldManager: string }): Promise<T> {
    return this.patch(this.nameOf(obj), 'apply', this.typed(obj), { ...o, namespace: this.ns(o.namespace, obj) });
  }

  /** Answers the object (still terminating, or as deleted) or a Success Status, as the server does. */
  delete(name: string, o: DeleteOptions = {}): Promise<T | Status> {
    return this.client.rest.json<T | Status>({
      method: 'DELETE',
      path: this.path({ namespace: this.ns(o.namespace), name }),
      body: deleteBody(o),
      ...sig(o),
    });
  }

  deleteCollection(o: DeleteCollectionOptions = {}): Promise<ObjectList<T> | Status> {
    return this.client.rest.json<ObjectList<T> | Status>({
      method: 'DELETE',
      path: this.path({ namespace: this.ns(o.namespace) }),
      query: { labelSelector: o.labelSelector || undefined, fieldSelector: o.fieldSelector || undefined },
      body: deleteBody(o),
      ...sig(o),
    });
  }

  getSubresource<S = unknown>(name: string, subresource: string, o: GetOptions = {}): Promise<S> {
    return this.client.rest.json<S>({ method: 'GET', path: this.path({ namespace: this.ns(o.namespace), name, subresource }), ...sig(o) });
  }

  updateSubresource<S = unknown, R = S>(name: string, subresource: string, body: S, o: WriteOptions = {}): Promise<R> {
    return this.client.rest.json<R>({
      method: 'PUT',
      path: this.path({ namespace: this.ns(o.namespace), name, subresource }),
      query: writeQuery(o),
      body,
      ...sig(o),
    });
  }

  /** POST to a subresource: pods/binding, pods/eviction. */
  createSubresource<S = unknown, R = unknown>(name: string, subresource: string, body: S, o: WriteOptions = {}): Promise<R> {
    return this.client.rest.json<R>({
      method: 'POST',
      path: this.path({ namespace: this.ns(o.namespace), name, subresource }),
      query: writeQuery(o),
      body,
      ...sig(o),
    });
  }

  /** Binds a pod to a node (what the scheduler does). */
  bind(name: string, nodeName: string, o: WriteOptions & { uid?: string } = {}): Promise<Status> {
    const namespace = this.ns(o.namespace);
    return this.createSubresource(name, 'binding', {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name, ...(namespace ? { namespace } : {}), ...(o.uid ? { uid: o.uid } : {}) },
      target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
    }, o);
  }

  /** Evicts a pod through the policy/v1 Eviction subresource (PDBs are honoured server side). */
  evict(name: string, o: WriteOptions & { gracePeriodSeconds?: number } = {}): Promise<Status> {
    const namespace = this.ns(o.namespace);
    return this.createSubresource(name, 'eviction', {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name, ...(namespace ? { namespace } : {}) },
      ...(o.gracePeriodSeconds !== undefined ? { deleteOptions: { gracePeriodSeconds: o.gracePeriodSeconds } } : {}),
    }, o);
  }

  /** pods/log as a byte stream (follow keeps it open until the container ends or the signal aborts). */
  async log(name: string, o: LogOptions = {}): Promise<AsyncIterable<Uint8Array>> {
    const res = await this.client.rest.stream({
      method: 'GET',
      path: this.path({ namespace: this.ns(o.namespace), name, subresource: 'log' }),
      query: {
        container: o.container,
        follow: o.follow ? 'true' : undefined,
        previous: o.previous ? 'true' : undefined,
        tailLines: o.tailLines,
        sinceSeconds: o.sinceSeconds,
        timestamps: o.timestamps ? 'true' : undefined,
        limitBytes: o.limitBytes,
      },
      accept: '*/*',
      ...(o.follow ? { timeoutMs: 0 } : {}),
      ...sig(o),
    });
    return res.body;
  }

  /** Events from resourceVersion on, resuming across disconnects; see watch.ts. */
  watch(o: WatchOptions = {}): AsyncGenerator<WatchEvent<T>, void, undefined> {
    return watchEvents<T>(this.client.watchDeps(), this.watchPath(o), o, this.watchList(o));
  }

  /** The same events as they arrive, an array per answer or chunk (informers take them so). */
  watchBatches(o: WatchOptions = {}): AsyncGenerator<WatchEvent<T>[], void, undefined> {
    return watchBatches<T>(this.client.watchDeps(), this.watchPath(o), o, this.watchList(o));
  }

  private watchPath(o: WatchOptions): string {
    return this.path(o.namespace !== undefined ? { namespace: o.namespace } : {});
  }

  private watchList(o: WatchOptions): ListFn<T> {
    return (signal) =>
      this.list({
        ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
        ...(o.labelSelector ? { labelSelector: o.labelSelector } : {}),
        ...(o.fieldSelector ? { fieldSelector: o.fieldSelector } : {}),
        ...(signal ? { signal } : {}),
      });
  }
}
