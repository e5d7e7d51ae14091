// The per-resource rules applied before a write reaches storage (Kubernetes' "strategies" and
// built-in admission). Pure where possible: allocators that must be consistent across apiserver
// instances go through the store.
import type { StatusCause } from '../../lib/api/field-errors.js';
import type { ResourceInfo } from '../../lib/api/registry.js';
import type { KubeObject } from '../../lib/api/types.js';
import type { KvBackend, ResourceStore } from '../storage/interfaces.js';

export interface StrategyContext {
  resource: ResourceInfo;
  /** Epoch ms, injected. */
  now: number;
  /** Random uid generator, injected. */
  newUid: () => string;
  random: () => number;
}

export interface Strategy {
  /** PUT of a missing object creates it (Kubernetes: e.g. Lease, Event? — as upstream). */
  readonly allowCreateOnUpdate: boolean;
  /**
   * On create, after decode + defaults: server-managed metadata (uid, creationTimestamp,
   * generation 1, name from generateName), status reset where the status subresource owns it.
   */
  prepareForCreate(obj: KubeObject, ctx: StrategyContext): void;
  /** On update of the main resource: keep the old status, bump generation when spec changed, keep server-managed metadata. */
  prepareForUpdate(obj: KubeObject, old: KubeObject, ctx: StrategyContext): void;
  /** On update of /status: keep everything of the old object but status (and as upstream, some metadata). */
  prepareForStatusUpdate(obj: KubeObject, old: KubeObject, ctx: StrategyContext): void;
  /** Create-time semantic validation beyond lib/api validateObject (rarely needed). */
  validateCreate(obj: KubeObject): StatusCause[];
  /** Update validation: immutable fields and transitions (lib/api validateObject runs as well). */
  validateUpdate(obj: KubeObject, old: KubeObject): StatusCause[];
}

/** Built-in admission that needs other objects or shared allocations. */
export interface Admission {
  /** NamespaceLifecycle, ServiceAccount defaulting, ClusterIP/NodePort allocation, … Throws ApiError. */
  admitCreate(obj: KubeObject, ctx: StrategyContext): Promise<void>;
  admitUpdate(obj: KubeObject, old: KubeObject, ctx: StrategyContext): Promise<void>;
  /** Release what a deleted object held (service IPs and ports). Throws ApiError to refuse (e.g. deleting `default`). */
  admitDelete(obj: KubeObject, ctx: StrategyContext): Promise<void>;
}

export interface AdmissionDeps {
  kv: KvBackend;
  /** The store of another resource (namespaces, serviceaccounts, …). */
  storeFor(res: ResourceInfo): ResourceStore;
  serviceCIDR: string;
  nodePortRange: { min: number; max: number };
}
