// createAdmission: the built-in admission of this apiserver, run after a strategy prepared an
// object and before it is written:
//   create: NamespaceLifecycle → pod plugins (ServiceAccount, DefaultTolerationSeconds,
//           Priority) → Service cluster IP / node port allocation
//   update: Service allocation changes, pod priority kept; a changed Namespace is re-read next time
//   delete: system namespaces refused; a Service's IPs and ports released
// Expected call order (what the release rules rely on): strategy.prepareForCreate (assigns the
// uid that owns allocations) → validation → admitCreate → store write. When the store write of a
// create fails after admitCreate succeeded, call admitDelete(obj) to hand back what was allocated.
import { type Obj } from '../../lib/api/objects.js';
import { resourceFor, type ResourceInfo } from '../../lib/api/registry.js';
import type { KubeObject } from '../../lib/api/types.js';
import type { ResourceStore } from '../storage/interfaces.js';
import type { Admission, AdmissionDeps, StrategyContext } from './interfaces.js';
import { DEFAULT_NAMESPACE_CACHE_TTL_MS, NamespaceLifecycle } from './namespace-lifecycle.js';
import { PodAdmission } from './pod-admission.js';
import { NodePortRange, ServiceIPRange } from './ranges.js';
import { ServiceAllocator } from './service-allocation.js';

export interface AdmissionOptions {
  /** How long an Active namespace is trusted without reading it (default 1 s). */
  namespaceCacheTtlMs?: number;
  /** How long an allocation whose owner does not hold it yet is protected (default 30 s). */
  claimGraceMs?: number;
}

export const DEFAULT_CLAIM_GRACE_MS = 30_000;

function coreResource(plural: string): ResourceInfo {
  const r = resourceFor('', 'v1', plural);
  if (!r) throw new Error(`admission: resource ${plural} is not registered`);
  return r;
}

/** storeFor, asked once per resource and only when first needed. */
function lazyStore(deps: AdmissionDeps, res: ResourceInfo): () => ResourceStore {
  let store: ResourceStore | undefined;
  return () => (store ??= deps.storeFor(res));
}

function is(res: ResourceInfo, group: string, kind: string): boolean {
  return res.group === group && res.kind === kind;
}

const asObj = (o: KubeObject): Obj => o as unknown as Obj;

/** Throws a clear Error for a bad serviceCIDR or node port range (a configuration mistake). */
export function createAdmission(deps: AdmissionDeps, opts: AdmissionOptions = {}): Admission {
  const lifecycle = new NamespaceLifecycle(lazyStore(deps, coreResource('namespaces')), opts.namespaceCacheTtlMs ?? DEFAULT_NAMESPACE_CACHE_TTL_MS);
  const pods = new PodAdmission(lazyStore(deps, coreResource('serviceaccounts')));
  const services = new ServiceAllocator({
    kv: deps.kv,
    services: lazyStore(deps, coreResource('services')),
    ipRange: new ServiceIPRange(deps.serviceCIDR),
    portRange: new NodePortRange(deps.nodePortRange.min, deps.nodePortRange.max),
    claimGraceMs: opts.claimGraceMs ?? DEFAULT_CLAIM_GRACE_MS,
  });

  return {
    async admitCreate(o: KubeObject, ctx: StrategyContext): Promise<void> {
      const obj = asObj(o);
      await lifecycle.admitCreate(obj, ctx.resource, ctx.now);
      if (is(ctx.resource, '', 'Pod')) await pods.admitCreate(obj);
      if (is(ctx.resource, '', 'Service')) await services.allocateCreate(obj, ctx);
    },
    async admitUpdate(o: KubeObject, old: KubeObject, ctx: StrategyContext): Promise<void> {
      const obj = asObj(o);
      if (is(ctx.resource, '', 'Pod')) pods.admitUpdate(obj, asObj(old));
      if (is(ctx.resource, '', 'Service')) await services.allocateUpdate(obj, asObj(old), ctx);
      if (is(ctx.resource, '', 'Namespace')) {
        const name = o.metadata?.name;
        if (name) lifecycle.forget(name);
      }
    },
    async admitDelete(o: KubeObject, ctx: StrategyContext): Promise<void> {
      const obj = asObj(o);
      lifecycle.admitDelete(obj, ctx.resource);
      if (is(ctx.resource, '', 'Service')) await services.release(obj);
    },
  };
}
