// Defaults of core/v1 Services: SetDefaults_Service (pkg/apis/core/v1/defaults.go) plus the IP
// fields that the real apiserver's Service REST storage fills in on create (clusterIP and
// clusterIPs kept in step, IP families). This cluster is single-stack IPv4, so every
// non-ExternalName Service gets SingleStack / [IPv4], what a real single-stack cluster returns.

import { child, defaultIfEmpty, defaultIfUnset, isEmptyList, objects, type Obj } from './util.js';

/** sessionAffinityConfig.clientIP.timeoutSeconds default: 3 hours. */
export const DEFAULT_CLIENT_IP_AFFINITY_SECONDS = 10800;

export function defaultService(svc: Obj): void {
  const spec = child(svc, 'spec');
  if (!spec) return;
  defaultIfEmpty(spec, 'sessionAffinity', 'None');
  if (spec['sessionAffinity'] === 'None') {
    delete spec['sessionAffinityConfig'];
  } else if (spec['sessionAffinity'] === 'ClientIP') {
    const timeout = child(child(spec, 'sessionAffinityConfig'), 'clientIP')?.['timeoutSeconds'];
    if (timeout === undefined || timeout === null) {
      spec['sessionAffinityConfig'] = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_AFFINITY_SECONDS } };
    }
  }
  defaultIfEmpty(spec, 'type', 'ClusterIP');
  const type = spec['type'];
  for (const port of objects(spec, 'ports')) {
    defaultIfEmpty(port, 'protocol', 'TCP');
    // targetPort 0 or "" means "same as port".
    if (typeof port['port'] === 'number') defaultIfEmpty(port, 'targetPort', port['port']);
  }
  if (externallyAccessible(spec)) defaultIfEmpty(spec, 'externalTrafficPolicy', 'Cluster');
  if (type === 'ClusterIP' || type === 'NodePort' || type === 'LoadBalancer') {
    defaultIfUnset(spec, 'internalTrafficPolicy', 'Cluster');
  }
  if (type === 'LoadBalancer') defaultIfUnset(spec, 'allocateLoadBalancerNodePorts', true);
  syncClusterIPs(spec);
  if (type !== 'ExternalName') {
    defaultIfUnset(spec, 'ipFamilyPolicy', 'SingleStack');
    if (isEmptyList(spec, 'ipFamilies')) spec['ipFamilies'] = ['IPv4'];
  }
}

/**
 * The Service strategy keeps clusterIP and clusterIPs in step before validation: either one
 * given alone fills in the other (`clusterIP: None` becomes `clusterIPs: [None]`).
 */
function syncClusterIPs(spec: Obj): void {
  const clusterIP = spec['clusterIP'];
  const clusterIPs = spec['clusterIPs'];
  if (typeof clusterIP === 'string' && clusterIP !== '' && isEmptyList(spec, 'clusterIPs')) {
    spec['clusterIPs'] = [clusterIP];
  } else if ((clusterIP === undefined || clusterIP === null || clusterIP === '') && Array.isArray(clusterIPs)) {
    if (typeof clusterIPs[0] === 'string' && clusterIPs[0] !== '') spec['clusterIP'] = clusterIPs[0];
  }
}

/** NodePort and LoadBalancer Services, and ClusterIP Services with external IPs. */
export function externallyAccessible(spec: Obj): boolean {
  const type = spec['type'];
  return (
    type === 'LoadBalancer' ||
    type === 'NodePort' ||
    (type === 'ClusterIP' && Array.isArray(spec['externalIPs']) && spec['externalIPs'].length > 0)
  );
}
