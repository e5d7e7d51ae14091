// Validation of subresource bodies: autoscaling/v1 Scale (…/scale), core/v1 Binding
// (pods/{name}/binding) and policy/v1 Eviction (pods/{name}/eviction).

import { fieldError, FieldPath, type StatusCause } from '../field-errors.js';
import { nonNegative, num, obj, type Obj, str } from './common.js';
import { nameIsDNSSubdomain, validateObjectMeta } from './meta.js';

const META_RULES = { namespaced: true, nameFn: nameIsDNSSubdomain };

export function validateScale(scale: Obj): StatusCause[] {
  return [
    ...validateObjectMeta(scale['metadata'], META_RULES),
    ...nonNegative(num(obj(scale, 'spec'), 'replicas'), new FieldPath('spec').child('replicas')),
  ];
}

/** ValidatePodBinding: the target must be a Node, named. */
export function validateBinding(binding: Obj): StatusCause[] {
  const causes: StatusCause[] = [];
  const target = obj(binding, 'target');
  const kind = str(target, 'kind');
  if (kind !== '' && kind !== 'Node') causes.push(fieldError.notSupported('target.kind', kind, ['Node', '<empty>']));
  if (str(target, 'name') === '') causes.push(fieldError.required('target.name'));
  return causes;
}

export function validateEviction(eviction: Obj): StatusCause[] {
  return validateObjectMeta(eviction['metadata'], META_RULES);
}
