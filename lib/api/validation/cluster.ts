// Validation of cluster bookkeeping kinds: Namespace, Node, ServiceAccount, Event (core/v1) and
// Lease (coordination.k8s.io/v1).

import { fieldError, FieldPath, type StatusCause } from '../field-errors.js';
import { isQualifiedName, isValidLabelValue, validateLabelName } from '../names.js';
import { has, list, num, obj, objList, type Obj, str, validCIDR } from './common.js';
import { nameIsDNSLabel, nameIsDNSSubdomain, validateObjectMeta } from './meta.js';

const STANDARD_FINALIZERS = ['kubernetes', 'orphan', 'foregroundDeletion'];

export function validateNamespace(ns: Obj): StatusCause[] {
  const causes = validateObjectMeta(ns['metadata'], { namespaced: false, nameFn: nameIsDNSLabel });
  const path = new FieldPath('spec').child('finalizers');
  for (const f of list(obj(ns, 'spec'), 'finalizers')) {
    if (typeof f !== 'string') continue;
    for (const msg of isQualifiedName(f)) causes.push(fieldError.invalid(path.toString(), f, msg));
    if (!f.includes('/') && !STANDARD_FINALIZERS.includes(f)) {
      causes.push(fieldError.invalid(path.toString(), f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  }
  return causes;
}

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export function validateNode(node: Obj): StatusCause[] {
  const causes = validateObjectMeta(node['metadata'], { namespaced: false, nameFn: nameIsDNSSubdomain });
  const path = new FieldPath('spec');
  const spec = obj(node, 'spec') ?? {};
  causes.push(...validateTaints(spec, path.child('taints')));
  const podCIDR = str(spec, 'podCIDR');
  if (podCIDR !== '') causes.push(...validCIDR(podCIDR, path.child('podCIDR')));
  list(spec, 'podCIDRs').forEach((cidr, i) => {
    if (typeof cidr === 'string') causes.push(...validCIDR(cidr, path.child('podCIDRs').index(i)));
  });
  const podCIDRs = list(spec, 'podCIDRs');
  if (podCIDR !== '' && podCIDRs.length > 0 && podCIDRs[0] !== podCIDR) {
    causes.push(fieldError.invalid(path.child('podCIDRs').toString(), podCIDRs, 'must match `podCIDR` as its first value'));
  }
  return causes;
}

function validateTaints(spec: Obj, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  for (const [taint, i] of objList(spec, 'taints')) {
    const p = path.index(i);
    const key = str(taint, 'key');
    causes.push(...validateLabelName(key, p.child('key')));
    const value = str(taint, 'value');
    const msgs = isValidLabelValue(value);
    if (msgs.length > 0) causes.push(fieldError.invalid(p.child('value').toString(), value, msgs.join(';')));
    const effect = str(taint, 'effect');
    if (effect === '') causes.push(fieldError.required(p.child('effect').toString()));
    else if (!TAINT_EFFECTS.includes(effect)) causes.push(fieldError.notSupported(p.child('effect').toString(), effect, TAINT_EFFECTS));
    const pair = `${effect}\u0000${key}`;
    if (seen.has(pair)) {
      causes.push({ reason: 'FieldValueDuplicate', field: p.toString(), message: `Duplicate value: ${JSON.stringify(taint)}: taints must be unique by key and effect pair` });
      continue;
    }
    seen.add(pair);
  }
  return causes;
}

export function validateServiceAccount(sa: Obj): StatusCause[] {
  const causes = validateObjectMeta(sa['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain });
  for (const [ref, i] of objList(sa, 'imagePullSecrets')) {
    if (str(ref, 'name') === '') causes.push(fieldError.required(new FieldPath('imagePullSecrets').index(i).child('name').toString()));
  }
  return causes;
}

/** legacyValidateEvent + object meta: the involved object's namespace must match the event's. */
export function validateEvent(ev: Obj): StatusCause[] {
  const causes = validateObjectMeta(ev['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain });
  const namespace = str(obj(ev, 'metadata'), 'namespace');
  const involvedNamespace = str(obj(ev, 'involvedObject'), 'namespace');
  const mismatch = fieldError.invalid('involvedObject.namespace', involvedNamespace, 'does not match event.namespace');
  if (!has(ev, 'eventTime')) {
    if (involvedNamespace === '') {
      // Events about cluster-scoped objects live in "default" (or nowhere, for old clients).
      if (namespace !== '' && namespace !== 'default') causes.push(mismatch);
    } else if (namespace !== involvedNamespace) {
      causes.push(mismatch);
    }
  } else {
    if (involvedNamespace === '' && namespace !== 'default' && namespace !== 'kube-system') causes.push(mismatch);
    const controller = str(ev, 'reportingComponent');
    if (controller === '') causes.push(fieldError.required('reportingComponent'));
    else for (const msg of isQualifiedName(controller)) causes.push(fieldError.invalid('reportingComponent', controller, msg));
    const instance = str(ev, 'reportingInstance');
    if (instance === '') causes.push(fieldError.required('reportingInstance'));
    else if (instance.length > 128) causes.push(fieldError.tooLong('reportingInstance', '', 128));
    const action = str(ev, 'action');
    if (action === '') causes.push(fieldError.required('action'));
    else if (action.length > 128) causes.push(fieldError.tooLong('action', '', 128));
    const reason = str(ev, 'reason');
    if (reason === '') causes.push(fieldError.required('reason'));
    else if (reason.length > 128) causes.push(fieldError.tooLong('reason', '', 128));
    if (str(ev, 'message').length > 1024) causes.push(fieldError.tooLong('message', '', 1024));
  }
  const type = str(ev, 'type');
  if (type !== '' && type !== 'Normal' && type !== 'Warning') causes.push(fieldError.invalid('type', '', `has invalid value: ${type}`));
  return causes;
}

export function validateLease(lease: Obj): StatusCause[] {
  const causes = validateObjectMeta(lease['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain });
  const path = new FieldPath('spec');
  const spec = obj(lease, 'spec') ?? {};
  const duration = num(spec, 'leaseDurationSeconds');
  if (duration !== undefined && duration <= 0) {
    causes.push(fieldError.invalid(path.child('leaseDurationSeconds').toString(), duration, 'must be greater than 0'));
  }
  const transitions = num(spec, 'leaseTransitions');
  if (transitions !== undefined && transitions < 0) {
    causes.push(fieldError.invalid(path.child('leaseTransitions').toString(), transitions, 'must be greater than or equal to 0'));
  }
  return causes;
}
