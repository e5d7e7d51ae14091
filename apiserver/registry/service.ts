// Services (pkg/registry/core/service/strategy.go and storage/storage.go): on update an omitted
// clusterIP/nodePort keeps its allocated value (so `kubectl apply` of a manifest without them is
// a no-op), fields that only made sense for the old type are dropped when the type changes, and
// allocated cluster IPs and IP families cannot change. Allocation itself is admission's job
// (service-allocation.ts), since it needs the store.
import { type StatusCause } from '../../lib/api/field-errors.js';
import { child, isObj, type Obj } from '../../lib/api/objects.js';
import { semanticEqual } from './equality.js';
import { goStringSlice, goValue, invalidRendered } from './go-format.js';
import type { KindRules } from './kind-rules.js';

function specOf(svc: Obj): Obj {
  const s = svc['spec'];
  if (isObj(s)) return s;
  const created: Obj = {};
  svc['spec'] = created;
  return created;
}

function typeOf(spec: Obj): string {
  return typeof spec['type'] === 'string' ? spec['type'] : '';
}

function ports(spec: Obj): Obj[] {
  return Array.isArray(spec['ports']) ? spec['ports'].filter(isObj) : [];
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

/** Every type but ExternalName has cluster IPs (or is headless). */
export function needsClusterIP(spec: Obj): boolean {
  return typeOf(spec) !== 'ExternalName';
}

export function needsNodePorts(spec: Obj): boolean {
  const t = typeOf(spec);
  return t === 'NodePort' || t === 'LoadBalancer';
}

/** A LoadBalancer with externalTrafficPolicy Local gets a health-check node port. */
export function needsHealthCheckNodePort(spec: Obj): boolean {
  return typeOf(spec) === 'LoadBalancer' && spec['externalTrafficPolicy'] === 'Local';
}

/** clusterIPs = ["None"]. */
export function isHeadless(spec: Obj): boolean {
  const ips = strings(spec['clusterIPs']);
  return ips.length === 1 && ips[0] === 'None';
}

/** The node ports of the service's ports (not the health-check port), deduplicated. */
export function nodePortsOf(spec: Obj): number[] {
  const out = new Set<number>();
  for (const p of ports(spec)) if (typeof p['nodePort'] === 'number' && p['nodePort'] !== 0) out.add(p['nodePort']);
  return [...out];
}

/** patchAllocatedValues: what the client left out of an update keeps its allocated value. */
export function patchAllocatedValues(spec: Obj, oldSpec: Obj): void {
  if (needsClusterIP(oldSpec) && needsClusterIP(spec)) {
    if ((spec['clusterIP'] ?? '') === '' && oldSpec['clusterIP'] !== undefined) spec['clusterIP'] = oldSpec['clusterIP'];
    if (strings(spec['clusterIPs']).length === 0 && strings(oldSpec['clusterIPs']).length > 0) spec['clusterIPs'] = [...strings(oldSpec['clusterIPs'])];
  }
  if (needsNodePorts(oldSpec) && needsNodePorts(spec)) {
    // Ports already used by the new spec cannot be patched in a second time.
    const used = new Set(nodePortsOf(spec).filter((p) => nodePortsOf(oldSpec).includes(p)));
    const byName = new Map<string, unknown>();
    for (const p of ports(oldSpec)) byName.set(typeof p['name'] === 'string' ? p['name'] : '', p['nodePort']);
    for (const p of ports(spec)) {
      if (p['nodePort'] !== undefined && p['nodePort'] !== null && p['nodePort'] !== 0) continue;
      const old = byName.get(typeof p['name'] === 'string' ? p['name'] : '');
      if (typeof old === 'number' && old !== 0 && !used.has(old)) p['nodePort'] = old;
    }
  }
  if (needsHealthCheckNodePort(oldSpec) && needsHealthCheckNodePort(spec)) {
    if ((spec['healthCheckNodePort'] ?? 0) === 0 && oldSpec['healthCheckNodePort'] !== undefined) spec['healthCheckNodePort'] = oldSpec['healthCheckNodePort'];
  }
}

function same(spec: Obj, oldSpec: Obj, key: string): boolean {
  return semanticEqual(spec[key], oldSpec[key]);
}

/**
 * dropTypeDependentFields: when the type changes away from what a field was for, and the client
 * left the field as it was (it was probably just carried over), drop it. Cluster IPs and node
 * ports dropped here are released by admission.
 */
export function dropTypeDependentFields(svc: Obj, old: Obj): void {
  const spec = specOf(svc);
  const oldSpec = child(old, 'spec') ?? {};
  if (needsClusterIP(oldSpec) && !needsClusterIP(spec)) {
    if (same(spec, oldSpec, 'clusterIPs')) {
      delete spec['clusterIP'];
      delete spec['clusterIPs'];
    }
    if (same(spec, oldSpec, 'ipFamilies')) delete spec['ipFamilies'];
    if (same(spec, oldSpec, 'ipFamilyPolicy')) delete spec['ipFamilyPolicy'];
  }
  if (needsNodePorts(oldSpec) && !needsNodePorts(spec) && semanticEqual(nodePortsOf(spec), nodePortsOf(oldSpec))) {
    for (const p of ports(spec)) delete p['nodePort'];
  }
  if (needsHealthCheckNodePort(oldSpec) && !needsHealthCheckNodePort(spec) && same(spec, oldSpec, 'healthCheckNodePort')) {
    delete spec['healthCheckNodePort'];
  }
  if (typeOf(oldSpec) === 'LoadBalancer' && typeOf(spec) !== 'LoadBalancer') {
    if (typeof spec['allocateLoadBalancerNodePorts'] === 'boolean' && spec['allocateLoadBalancerNodePorts'] === oldSpec['allocateLoadBalancerNodePorts']) {
      delete spec['allocateLoadBalancerNodePorts'];
    }
    if (same(spec, oldSpec, 'loadBalancerClass')) delete spec['loadBalancerClass'];
  }
  if (externallyAccessible(oldSpec) && !externallyAccessible(spec) && same(spec, oldSpec, 'externalTrafficPolicy')) {
    delete spec['externalTrafficPolicy'];
  }
  // Load-balancer status means nothing for other types.
  if (typeOf(spec) !== 'LoadBalancer') {
    const status = child(svc, 'status');
    if (status) status['loadBalancer'] = {};
  }
}

function externallyAccessible(spec: Obj): boolean {
  const t = typeOf(spec);
  return t === 'LoadBalancer' || t === 'NodePort' || (t === 'ClusterIP' && strings(spec['externalIPs']).length > 0);
}

const MAY_NOT_CHANGE = 'may not change once set';

/** validateUpgradeDowngradeClusterIPs and …IPFamilies for a single-stack cluster. */
function validateAllocatedFieldsUpdate(spec: Obj, oldSpec: Obj): StatusCause[] {
  if (typeOf(spec) === 'ExternalName' || typeOf(oldSpec) === 'ExternalName') return [];
  const causes: StatusCause[] = [];
  const headless = isHeadless(spec);
  const oldHeadless = isHeadless(oldSpec);
  const ips = strings(spec['clusterIPs']);
  const oldIps = strings(oldSpec['clusterIPs']);
  const shownIps = goStringSlice(spec['clusterIPs']);
  if (!(headless && oldHeadless)) {
    if (ips.length === oldIps.length) {
      oldIps.forEach((ip, i) => {
        if (ip !== ips[i]) causes.push(invalidRendered(`spec.clusterIPs[${i}]`, shownIps, MAY_NOT_CHANGE));
      });
    } else if (ips.length < oldIps.length) {
      if (ips.length === 0) causes.push(invalidRendered('spec.clusterIPs[0]', shownIps, 'primary clusterIP can not be unset'));
      else if (ips[0] !== oldIps[0]) causes.push(invalidRendered('spec.clusterIPs[0]', shownIps, MAY_NOT_CHANGE));
    } else if (oldIps.length > 0 && ips[0] !== oldIps[0]) {
      causes.push(invalidRendered('spec.clusterIPs[0]', shownIps, MAY_NOT_CHANGE));
    }
  }
  if (headless === oldHeadless && !headless) {
    const families = strings(spec['ipFamilies']);
    const oldFamilies = strings(oldSpec['ipFamilies']);
    const shown = goStringSlice(spec['ipFamilies'], '[]core.IPFamily');
    if (families.length === oldFamilies.length) {
      if (oldFamilies.some((f, i) => f !== families[i])) causes.push(invalidRendered('spec.ipFamilies[0]', shown, MAY_NOT_CHANGE));
    } else if (families.length < oldFamilies.length && families.length === 0) {
      causes.push(invalidRendered('spec.ipFamilies[0]', shown, 'primary ipFamily can not be unset'));
    } else if (families.length > 0 && oldFamilies.length > 0 && families[0] !== oldFamilies[0]) {
      causes.push(invalidRendered('spec.ipFamilies[0]', shown, MAY_NOT_CHANGE));
    }
  }
  return causes;
}

export function validateServiceUpdate(svc: Obj, old: Obj): StatusCause[] {
  const spec = child(svc, 'spec') ?? {};
  const oldSpec = child(old, 'spec') ?? {};
  const causes = validateAllocatedFieldsUpdate(spec, oldSpec);
  if (typeOf(spec) === 'LoadBalancer' && typeOf(oldSpec) === 'LoadBalancer' && !same(spec, oldSpec, 'loadBalancerClass')) {
    causes.push(invalidRendered('spec.loadBalancerClass', goValue(spec['loadBalancerClass']), MAY_NOT_CHANGE));
  }
  return causes;
}

export const SERVICE_RULES: KindRules = {
  allowCreateOnUpdate: true,
  initialStatus: () => ({ loadBalancer: {} }),
  prepareForUpdate(svc, old) {
    patchAllocatedValues(specOf(svc), child(old, 'spec') ?? {});
    dropTypeDependentFields(svc, old);
  },
  validateUpdate: validateServiceUpdate,
};
