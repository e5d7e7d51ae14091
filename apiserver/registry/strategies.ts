// strategyFor: the Strategy of every served resource, built from the shared metadata rules
// (meta.ts) and the kind's own rules (one file per kind family). Kinds without rules of their own
// get the shared ones only, as upstream's plain strategies do.
import type { StatusCause } from '../../lib/api/field-errors.js';
import type { Obj } from '../../lib/api/objects.js';
import type { ResourceInfo } from '../../lib/api/registry.js';
import type { KubeObject } from '../../lib/api/types.js';
import { APPS_RULES } from './apps.js';
import { AUTOSCALING_RULES } from './autoscaling.js';
import { BATCH_RULES } from './batch.js';
import { CORE_RULES } from './core.js';
import type { Strategy, StrategyContext } from './interfaces.js';
import type { KindRules } from './kind-rules.js';
import { metaOf, prepareCreateMeta, prepareUpdateMetaAfter, prepareUpdateMetaBefore, validateObjectMetaUpdate } from './meta.js';
import { NETWORKING_RULES } from './networking.js';
import { POD_RULES } from './pod.js';
import { RBAC_RULES } from './rbac.js';
import { SERVICE_RULES } from './service.js';
import { STORAGE_RULES } from './storage.js';

/** Keyed by `group/Kind` ('' group for core): every version of a kind shares its rules. */
const RULES: ReadonlyMap<string, KindRules> = new Map<string, KindRules>([
  ['/Pod', POD_RULES],
  ['/Service', SERVICE_RULES],
  ...Object.entries(CORE_RULES).map(([kind, r]) => [`/${kind}`, r] as [string, KindRules]),
  ...Object.entries(STORAGE_RULES).map(([kind, r]) => [kind === 'StorageClass' ? `storage.k8s.io/${kind}` : `/${kind}`, r] as [string, KindRules]),
  ...Object.entries(APPS_RULES).map(([kind, r]) => [`apps/${kind}`, r] as [string, KindRules]),
  ...Object.entries(BATCH_RULES).map(([kind, r]) => [`batch/${kind}`, r] as [string, KindRules]),
  ...Object.entries(AUTOSCALING_RULES).map(([kind, r]) => [`autoscaling/${kind}`, r] as [string, KindRules]),
  ...Object.entries(NETWORKING_RULES).map(([key, r]) => [key, r] as [string, KindRules]),
  ...Object.entries(RBAC_RULES).map(([kind, r]) => [`rbac.authorization.k8s.io/${kind}`, r] as [string, KindRules]),
  ['coordination.k8s.io/Lease', { allowCreateOnUpdate: true }],
]);

const NO_RULES: KindRules = {};

/** The rules of one kind (exported for tests and for callers that need a kind's pieces). */
export function rulesFor(res: Pick<ResourceInfo, 'group' | 'kind'>): KindRules {
  return RULES.get(`${res.group}/${res.kind}`) ?? NO_RULES;
}

function hasStatusSubresource(res: ResourceInfo): boolean {
  return res.subresources.some((s) => s.name === 'status');
}

const asObj = (o: KubeObject): Obj => o as unknown as Obj;

/** Everything but metadata and status (and the type fields) comes from `old`: a status write cannot change it. */
function restoreAllButStatus(obj: Obj, old: Obj): void {
  const keep = new Set(['apiVersion', 'kind', 'metadata', 'status']);
  for (const k of Object.keys(obj)) if (!keep.has(k)) delete obj[k];
  for (const [k, v] of Object.entries(old)) if (!keep.has(k)) obj[k] = structuredClone(v);
}

class KindStrategy implements Strategy {
  readonly allowCreateOnUpdate: boolean;
  private readonly hasStatus: boolean;

  constructor(
    res: ResourceInfo,
    private readonly rules: KindRules,
  ) {
    this.allowCreateOnUpdate = rules.allowCreateOnUpdate ?? false;
    this.hasStatus = hasStatusSubresource(res);
  }

  prepareForCreate(o: KubeObject, ctx: StrategyContext): void {
    const obj = asObj(o);
    prepareCreateMeta(obj, ctx);
    if (this.rules.generationChanged) metaOf(obj)['generation'] = 1;
    if (this.rules.initialStatus) obj['status'] = this.rules.initialStatus(obj, ctx);
    this.rules.prepareForCreate?.(obj, ctx);
  }

  prepareForUpdate(o: KubeObject, oldObject: KubeObject, ctx: StrategyContext): void {
    const obj = asObj(o);
    const old = asObj(oldObject);
    prepareUpdateMetaBefore(obj, old, ctx);
    if (this.hasStatus) {
      if (old['status'] === undefined) delete obj['status'];
      else obj['status'] = structuredClone(old['status']);
    }
    this.rules.prepareForUpdate?.(obj, old, ctx);
    if (this.rules.generationChanged?.(obj, old)) {
      const before = metaOf(old)['generation'];
      metaOf(obj)['generation'] = (typeof before === 'number' ? before : 0) + 1;
    }
    prepareUpdateMetaAfter(obj, old);
  }

  prepareForStatusUpdate(o: KubeObject, oldObject: KubeObject, ctx: StrategyContext): void {
    const obj = asObj(o);
    const old = asObj(oldObject);
    prepareUpdateMetaBefore(obj, old, ctx);
    restoreAllButStatus(obj, old);
    this.rules.prepareForStatusUpdate?.(obj, old, ctx);
    prepareUpdateMetaAfter(obj, old);
  }

  validateCreate(o: KubeObject): StatusCause[] {
    return this.rules.validateCreate?.(asObj(o)) ?? [];
  }

  validateUpdate(o: KubeObject, oldObject: KubeObject): StatusCause[] {
    const obj = asObj(o);
    const old = asObj(oldObject);
    return [...validateObjectMetaUpdate(obj, old), ...(this.rules.validateUpdate?.(obj, old) ?? [])];
  }
}

/** The strategy of a resource. Strategies hold no state, so callers may keep or rebuild them freely. */
export function strategyFor(res: ResourceInfo): Strategy {
  return new KindStrategy(res, rulesFor(res));
}
