// The write pipeline shared by create, update, patch and subresources: defaults → strategy →
// validation → admission → storage, as kube-apiserver's generic registry runs it.
import { applyDefaults } from '../lib/api/defaults/index.js';
import { validateObject } from '../lib/api/validation/index.js';
import { validateSchema } from '../lib/api/schema.js';
import { status } from '../lib/api/status.js';
import type { StatusCause } from '../lib/api/field-errors.js';
import type { ResourceInfo } from '../lib/api/registry.js';
import type { KubeObject } from '../lib/api/types.js';
import type { ApiDeps } from './deps.js';
import type { StrategyContext } from './registry/interfaces.js';
import { ApiError } from '../lib/api/errors.js';

export function strategyContext(deps: ApiDeps, res: ResourceInfo): StrategyContext {
  return { resource: res, now: deps.clock.now(), newUid: deps.newUid, random: deps.random };
}

function nameOf(obj: KubeObject): string {
  return obj.metadata?.name ?? obj.metadata?.generateName ?? '';
}

export function invalid(res: ResourceInfo, obj: KubeObject, causes: StatusCause[]): ApiError {
  return new ApiError(status.invalid(res.kind, nameOf(obj), causes, res.group || undefined));
}

async function validate(res: ResourceInfo, obj: KubeObject, extra: StatusCause[]): Promise<void> {
  const schemaCauses = await validateSchema(obj);
  if (schemaCauses.length > 0) throw invalid(res, obj, schemaCauses);
  const causes = [...validateObject(obj), ...extra];
  if (causes.length > 0) throw invalid(res, obj, causes);
}

/** Prepares a new object for storage; throws 422/403/404 as the real apiserver would. */
export async function prepareCreate(deps: ApiDeps, res: ResourceInfo, obj: KubeObject): Promise<KubeObject> {
  const ctx = strategyContext(deps, res);
  const strategy = deps.strategyFor(res);
  applyDefaults(obj);
  strategy.prepareForCreate(obj, ctx);
  await validate(res, obj, strategy.validateCreate(obj));
  await deps.admission.admitCreate(obj, ctx);
  return obj;
}

/** Prepares an update of the main resource (spec side). */
export async function prepareUpdate(deps: ApiDeps, res: ResourceInfo, obj: KubeObject, old: KubeObject): Promise<KubeObject> {
  const ctx = strategyContext(deps, res);
  const strategy = deps.strategyFor(res);
  applyDefaults(obj);
  strategy.prepareForUpdate(obj, old, ctx);
  await validate(res, obj, strategy.validateUpdate(obj, old));
  await deps.admission.admitUpdate(obj, old, ctx);
  return obj;
}

/** Prepares an update through the /status subresource. */
export async function prepareStatusUpdate(deps: ApiDeps, res: ResourceInfo, obj: KubeObject, old: KubeObject): Promise<KubeObject> {
  const ctx = strategyContext(deps, res);
  const strategy = deps.strategyFor(res);
  strategy.prepareForStatusUpdate(obj, old, ctx);
  await validate(res, obj, strategy.validateUpdate(obj, old));
  return obj;
}
