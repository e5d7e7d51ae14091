// Validation of the workload controllers: apps/v1 Deployment, ReplicaSet, DaemonSet, StatefulSet,
// ControllerRevision, and core/v1 ReplicationController (pkg/apis/apps/validation and
// pkg/apis/core/validation). Each needs a selector that matches its pod template's labels.

import { fieldError, FieldPath, type StatusCause } from '../field-errors.js';
import { isEmpty, matches, selectorFromLabelSelector, selectorFromSet, validateLabelSelector, type LabelSelector, type Selector } from '../labels.js';
import { isValidPercent, validateLabels } from '../names.js';
import { dns1123Label, has, invalidIntOrString, isObj, list, nonNegative, num, obj, type Obj, str, strMap } from './common.js';
import { nameIsDNSSubdomain, validateObjectMeta } from './meta.js';
import { validatePodTemplateSpec, type PodSpecOptions } from './pod.js';
import { validatePersistentVolumeClaimTemplate } from './storage.js';

const META_RULES = { namespaced: true, nameFn: nameIsDNSSubdomain };
const DOES_NOT_MATCH = '`selector` does not match template `labels`';

/** LabelSelectorAsSelector; undefined when the selector does not convert (invalid keys/values). */
function toSelector(ls: unknown): Selector | undefined {
  try {
    return selectorFromLabelSelector(isObj(ls) ? (ls as LabelSelector) : undefined);
  } catch {
    return undefined;
  }
}

function templateLabels(template: Obj | undefined): Record<string, string> {
  return strMap(obj(template, 'metadata'), 'labels') ?? {};
}

/** Selector present, valid and non-empty; `kind` names the type in the empty-selector message. */
function validateRequiredSelector(spec: Obj, path: FieldPath, kind: string): StatusCause[] {
  const selector = obj(spec, 'selector');
  if (!selector) return [fieldError.required(path.child('selector').toString())];
  const causes = validateLabelSelector(selector as LabelSelector, path.child('selector'));
  if (list(selector, 'matchExpressions').length + Object.keys(obj(selector, 'matchLabels') ?? {}).length === 0) {
    causes.push(fieldError.invalid(path.child('selector').toString(), selector, `empty selector is invalid for ${kind}`));
  }
  return causes;
}

/**
 * ValidatePodTemplateSpecForReplicaSet (shared by Deployments, ReplicaSets and RCs): labels
 * matched by the selector, a valid pod template, restartPolicy Always, no activeDeadlineSeconds.
 */
function validateTemplateForReplicaSet(
  template: Obj | undefined,
  selector: Selector,
  path: FieldPath,
  owner: string,
  opts: PodSpecOptions = {},
): StatusCause[] {
  if (!template) return [fieldError.required(path.toString())];
  const causes: StatusCause[] = [];
  if (!isEmpty(selector) && !matches(selector, templateLabels(template))) {
    causes.push(fieldError.invalid(path.child('metadata').child('labels').toString(), templateLabels(template), DOES_NOT_MATCH));
  }
  causes.push(...validatePodTemplateSpec(template, path, opts));
  causes.push(...alwaysRestart(obj(template, 'spec'), path.child('spec')));
  if (has(obj(template, 'spec'), 'activeDeadlineSeconds')) {
    const value = obj(template, 'spec')!['activeDeadlineSeconds'];
    causes.push(
      owner === 'ReplicationController' || owner === 'StatefulSet'
        ? fieldError.forbidden(path.child('spec').child('activeDeadlineSeconds').toString(), `activeDeadlineSeconds in ${owner} is not Supported`)
        : fieldError.invalid(path.child('spec').child('activeDeadlineSeconds').toString(), value, `activeDeadlineSeconds in ${owner} is not Supported`),
    );
  }
  return causes;
}

function alwaysRestart(spec: Obj | undefined, specPath: FieldPath): StatusCause[] {
  const restartPolicy = str(spec, 'restartPolicy');
  // An empty value was already reported as required by the pod spec validation.
  if (restartPolicy === '' || restartPolicy === 'Always') return [];
  return [fieldError.notSupported(specPath.child('restartPolicy').toString(), restartPolicy, ['Always'])];
}

// ---- Deployment ----

export function validateDeployment(d: Obj): StatusCause[] {
  const causes = validateObjectMeta(d['metadata'], META_RULES);
  const path = new FieldPath('spec');
  const spec = obj(d, 'spec') ?? {};
  causes.push(...nonNegative(num(spec, 'replicas'), path.child('replicas')));
  causes.push(...validateRequiredSelector(spec, path, 'deployment'));
  const selector = toSelector(spec['selector']);
  if (!selector) causes.push(fieldError.invalid(path.child('selector').toString(), spec['selector'], 'invalid label selector'));
  else causes.push(...validateTemplateForReplicaSet(obj(spec, 'template'), selector, path.child('template'), 'ReplicaSet'));
  causes.push(...validateDeploymentStrategy(obj(spec, 'strategy') ?? {}, path.child('strategy')));
  const minReady = num(spec, 'minReadySeconds') ?? 0;
  causes.push(...nonNegative(minReady, path.child('minReadySeconds')));
  causes.push(...nonNegative(num(spec, 'revisionHistoryLimit'), path.child('revisionHistoryLimit')));
  const deadline = num(spec, 'progressDeadlineSeconds');
  if (deadline !== undefined) {
    causes.push(...nonNegative(deadline, path.child('progressDeadlineSeconds')));
    if (deadline <= minReady) {
      causes.push(fieldError.invalid(path.child('progressDeadlineSeconds').toString(), deadline, 'must be greater than minReadySeconds'));
    }
  }
  return causes;
}

function validateDeploymentStrategy(strategy: Obj, path: FieldPath): StatusCause[] {
  const type = str(strategy, 'type');
  if (type === 'Recreate') {
    if (has(strategy, 'rollingUpdate')) {
      return [fieldError.forbidden(path.child('rollingUpdate').toString(), "may not be specified when strategy `type` is 'Recreate'")];
    }
    return [];
  }
  if (type === 'RollingUpdate') {
    const rolling = obj(strategy, 'rollingUpdate');
    if (!rolling) return [fieldError.required(path.child('rollingUpdate').toString(), 'this should be defaulted and never be nil')];
    return validateRollingUpdate(rolling, path.child('rollingUpdate'), true);
  }
  return [fieldError.notSupported(path.toString(), strategy, ['Recreate', 'RollingUpdate'])];
}

/** ValidatePositiveIntOrPercent: a non-negative integer or "N%". */
function intOrPercent(value: unknown, path: FieldPath): StatusCause[] {
  if (typeof value === 'string') return isValidPercent(value).map((msg) => invalidIntOrString(path, value, msg));
  if (typeof value === 'number' && value < 0) return [invalidIntOrString(path, value, 'must be greater than or equal to 0')];
  return [];
}

/** Integer value, or the percentage for "N%"; undefined when unset. */
function intOrPercentValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^[0-9]+%$/.test(value)) return Number(value.slice(0, -1));
  return undefined;
}

function validateRollingUpdate(rolling: Obj, path: FieldPath, deployment: boolean): StatusCause[] {
  const maxUnavailable = rolling['maxUnavailable'];
  const maxSurge = rolling['maxSurge'];
  const causes = [...intOrPercent(maxUnavailable, path.child('maxUnavailable')), ...intOrPercent(maxSurge, path.child('maxSurge'))];
  const unavailable = intOrPercentValue(maxUnavailable) ?? 0;
  const surge = intOrPercentValue(maxSurge) ?? 0;
  if (unavailable === 0 && surge === 0) {
    causes.push(
      deployment
        ? invalidIntOrString(path.child('maxUnavailable'), maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0')
        : invalidIntOrString(path.child('maxUnavailable'), maxUnavailable ?? 0, 'cannot be 0 when maxSurge is 0'),
    );
  }
  if (typeof maxUnavailable === 'string' && unavailable > 100) {
    causes.push(invalidIntOrString(path.child('maxUnavailable'), maxUnavailable, 'must not be greater than 100%'));
  }
  return causes;
}

// ---- ReplicaSet ----

export function validateReplicaSet(rs: Obj): StatusCause[] {
  const causes = validateObjectMeta(rs['metadata'], META_RULES);
  const path = new FieldPath('spec');
  const spec = obj(rs, 'spec') ?? {};
  causes.push(...nonNegative(num(spec, 'replicas'), path.child('replicas')));
  causes.push(...nonNegative(num(spec, 'minReadySeconds'), path.child('minReadySeconds')));
  // Kubernetes says "deployment" here too.
  causes.push(...validateRequiredSelector(spec, path, 'deployment'));
  const selector = toSelector(spec['selector']);
  if (!selector) causes.push(fieldError.invalid(path.child('selector').toString(), spec['selector'], 'invalid label selector'));
  else causes.push(...validateTemplateForReplicaSet(obj(spec, 'template'), selector, path.child('template'), 'ReplicaSet'));
  return causes;
}

// ---- DaemonSet ----

export function validateDaemonSet(ds: Obj): StatusCause[] {
  const causes = validateObjectMeta(ds['metadata'], META_RULES);
  const path = new FieldPath('spec');
  const spec = obj(ds, 'spec') ?? {};
  const selectorObj = obj(spec, 'selector');
  if (!selectorObj) causes.push(fieldError.required(path.child('selector').toString()));
  else causes.push(...validateLabelSelector(selectorObj as LabelSelector, path.child('selector')));
  const template = obj(spec, 'template') ?? {};
  const selector = toSelector(selectorObj);
  if (selector && !matches(selector, templateLabels(template))) {
    causes.push(fieldError.invalid(path.child('template').child('metadata').child('labels').toString(), templateLabels(template), DOES_NOT_MATCH));
  }
  if (selectorObj && list(selectorObj, 'matchExpressions').length + Object.keys(obj(selectorObj, 'matchLabels') ?? {}).length === 0) {
    causes.push(fieldError.invalid(path.child('selector').toString(), selectorObj, 'empty selector is invalid for daemonset'));
  }
  causes.push(...validatePodTemplateSpec(template, path.child('template')));
  const templateSpec = obj(template, 'spec');
  causes.push(...alwaysRestart(templateSpec, path.child('template').child('spec')));
  if (has(templateSpec, 'activeDeadlineSeconds')) {
    causes.push(
      fieldError.invalid(
        path.child('template').child('spec').child('activeDeadlineSeconds').toString(),
        templateSpec!['activeDeadlineSeconds'],
        'activeDeadlineSeconds in DaemonSet is not Supported',
      ),
    );
  }
  causes.push(...nonNegative(num(spec, 'minReadySeconds'), path.child('minReadySeconds')));
  causes.push(...validateDaemonSetUpdateStrategy(obj(spec, 'updateStrategy') ?? {}, path.child('updateStrategy')));
  causes.push(...nonNegative(num(spec, 'revisionHistoryLimit'), path.child('revisionHistoryLimit')));
  return causes;
}

function validateDaemonSetUpdateStrategy(strategy: Obj, path: FieldPath): StatusCause[] {
  const type = str(strategy, 'type');
  if (type === 'OnDelete') return [];
  if (type === 'RollingUpdate') {
    const rolling = obj(strategy, 'rollingUpdate');
    if (!rolling) return [fieldError.required(path.child('rollingUpdate').toString())];
    return validateRollingUpdate(rolling, path.child('rollingUpdate'), false);
  }
  return [fieldError.notSupported(path.child('type').toString(), type, ['OnDelete', 'RollingUpdate'])];
}

// ---- StatefulSet ----

export function validateStatefulSet(sts: Obj): StatusCause[] {
  const causes = validateObjectMeta(sts['metadata'], META_RULES);
  const path = new FieldPath('spec');
  const spec = obj(sts, 'spec') ?? {};
  const policy = str(spec, 'podManagementPolicy');
  if (policy === '') causes.push(fieldError.required(path.child('podManagementPolicy').toString()));
  else if (policy !== 'OrderedReady' && policy !== 'Parallel') {
    causes.push(fieldError.invalid(path.child('podManagementPolicy').toString(), policy, "must be 'OrderedReady' or 'Parallel'"));
  }
  causes.push(...validateStatefulSetUpdateStrategy(obj(spec, 'updateStrategy') ?? {}, path.child('updateStrategy')));
  causes.push(...validateRetentionPolicy(obj(spec, 'persistentVolumeClaimRetentionPolicy'), path.child('persistentVolumeClaimRetentionPolicy')));
  causes.push(...nonNegative(num(obj(spec, 'ordinals'), 'start'), path.child('ordinals').child('start')));
  causes.push(...nonNegative(num(spec, 'replicas'), path.child('replicas')));
  causes.push(...nonNegative(num(spec, 'minReadySeconds'), path.child('minReadySeconds')));
  causes.push(...nonNegative(num(spec, 'revisionHistoryLimit'), path.child('revisionHistoryLimit')));
  causes.push(...validateRequiredSelector(spec, path, 'statefulset'));
  const serviceName = str(spec, 'serviceName');
  // Pods get <name>-<ordinal>.<serviceName> DNS names, so the governing Service's name must be a label.
  if (serviceName !== '') causes.push(...dns1123Label(serviceName, path.child('serviceName')));
  const claimNames = new Set<string>();
  for (const [claim, i] of list(spec, 'volumeClaimTemplates').map((c, i) => [c, i] as const)) {
    const claimObj = isObj(claim) ? claim : {};
    causes.push(...validatePersistentVolumeClaimTemplate(claimObj, path.child('volumeClaimTemplates').index(i)));
    const name = str(obj(claimObj, 'metadata'), 'name');
    if (name !== '') claimNames.add(name);
  }
  const selector = toSelector(spec['selector']);
  if (!selector) {
    causes.push(fieldError.invalid(path.child('selector').toString(), spec['selector'], ''));
  } else {
    const template = obj(spec, 'template');
    // Claim templates become volumes of the pods, so mounts may name them.
    causes.push(...validateTemplateForReplicaSet(template, selector, path.child('template'), 'StatefulSet', { extraVolumeNames: claimNames }));
  }
  return causes;
}

function validateStatefulSetUpdateStrategy(strategy: Obj, path: FieldPath): StatusCause[] {
  const type = str(strategy, 'type');
  const rolling = obj(strategy, 'rollingUpdate');
  switch (type) {
    case '':
      return [fieldError.required(path.toString())];
    case 'OnDelete':
      return rolling ? [fieldError.invalid(path.child('rollingUpdate').toString(), rolling, "only allowed for updateStrategy 'RollingUpdate'")] : [];
    case 'RollingUpdate': {
      if (!rolling) return [];
      const causes = nonNegative(num(rolling, 'partition'), path.child('rollingUpdate').child('partition'));
      const maxUnavailable = rolling['maxUnavailable'];
      if (maxUnavailable !== undefined && maxUnavailable !== null) {
        const p = path.child('rollingUpdate').child('maxUnavailable');
        causes.push(...intOrPercent(maxUnavailable, p));
        if (intOrPercentValue(maxUnavailable) === 0) causes.push(invalidIntOrString(p, maxUnavailable, 'must be greater than 0'));
        if (typeof maxUnavailable === 'string' && (intOrPercentValue(maxUnavailable) ?? 0) > 100) {
          causes.push(invalidIntOrString(p, maxUnavailable, 'must not be greater than 100%'));
        }
      }
      return causes;
    }
    default:
      return [fieldError.invalid(path.toString(), strategy, "must be 'RollingUpdate' or 'OnDelete'")];
  }
}

function validateRetentionPolicy(policy: Obj | undefined, path: FieldPath): StatusCause[] {
  if (!policy) return [];
  const causes: StatusCause[] = [];
  for (const key of ['whenDeleted', 'whenScaled']) {
    const value = str(policy, key);
    if (value !== 'Retain' && value !== 'Delete') causes.push(fieldError.notSupported(path.child(key).toString(), value, ['Retain', 'Delete']));
  }
  return causes;
}

// ---- ControllerRevision ----

export function validateControllerRevision(rev: Obj): StatusCause[] {
  const causes = validateObjectMeta(rev['metadata'], META_RULES);
  if (rev['data'] === undefined || rev['data'] === null) causes.push(fieldError.required('data', 'data is mandatory'));
  causes.push(...nonNegative(num(rev, 'revision'), new FieldPath('revision')));
  return causes;
}

// ---- ReplicationController ----

export function validateReplicationController(rc: Obj): StatusCause[] {
  const causes = validateObjectMeta(rc['metadata'], META_RULES);
  const path = new FieldPath('spec');
  const spec = obj(rc, 'spec') ?? {};
  causes.push(...nonNegative(num(spec, 'minReadySeconds'), path.child('minReadySeconds')));
  const selectorMap = strMap(spec, 'selector') ?? {};
  if (Object.keys(selectorMap).length === 0) causes.push(fieldError.required(path.child('selector').toString()));
  else causes.push(...validateLabels(selectorMap, path.child('selector')));
  causes.push(...nonNegative(num(spec, 'replicas'), path.child('replicas')));
  causes.push(
    ...validateTemplateForReplicaSet(obj(spec, 'template'), selectorFromSet(selectorMap), path.child('template'), 'ReplicationController'),
  );
  return causes;
}
