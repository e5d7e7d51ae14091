// Defaults of networking.k8s.io/v1 NetworkPolicies and discovery.k8s.io/v1 EndpointSlices.

import { child, defaultIfEmpty, defaultIfUnset, isEmptyList, objects, type Obj } from './util.js';

/**
 * NetworkPolicy: port protocol TCP; no policyTypes means Ingress, plus Egress when egress rules
 * are present.
 */
export function defaultNetworkPolicy(np: Obj): void {
  const spec = child(np, 'spec');
  if (!spec) return;
  for (const direction of ['ingress', 'egress']) {
    for (const rule of objects(spec, direction)) {
      for (const port of objects(rule, 'ports')) defaultIfEmpty(port, 'protocol', 'TCP');
    }
  }
  if (isEmptyList(spec, 'policyTypes')) {
    spec['policyTypes'] = isEmptyList(spec, 'egress') ? ['Ingress'] : ['Ingress', 'Egress'];
  }
}

/** EndpointSlice ports: name "" and protocol TCP. */
export function defaultEndpointSlice(slice: Obj): void {
  for (const port of objects(slice, 'ports')) {
    defaultIfUnset(port, 'name', '');
    defaultIfUnset(port, 'protocol', 'TCP');
  }
}
