// networking.k8s.io and discovery.k8s.io kinds: Ingresses and NetworkPolicies track spec changes
// in metadata.generation; an EndpointSlice bumps it on any change but metadata (labels
// included, since they tie it to its Service); its addressType is fixed.
import type { StatusCause } from '../../lib/api/field-errors.js';
import { child, type Obj } from '../../lib/api/objects.js';
import { semanticEqual } from './equality.js';
import { immutableField } from './go-format.js';
import { specChanged, type KindRules } from './kind-rules.js';

function withoutMeta(o: Obj): Obj {
  const { metadata: _m, apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}

function endpointSliceChanged(obj: Obj, old: Obj): boolean {
  return !semanticEqual(withoutMeta(obj), withoutMeta(old)) || !semanticEqual(child(child(obj, 'metadata'), 'labels'), child(child(old, 'metadata'), 'labels'));
}

function validateEndpointSliceUpdate(obj: Obj, old: Obj): StatusCause[] {
  return obj['addressType'] === old['addressType'] ? [] : [immutableField('addressType', obj['addressType'])];
}

/** Keyed by `group/Kind`. */
export const NETWORKING_RULES: Record<string, KindRules> = {
  'networking.k8s.io/Ingress': {
    initialStatus: () => ({ loadBalancer: {} }),
    generationChanged: specChanged,
  },
  'networking.k8s.io/NetworkPolicy': {
    generationChanged: specChanged,
  },
  'discovery.k8s.io/EndpointSlice': {
    generationChanged: endpointSliceChanged,
    validateUpdate: validateEndpointSliceUpdate,
  },
};
