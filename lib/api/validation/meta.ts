// ObjectMeta validation (apimachinery's ValidateObjectMeta): name and generateName by the kind's
// name rule, namespace presence, labels, annotations, ownerReferences and finalizers.
// It runs on what the apiserver is about to store: a generateName has already produced a name,
// and the namespace from the URL has been filled in.

import { fieldError, FieldPath, type StatusCause } from '../field-errors.js';
import {
  isQualifiedName,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  validateAnnotations,
  validateLabels,
  validateNamespaceName,
  type ValidateNameFunc,
} from '../names.js';
import { isObj, isValidPathSegmentName, isValidPathSegmentPrefix, list, nonNegative, num, type Obj, str } from './common.js';

export { nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain };

/** Names that only have to work as a URL path segment (RBAC roles and bindings). */
export const nameIsPathSegment: ValidateNameFunc = (name, prefix) =>
  prefix ? isValidPathSegmentPrefix(name) : isValidPathSegmentName(name);

export interface ObjectMetaRules {
  /** Whether the kind lives in a namespace (metadata.namespace required) or not (forbidden). */
  namespaced: boolean;
  /** The kind's name rule (DNS subdomain for most kinds). */
  nameFn: ValidateNameFunc;
}

export function validateObjectMeta(meta: unknown, rules: ObjectMetaRules, path = new FieldPath('metadata')): StatusCause[] {
  const m: Obj = isObj(meta) ? meta : {};
  const causes: StatusCause[] = [];
  const generateName = str(m, 'generateName');
  if (generateName !== '') {
    for (const msg of rules.nameFn(generateName, true)) {
      causes.push(fieldError.invalid(path.child('generateName').toString(), generateName, msg));
    }
  }
  const name = str(m, 'name');
  if (name === '') {
    causes.push(fieldError.required(path.child('name').toString(), 'name or generateName is required'));
  } else {
    for (const msg of rules.nameFn(name, false)) causes.push(fieldError.invalid(path.child('name').toString(), name, msg));
  }
  const namespace = str(m, 'namespace');
  if (rules.namespaced) {
    if (namespace === '') {
      causes.push(fieldError.required(path.child('namespace').toString()));
    } else {
      for (const msg of validateNamespaceName(namespace, false)) {
        causes.push(fieldError.invalid(path.child('namespace').toString(), namespace, msg));
      }
    }
  } else if (namespace !== '') {
    causes.push(fieldError.forbidden(path.child('namespace').toString(), 'not allowed on this type'));
  }
  causes.push(...nonNegative(num(m, 'generation'), path.child('generation')));
  causes.push(...validateLabels(m['labels'], path.child('labels')));
  causes.push(...validateAnnotations(m['annotations'], path.child('annotations')));
  causes.push(...validateOwnerReferences(list(m, 'ownerReferences'), path.child('ownerReferences')));
  causes.push(...validateFinalizers(list(m, 'finalizers'), path.child('finalizers')));
  return causes;
}

/** ValidateOwnerReferences: each reference complete; at most one controller. */
export function validateOwnerReferences(refs: unknown[], path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  let firstController = '';
  for (const raw of refs) {
    const ref: Obj = isObj(raw) ? raw : {};
    const apiVersion = str(ref, 'apiVersion');
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    // Kubernetes reports these on the list's path, not the element's.
    if (version === '') causes.push(fieldError.invalid(path.child('apiVersion').toString(), apiVersion, 'version must not be empty'));
    if (str(ref, 'kind') === '') causes.push(fieldError.invalid(path.child('kind').toString(), str(ref, 'kind'), 'kind must not be empty'));
    if (str(ref, 'name') === '') causes.push(fieldError.invalid(path.child('name').toString(), str(ref, 'name'), 'name must not be empty'));
    if (str(ref, 'uid') === '') causes.push(fieldError.invalid(path.child('uid').toString(), str(ref, 'uid'), 'uid must not be empty'));
    if (ref['controller'] === true) {
      const current = `${str(ref, 'kind')}/${str(ref, 'name')}`;
      if (firstController !== '') {
        causes.push(
          fieldError.invalid(
            path.toString(),
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
          ),
        );
      } else {
        firstController = current;
      }
    }
  }
  return causes;
}

/** ValidateFinalizers: qualified names; orphan and foregroundDeletion exclude each other. */
export function validateFinalizers(finalizers: unknown[], path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const names = finalizers.filter((f): f is string => typeof f === 'string');
  for (const f of names) {
    for (const msg of isQualifiedName(f)) causes.push(fieldError.invalid(path.toString(), f, msg));
  }
  if (names.includes('orphan') && names.includes('foregroundDeletion')) {
    causes.push(fieldError.invalid(path.toString(), names, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return causes;
}
