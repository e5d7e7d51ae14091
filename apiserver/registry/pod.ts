// Pods (pkg/registry/core/pod/strategy.go and ValidatePodUpdate): a new pod starts Pending with
// its QoS class computed; its spec is immutable afterwards except container images,
// activeDeadlineSeconds (only shortened), added tolerations, removed scheduling gates and the
// negative-grace-period fix-up.
import { fieldError, type StatusCause } from '../../lib/api/field-errors.js';
import { child, isObj, type Obj } from '../../lib/api/objects.js';
import { parseQuantity, sign, add, compare, type Quantity } from '../../lib/api/quantity.js';
import { changedPaths, formatChanges, semanticEqual } from './equality.js';
import { goStringMap, goValue, invalidRendered } from './go-format.js';
import type { KindRules } from './kind-rules.js';

export type PodQOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const QOS_RESOURCES = ['cpu', 'memory'] as const;

function objects(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObj) : [];
}

function positiveQuantities(list: Obj | undefined): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  for (const name of QOS_RESOURCES) {
    const raw = list?.[name];
    if (typeof raw !== 'string' && typeof raw !== 'number') continue;
    let q: Quantity;
    try {
      q = parseQuantity(String(raw));
    } catch {
      continue; // validation reports unparsable quantities
    }
    if (sign(q) > 0) out.set(name, q);
  }
  return out;
}

function addInto(total: Map<string, Quantity>, more: Map<string, Quantity>): void {
  for (const [name, q] of more) {
    const sum = total.get(name);
    total.set(name, sum ? add(sum, q) : q);
  }
}

/**
 * Kubernetes' ComputePodQOS: BestEffort without any cpu/memory request or limit; Guaranteed when
 * every container (init containers included) limits both cpu and memory and the summed requests
 * equal the summed limits; Burstable otherwise. Only values above zero count.
 */
export function computePodQOS(spec: Obj | undefined): PodQOSClass {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  for (const c of [...objects(spec?.['containers']), ...objects(spec?.['initContainers'])]) {
    const resources = child(c, 'resources');
    addInto(requests, positiveQuantities(child(resources, 'requests')));
    const containerLimits = positiveQuantities(child(resources, 'limits'));
    addInto(limits, containerLimits);
    if (!QOS_RESOURCES.every((r) => containerLimits.has(r))) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) {
      const lim = limits.get(name);
      if (!lim || compare(lim, req) !== 0) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

/** v1's deprecated `serviceAccount` mirrors serviceAccountName (Kubernetes' v1 conversion does this). */
export function mirrorServiceAccount(spec: Obj | undefined): void {
  if (!spec) return;
  const name = spec['serviceAccountName'];
  const deprecated = spec['serviceAccount'];
  if ((typeof name !== 'string' || name === '') && typeof deprecated === 'string' && deprecated !== '') {
    spec['serviceAccountName'] = deprecated;
  }
  const effective = spec['serviceAccountName'];
  if (typeof effective === 'string' && effective !== '') spec['serviceAccount'] = effective;
  else delete spec['serviceAccount'];
}

function initialPodStatus(pod: Obj): Obj {
  const spec = child(pod, 'spec');
  const status: Obj = { phase: 'Pending', qosClass: computePodQOS(spec) };
  // applySchedulingGatedCondition: a gated pod says why it is not being scheduled.
  if (objects(spec?.['schedulingGates']).length > 0) {
    status['conditions'] = [
      { type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates' },
    ];
  }
  return status;
}

export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/** ValidatePodSpecificAnnotationUpdates: the mirror-pod annotation cannot be added, changed or removed. */
function validateMirrorAnnotation(pod: Obj, old: Obj): StatusCause[] {
  const now = child(child(pod, 'metadata'), 'annotations') ?? {};
  const before = child(child(old, 'metadata'), 'annotations') ?? {};
  const causes: StatusCause[] = [];
  for (const [k, v] of Object.entries(before)) {
    if (k in now && now[k] === v) continue;
    if (k.startsWith(MIRROR_POD_ANNOTATION)) causes.push(fieldError.forbidden(`metadata.annotations[${k}]`, 'may not remove or update mirror pod annotation'));
  }
  for (const k of Object.keys(now)) {
    if (k in before) continue;
    if (k.startsWith(MIRROR_POD_ANNOTATION)) causes.push(fieldError.forbidden(`metadata.annotations[${k}]`, 'may not add mirror pod annotation'));
  }
  return causes;
}

/** ValidateContainerUpdates: the same number of containers, each with a non-blank image. */
function validateContainerUpdates(now: unknown, before: unknown, field: string): { causes: StatusCause[]; stop: boolean } {
  const a = Array.isArray(now) ? now : [];
  const b = Array.isArray(before) ? before : [];
  if (a.length !== b.length) return { causes: [fieldError.forbidden(field, 'pod updates may not add or remove containers')], stop: true };
  const causes: StatusCause[] = [];
  a.forEach((c, i) => {
    const image = isObj(c) && typeof c['image'] === 'string' ? c['image'] : '';
    if (image === '') causes.push(fieldError.required(`${field}[${i}].image`));
    else if (image.trim() !== image) causes.push(fieldError.invalid(`${field}[${i}].image`, image, 'must not have leading or trailing whitespace'));
  });
  return { causes, stop: false };
}

const MAX_INT32 = 2147483647;

function validateActiveDeadline(spec: Obj, oldSpec: Obj): StatusCause[] {
  const now = spec['activeDeadlineSeconds'];
  const before = oldSpec['activeDeadlineSeconds'];
  const field = 'spec.activeDeadlineSeconds';
  if (typeof now === 'number') {
    if (now < 0 || now > MAX_INT32) return [fieldError.invalid(field, now, `must be between 0 and ${MAX_INT32}, inclusive`)];
    if (typeof before === 'number' && before < now) return [fieldError.invalid(field, now, 'must be less than or equal to previous value')];
    return [];
  }
  if (typeof before === 'number') return [invalidRendered(field, goValue(now), 'must not update from a positive integer to nil value')];
  return [];
}

function tolerationMatches(a: Obj, b: Obj): boolean {
  for (const k of ['key', 'operator', 'value', 'effect']) {
    if ((a[k] ?? '') !== (b[k] ?? '')) return false;
  }
  return true;
}

/** validateOnlyAddedTolerations: every old toleration is still there (its tolerationSeconds may change). */
function validateOnlyAddedTolerations(spec: Obj, oldSpec: Obj): StatusCause[] {
  const now = objects(spec['tolerations']);
  for (const old of objects(oldSpec['tolerations'])) {
    if (!now.some((t) => tolerationMatches(old, t))) {
      return [fieldError.forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds')];
    }
  }
  return [];
}

/** validateOnlyDeletedSchedulingGates. */
function validateOnlyDeletedSchedulingGates(spec: Obj, oldSpec: Obj): StatusCause[] {
  const before = new Set(objects(oldSpec['schedulingGates']).map((g) => g['name']));
  const causes: StatusCause[] = [];
  objects(spec['schedulingGates']).forEach((g, i) => {
    if (!before.has(g['name'])) {
      causes.push(fieldError.forbidden(`spec.schedulingGates[${i}].name`, `only deletion is allowed, but found new scheduling gate '${String(g['name'])}'`));
    }
  });
  return causes;
}

export const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,' +
  '`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** ValidatePodUpdate (Kubernetes 1.30, in-place resize disabled). */
export function validatePodUpdate(pod: Obj, old: Obj): StatusCause[] {
  const causes = validateMirrorAnnotation(pod, old);
  const spec = child(pod, 'spec') ?? {};
  const oldSpec = child(old, 'spec') ?? {};
  for (const key of ['containers', 'initContainers']) {
    const r = validateContainerUpdates(spec[key], oldSpec[key], `spec.${key}`);
    causes.push(...r.causes);
    if (r.stop) return causes;
  }
  const deadline = validateActiveDeadline(spec, oldSpec);
  causes.push(...deadline);
  if (deadline.length > 0 && typeof spec['activeDeadlineSeconds'] === 'number') return causes;
  causes.push(...validateOnlyAddedTolerations(spec, oldSpec));
  causes.push(...validateOnlyDeletedSchedulingGates(spec, oldSpec));
  if (semanticEqual(spec, oldSpec)) return causes;

  // Put the updatable fields back to their old values; anything still different is forbidden.
  const munged = structuredClone(spec);
  for (const key of ['containers', 'initContainers']) {
    const oldContainers = objects(oldSpec[key]);
    objects(munged[key]).forEach((c, i) => {
      const image = oldContainers[i]?.['image'];
      if (image === undefined) delete c['image'];
      else c['image'] = image;
    });
  }
  restore(munged, oldSpec, 'activeDeadlineSeconds');
  restore(munged, oldSpec, 'schedulingGates');
  restore(munged, oldSpec, 'tolerations');
  const oldGrace = oldSpec['terminationGracePeriodSeconds'];
  if (typeof oldGrace === 'number' && oldGrace < 0 && munged['terminationGracePeriodSeconds'] === 1) munged['terminationGracePeriodSeconds'] = oldGrace;
  // A pod still gated may gain node selectors (but not change or lose them).
  if (objects(oldSpec['schedulingGates']).length > 0 && !semanticEqual(munged['nodeSelector'], oldSpec['nodeSelector'])) {
    const now = child(munged, 'nodeSelector') ?? {};
    const before = child(oldSpec, 'nodeSelector') ?? {};
    if (Object.entries(before).some(([k, v]) => now[k] !== v)) {
      causes.push(invalidRendered('spec.nodeSelector', goStringMap(munged['nodeSelector']), 'only additions to spec.nodeSelector are allowed (no mutations or deletions)'));
    }
    restore(munged, oldSpec, 'nodeSelector');
  }
  if (!semanticEqual(munged, oldSpec)) {
    const diff = formatChanges(changedPaths(oldSpec, munged, 'spec'));
    causes.push(fieldError.forbidden('spec', diff ? `${POD_UPDATE_FORBIDDEN}\n${diff}` : POD_UPDATE_FORBIDDEN));
  }
  return causes;
}

function restore(target: Obj, source: Obj, key: string): void {
  if (source[key] === undefined) delete target[key];
  else target[key] = structuredClone(source[key]);
}

export const POD_RULES: KindRules = {
  initialStatus: initialPodStatus,
  prepareForCreate(pod) {
    mirrorServiceAccount(child(pod, 'spec'));
  },
  prepareForUpdate(pod) {
    mirrorServiceAccount(child(pod, 'spec'));
  },
  prepareForStatusUpdate(pod, old) {
    // Old kubelets corrupted ownerReferences through /status, so the status path never changes them.
    const meta = child(pod, 'metadata');
    const oldRefs = child(old, 'metadata')?.['ownerReferences'];
    if (meta) {
      if (oldRefs === undefined) delete meta['ownerReferences'];
      else meta['ownerReferences'] = structuredClone(oldRefs);
    }
    // The QoS class is set once at creation; a status writer that dropped it gets it back.
    const status = child(pod, 'status');
    const oldQos = child(old, 'status')?.['qosClass'];
    if (status && (status['qosClass'] === undefined || status['qosClass'] === '') && oldQos !== undefined) status['qosClass'] = oldQos;
  },
  validateUpdate: validatePodUpdate,
};
