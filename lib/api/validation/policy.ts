// Validation of ResourceQuotas and LimitRanges (core/v1): resource names, non-negative (and,
// where counted, whole) quantities, and a LimitRange's min ≤ defaultRequest ≤ default ≤ max.

import { fieldError, FieldPath, type StatusCause } from '../field-errors.js';
import { isQualifiedName } from '../names.js';
import { compare, newQuantity, type Quantity } from '../quantity.js';
import { isObj, list, obj, objList, type Obj, quantityAt, quantityText, str } from './common.js';
import { nameIsDNSSubdomain, validateObjectMeta } from './meta.js';

const STANDARD_QUOTA_RESOURCES = new Set([
  'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims',
  'services.nodeports', 'services.loadbalancers', 'cpu', 'memory', 'ephemeral-storage', 'requests.cpu',
  'requests.memory', 'requests.storage', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory',
  'limits.ephemeral-storage',
]);
const INTEGER_QUOTA_RESOURCES = new Set([
  'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims',
  'services.nodeports', 'services.loadbalancers',
]);
const QUOTA_SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity'];
const ZERO = newQuantity(0);
const ONE = newQuantity(1);

function isWhole(q: Quantity): boolean {
  return q.exponent >= 0 || q.unscaled % 10n ** BigInt(-q.exponent) === 0n;
}

function quotaQuantity(name: string, value: unknown, path: FieldPath): { q?: Quantity; causes: StatusCause[] } {
  const { quantity, causes } = quantityAt(value, path);
  if (!quantity) return { causes };
  if (compare(quantity, ZERO) < 0) causes.push(fieldError.invalid(path.toString(), quantityText(quantity), 'must be greater than or equal to 0'));
  const counted = INTEGER_QUOTA_RESOURCES.has(name) || name.startsWith('count/') || (name.includes('/') && !name.includes('kubernetes.io/'));
  if (counted && !isWhole(quantity)) causes.push(fieldError.invalid(path.toString(), quantityText(quantity), 'must be an integer'));
  return { q: quantity, causes };
}

export function validateResourceQuota(rq: Obj): StatusCause[] {
  const causes = validateObjectMeta(rq['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain });
  const path = new FieldPath('spec');
  const spec = obj(rq, 'spec') ?? {};
  const hard = obj(spec, 'hard') ?? {};
  for (const name of Object.keys(hard).sort()) {
    const p = path.child('hard').key(name);
    for (const msg of isQualifiedName(name)) causes.push(fieldError.invalid(p.toString(), name, msg));
    const plain = name.startsWith('requests.hugepages-') || name.startsWith('limits.hugepages-') || name.startsWith('hugepages-');
    if (!name.includes('/') && !STANDARD_QUOTA_RESOURCES.has(name) && !plain) {
      causes.push(fieldError.invalid(p.toString(), name, 'must be a standard resource for quota'));
    }
    causes.push(...quotaQuantity(name, hard[name], p).causes);
  }
  list(spec, 'scopes').forEach((scope, i) => {
    if (typeof scope !== 'string' || !QUOTA_SCOPES.includes(scope)) {
      causes.push(fieldError.notSupported(path.child('scopes').index(i).toString(), scope, QUOTA_SCOPES));
    }
  });
  return causes;
}

const LIMIT_TYPES = ['Pod', 'Container', 'PersistentVolumeClaim'];

export function validateLimitRange(lr: Obj): StatusCause[] {
  const causes = validateObjectMeta(lr['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain });
  const path = new FieldPath('spec').child('limits');
  const types = new Set<string>();
  for (const [item, i] of objList(obj(lr, 'spec'), 'limits')) {
    const p = path.index(i);
    const type = str(item, 'type');
    for (const msg of isQualifiedName(type)) causes.push(fieldError.invalid(p.child('type').toString(), type, msg));
    if (!type.includes('/') && !LIMIT_TYPES.includes(type)) {
      causes.push(fieldError.invalid(p.child('type').toString(), type, 'must be a standard limit type or fully qualified'));
    }
    if (types.has(type)) causes.push(fieldError.duplicate(p.child('type').toString(), type));
    types.add(type);
    const read = (key: string): Map<string, Quantity> => {
      const out = new Map<string, Quantity>();
      const m = obj(item, key) ?? {};
      for (const name of Object.keys(m).sort()) {
        const kp = p.child(key).key(name);
        for (const msg of isQualifiedName(name)) causes.push(fieldError.invalid(kp.toString(), name, msg));
        const { q, causes: qc } = quotaQuantity(name, m[name], kp);
        causes.push(...qc);
        if (q) out.set(name, q);
      }
      return out;
    };
    const max = read('max');
    const min = read('min');
    const ratio = read('maxLimitRequestRatio');
    let defaults = new Map<string, Quantity>();
    let defaultRequests = new Map<string, Quantity>();
    if (type === 'Pod') {
      if (isObj(item['default']) && Object.keys(item['default']).length > 0) {
        causes.push(fieldError.forbidden(p.child('default').toString(), "may not be specified when `type` is 'Pod'"));
      }
      if (isObj(item['defaultRequest']) && Object.keys(item['defaultRequest']).length > 0) {
        causes.push(fieldError.forbidden(p.child('defaultRequest').toString(), "may not be specified when `type` is 'Pod'"));
      }
    } else {
      defaults = read('default');
      defaultRequests = read('defaultRequest');
    }
    if (type === 'PersistentVolumeClaim' && !min.has('storage') && !max.has('storage')) {
      causes.push(fieldError.required(p.child('limits').toString(), 'either minimum or maximum storage value is required, but neither was provided'));
    }
    const keys = new Set([...max.keys(), ...min.keys(), ...defaults.keys(), ...defaultRequests.keys(), ...ratio.keys()]);
    for (const k of [...keys].sort()) {
      const mn = min.get(k);
      const mx = max.get(k);
      const df = defaults.get(k);
      const dr = defaultRequests.get(k);
      const r = ratio.get(k);
      const t = quantityText;
      if (mn && mx && compare(mn, mx) > 0) causes.push(fieldError.invalid(p.child('min').key(k).toString(), t(mn), `min value ${t(mn)} is greater than max value ${t(mx)}`));
      if (dr && mn && compare(mn, dr) > 0) causes.push(fieldError.invalid(p.child('defaultRequest').key(k).toString(), t(dr), `min value ${t(mn)} is greater than default request value ${t(dr)}`));
      if (dr && mx && compare(dr, mx) > 0) causes.push(fieldError.invalid(p.child('defaultRequest').key(k).toString(), t(dr), `default request value ${t(dr)} is greater than max value ${t(mx)}`));
      if (dr && df && compare(dr, df) > 0) causes.push(fieldError.invalid(p.child('defaultRequest').key(k).toString(), t(dr), `default request value ${t(dr)} is greater than default limit value ${t(df)}`));
      if (df && mn && compare(mn, df) > 0) causes.push(fieldError.invalid(p.child('default').key(k).toString(), t(mn), `min value ${t(mn)} is greater than default value ${t(df)}`));
      if (df && mx && compare(df, mx) > 0) causes.push(fieldError.invalid(p.child('default').key(k).toString(), t(mx), `default value ${t(df)} is greater than max value ${t(mx)}`));
      if (r && compare(r, ONE) < 0) causes.push(fieldError.invalid(p.child('maxLimitRequestRatio').key(k).toString(), t(r), `ratio ${t(r)} is less than 1`));
    }
  }
  return causes;
}
