// Validation of rbac.authorization.k8s.io/v1 Roles, ClusterRoles and their bindings
// (pkg/apis/rbac/validation). RBAC names only have to be valid URL path segments, so
// `system:controller:foo` is a fine name.

import { fieldError, FieldPath, type StatusCause } from '../field-errors.js';
import { validateLabelSelector, type LabelSelector } from '../labels.js';
import { isObj, isValidPathSegmentName, list, obj, type Obj, str } from './common.js';
import { nameIsDNSSubdomain, nameIsPathSegment, validateObjectMeta } from './meta.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function validatePolicyRule(rule: Obj, namespaced: boolean, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  if (list(rule, 'verbs').length === 0) causes.push(fieldError.required(path.child('verbs').toString(), 'verbs must contain at least one value'));
  const nonResourceURLs = list(rule, 'nonResourceURLs');
  if (nonResourceURLs.length > 0) {
    if (namespaced) causes.push(fieldError.invalid(path.child('nonResourceURLs').toString(), nonResourceURLs, 'namespaced rules cannot apply to non-resource URLs'));
    if (list(rule, 'apiGroups').length > 0 || list(rule, 'resources').length > 0 || list(rule, 'resourceNames').length > 0) {
      causes.push(fieldError.invalid(path.child('nonResourceURLs').toString(), nonResourceURLs, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return causes;
  }
  if (list(rule, 'apiGroups').length === 0) causes.push(fieldError.required(path.child('apiGroups').toString(), 'resource rules must supply at least one api group'));
  if (list(rule, 'resources').length === 0) causes.push(fieldError.required(path.child('resources').toString(), 'resource rules must supply at least one resource'));
  return causes;
}

function validateRules(role: Obj, namespaced: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  list(role, 'rules').forEach((r, i) => causes.push(...validatePolicyRule(isObj(r) ? r : {}, namespaced, new FieldPath('rules').index(i))));
  return causes;
}

export function validateRole(role: Obj): StatusCause[] {
  return [...validateObjectMeta(role['metadata'], { namespaced: true, nameFn: nameIsPathSegment }), ...validateRules(role, true)];
}

export function validateClusterRole(role: Obj): StatusCause[] {
  const causes = [...validateObjectMeta(role['metadata'], { namespaced: false, nameFn: nameIsPathSegment }), ...validateRules(role, false)];
  const aggregation = obj(role, 'aggregationRule');
  if (aggregation) {
    const path = new FieldPath('aggregationRule').child('clusterRoleSelectors');
    const selectors = list(aggregation, 'clusterRoleSelectors');
    if (selectors.length === 0) causes.push(fieldError.required(path.toString(), 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    selectors.forEach((s, i) => causes.push(...validateLabelSelector((isObj(s) ? s : {}) as LabelSelector, path.index(i))));
  }
  return causes;
}

function validateRoleRef(binding: Obj, allowedKinds: readonly string[]): StatusCause[] {
  const causes: StatusCause[] = [];
  const ref = obj(binding, 'roleRef') ?? {};
  const path = new FieldPath('roleRef');
  const apiGroup = str(ref, 'apiGroup');
  if (apiGroup !== RBAC_GROUP) causes.push(fieldError.notSupported(path.child('apiGroup').toString(), apiGroup, [RBAC_GROUP]));
  const kind = str(ref, 'kind');
  if (!allowedKinds.includes(kind)) causes.push(fieldError.notSupported(path.child('kind').toString(), kind, allowedKinds));
  const name = str(ref, 'name');
  if (name === '') causes.push(fieldError.required(path.child('name').toString()));
  else for (const msg of isValidPathSegmentName(name)) causes.push(fieldError.invalid(path.child('name').toString(), name, msg));
  return causes;
}

function validateSubject(subject: Obj, namespaced: boolean, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const name = str(subject, 'name');
  if (name === '') causes.push(fieldError.required(path.child('name').toString()));
  const apiGroup = str(subject, 'apiGroup');
  switch (str(subject, 'kind')) {
    case 'ServiceAccount':
      if (name !== '') for (const msg of nameIsDNSSubdomain(name, false)) causes.push(fieldError.invalid(path.child('name').toString(), name, msg));
      if (apiGroup !== '') causes.push(fieldError.notSupported(path.child('apiGroup').toString(), apiGroup, ['']));
      if (!namespaced && str(subject, 'namespace') === '') causes.push(fieldError.required(path.child('namespace').toString()));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC_GROUP) causes.push(fieldError.notSupported(path.child('apiGroup').toString(), apiGroup, [RBAC_GROUP]));
      break;
    default:
      causes.push(fieldError.notSupported(path.child('kind').toString(), str(subject, 'kind'), ['ServiceAccount', 'User', 'Group']));
  }
  return causes;
}

function validateBinding(binding: Obj, namespaced: boolean, allowedKinds: readonly string[]): StatusCause[] {
  const causes = validateObjectMeta(binding['metadata'], { namespaced, nameFn: nameIsPathSegment });
  causes.push(...validateRoleRef(binding, allowedKinds));
  list(binding, 'subjects').forEach((s, i) => causes.push(...validateSubject(isObj(s) ? s : {}, namespaced, new FieldPath('subjects').index(i))));
  return causes;
}

export function validateRoleBinding(binding: Obj): StatusCause[] {
  return validateBinding(binding, true, ['Role', 'ClusterRole']);
}

export function validateClusterRoleBinding(binding: Obj): StatusCause[] {
  return validateBinding(binding, false, ['ClusterRole']);
}
