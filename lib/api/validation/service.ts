// core/v1 Service validation (pkg/apis/core/validation ValidateService), plus the node-port range
// check that Kubernetes' port allocator performs on create. Expects a defaulted Service (type,
// sessionAffinity, protocols, internalTrafficPolicy, clusterIPs synced with clusterIP).

import { fieldError, FieldPath, type StatusCause } from '../field-errors.js';
import { isQualifiedName, isValidPortNum, validateLabels } from '../names.js';
import { externallyAccessible } from '../defaults/service.js';
import { dns1123Label, dns1123Subdomain, list, obj, objList, type Obj, optStr, portNumOrName, str, validIP } from './common.js';
import { nameIsDNS1035Label, validateObjectMeta } from './meta.js';
import { validateProtocol } from './pod.js';

export const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
/** The apiserver's default --service-node-port-range. */
export const DEFAULT_NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;
const KUBELET_PORT = 10250;

export interface ServiceValidationOptions {
  nodePortRange?: { min: number; max: number };
}

function isHeadless(spec: Obj): boolean {
  const ips = list(spec, 'clusterIPs');
  return ips.length === 1 && ips[0] === 'None';
}

export function validateService(svc: Obj, opts: ServiceValidationOptions = {}): StatusCause[] {
  const causes = validateObjectMeta(svc['metadata'], { namespaced: true, nameFn: nameIsDNS1035Label });
  const path = new FieldPath('spec');
  const spec = obj(svc, 'spec') ?? {};
  const type = str(spec, 'type');
  const ports = list(spec, 'ports');
  const headless = isHeadless(spec);
  if (ports.length === 0 && !headless && type !== 'ExternalName') causes.push(fieldError.required(path.child('ports').toString()));
  const firstClusterIP = list(spec, 'clusterIPs')[0];
  switch (type) {
    case 'LoadBalancer':
      if (headless) causes.push(fieldError.invalid(path.child('clusterIPs').index(0).toString(), firstClusterIP, "may not be set to 'None' for LoadBalancer services"));
      for (const [port, i] of objList(spec, 'ports')) {
        if (port['port'] === KUBELET_PORT) {
          causes.push(fieldError.invalid(path.child('ports').index(i).toString(), KUBELET_PORT, `may not expose port ${KUBELET_PORT} externally since it is used by kubelet`));
        }
      }
      break;
    case 'NodePort':
      if (headless) causes.push(fieldError.invalid(path.child('clusterIPs').index(0).toString(), firstClusterIP, "may not be set to 'None' for NodePort services"));
      break;
    case 'ExternalName': {
      if (list(spec, 'clusterIPs').length > 0) causes.push(fieldError.forbidden(path.child('clusterIPs').toString(), 'may not be set for ExternalName services'));
      if (list(spec, 'ipFamilies').length > 0) causes.push(fieldError.forbidden(path.child('ipFamilies').toString(), 'may not be set for ExternalName services'));
      if (optStr(spec, 'ipFamilyPolicy') !== undefined) causes.push(fieldError.forbidden(path.child('ipFamilyPolicy').toString(), 'may not be set for ExternalName services'));
      // A trailing dot marks the name as fully qualified.
      const cname = str(spec, 'externalName').replace(/\.$/, '');
      if (cname !== '') causes.push(...dns1123Subdomain(cname, path.child('externalName')));
      else causes.push(fieldError.required(path.child('externalName').toString()));
      break;
    }
  }
  const portNames = new Set<string>();
  ports.forEach((raw, i) => {
    causes.push(...validateServicePort(raw, ports.length > 1, portNames, path.child('ports').index(i)));
  });
  causes.push(...validateLabels(spec['selector'], path.child('selector')));
  causes.push(...validateSessionAffinity(spec, path));
  causes.push(...validateClusterIPs(spec, path));
  list(spec, 'externalIPs').forEach((ip, i) => {
    if (typeof ip === 'string') causes.push(...validIP(ip, path.child('externalIPs').index(i)));
  });
  if (type === '') causes.push(fieldError.required(path.child('type').toString()));
  else if (!SERVICE_TYPES.includes(type)) causes.push(fieldError.notSupported(path.child('type').toString(), type, SERVICE_TYPES));
  causes.push(...validateNodePorts(spec, path, opts.nodePortRange ?? DEFAULT_NODE_PORT_RANGE));
  causes.push(...duplicatePorts(spec, path));
  causes.push(...validateTrafficPolicies(spec, path));
  return causes;
}

function validateServicePort(raw: unknown, requireName: boolean, names: Set<string>, path: FieldPath): StatusCause[] {
  const port: Obj = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Obj) : {};
  const causes: StatusCause[] = [];
  const name = str(port, 'name');
  if (requireName && name === '') {
    causes.push(fieldError.required(path.child('name').toString()));
  } else if (name !== '') {
    causes.push(...dns1123Label(name, path.child('name')));
    if (names.has(name)) causes.push(fieldError.duplicate(path.child('name').toString(), name));
    else names.add(name);
  }
  const portNum = typeof port['port'] === 'number' ? port['port'] : 0;
  for (const msg of isValidPortNum(portNum)) causes.push(fieldError.invalid(path.child('port').toString(), portNum, msg));
  causes.push(...validateProtocol(str(port, 'protocol'), path.child('protocol')));
  causes.push(...portNumOrName(port['targetPort'], path.child('targetPort')));
  const appProtocol = optStr(port, 'appProtocol');
  if (appProtocol !== undefined) {
    for (const msg of isQualifiedName(appProtocol)) causes.push(fieldError.invalid(path.child('appProtocol').toString(), appProtocol, msg));
  }
  return causes;
}

function validateSessionAffinity(spec: Obj, path: FieldPath): StatusCause[] {
  const affinity = str(spec, 'sessionAffinity');
  const p = path.child('sessionAffinity');
  if (affinity === '') return [fieldError.required(p.toString())];
  if (affinity !== 'ClientIP' && affinity !== 'None') return [fieldError.notSupported(p.toString(), affinity, ['ClientIP', 'None'])];
  const config = obj(spec, 'sessionAffinityConfig');
  const configPath = path.child('sessionAffinityConfig');
  if (affinity === 'None') {
    return config ? [fieldError.forbidden(configPath.toString(), 'must not be set when session affinity is None')] : [];
  }
  const clientIP = obj(config, 'clientIP');
  const timeout = clientIP?.['timeoutSeconds'];
  const timeoutPath = configPath.child('clientIP').child('timeoutSeconds');
  if (typeof timeout !== 'number') return [fieldError.required(timeoutPath.toString())];
  if (timeout <= 0 || timeout > 86400) {
    return [fieldError.invalid(timeoutPath.toString(), timeout, 'must be greater than 0 and less than 86400')];
  }
  return [];
}

const IP_FAMILIES = ['IPv4', 'IPv6'];
const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];

/** ValidateServiceClusterIPsRelatedFields (the single-stack parts). */
function validateClusterIPs(spec: Obj, path: FieldPath): StatusCause[] {
  if (str(spec, 'type') === 'ExternalName') return [];
  const causes: StatusCause[] = [];
  const clusterIP = str(spec, 'clusterIP');
  const clusterIPs = list(spec, 'clusterIPs');
  const ipsPath = path.child('clusterIPs');
  if (clusterIP !== '') {
    if (clusterIPs.length === 0) causes.push(fieldError.required(ipsPath.toString()));
    else if (clusterIPs[0] !== clusterIP) causes.push(fieldError.invalid(ipsPath.toString(), clusterIPs, 'first value must match `clusterIP`'));
  } else if (clusterIPs.length > 0) {
    causes.push(fieldError.invalid(ipsPath.toString(), clusterIPs, 'must be empty when `clusterIP` is not specified'));
  }
  const seen = new Set<string>();
  list(spec, 'ipFamilies').forEach((family, i) => {
    const p = path.child('ipFamilies').index(i);
    if (typeof family !== 'string' || !IP_FAMILIES.includes(family)) causes.push(fieldError.notSupported(p.toString(), family, IP_FAMILIES));
    if (typeof family === 'string' && seen.has(family)) causes.push(fieldError.duplicate(p.toString(), family));
    if (typeof family === 'string') seen.add(family);
  });
  const policy = optStr(spec, 'ipFamilyPolicy');
  if (policy !== undefined && !IP_FAMILY_POLICIES.includes(policy)) {
    causes.push(fieldError.notSupported(path.child('ipFamilyPolicy').toString(), policy, IP_FAMILY_POLICIES));
  }
  clusterIPs.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (clusterIPs.length > 1) causes.push(fieldError.invalid(ipsPath.toString(), clusterIPs, "'None' must be the first and only value"));
      return;
    }
    causes.push(...validIP(typeof ip === 'string' ? ip : '', ipsPath.index(i)));
  });
  if (clusterIPs.length > 2) causes.push(fieldError.invalid(ipsPath.toString(), clusterIPs, 'may only hold up to 2 values'));
  if (policy === 'SingleStack' && clusterIPs.length > 1) {
    causes.push(fieldError.invalid(path.child('ipFamilyPolicy').toString(), policy, 'must be RequireDualStack or PreferDualStack when multiple cluster IPs are specified'));
  }
  return causes;
}

/** nodePort: forbidden for ClusterIP; in range and unique per protocol otherwise. */
function validateNodePorts(spec: Obj, path: FieldPath, range: { min: number; max: number }): StatusCause[] {
  const causes: StatusCause[] = [];
  const type = str(spec, 'type');
  const seen = new Set<string>();
  for (const [port, i] of objList(spec, 'ports')) {
    const nodePort = typeof port['nodePort'] === 'number' ? port['nodePort'] : 0;
    if (nodePort === 0) continue;
    const p = path.child('ports').index(i).child('nodePort');
    if (type === 'ClusterIP') {
      causes.push(fieldError.forbidden(p.toString(), "may not be used when `type` is 'ClusterIP'"));
      continue;
    }
    if ((type === 'NodePort' || type === 'LoadBalancer') && (nodePort < range.min || nodePort > range.max)) {
      causes.push(
        fieldError.invalid(p.toString(), nodePort, `provided port is not in the valid range. The range of valid ports is ${range.min}-${range.max}`),
      );
    }
    const key = `${str(port, 'protocol')}/${nodePort}`;
    if (seen.has(key)) causes.push(fieldError.duplicate(p.toString(), nodePort));
    seen.add(key);
  }
  return causes;
}

/** Two ports with the same protocol and port number. */
function duplicatePorts(spec: Obj, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  for (const [port, i] of objList(spec, 'ports')) {
    const key = `${str(port, 'protocol')}/${String(port['port'])}`;
    if (seen.has(key)) causes.push(fieldError.duplicate(path.child('ports').index(i).toString(), { port: port['port'], protocol: str(port, 'protocol') }));
    seen.add(key);
  }
  return causes;
}

function validateTrafficPolicies(spec: Obj, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const external = str(spec, 'externalTrafficPolicy');
  const externalPath = path.child('externalTrafficPolicy').toString();
  if (!externallyAccessible(spec)) {
    if (external !== '') causes.push(fieldError.invalid(externalPath, external, 'may only be set for externally-accessible services'));
  } else if (external === '') {
    causes.push(fieldError.required(externalPath));
  } else if (external !== 'Cluster' && external !== 'Local') {
    causes.push(fieldError.notSupported(externalPath, external, ['Cluster', 'Local']));
  }
  const type = str(spec, 'type');
  const internal = optStr(spec, 'internalTrafficPolicy');
  const internalPath = path.child('internalTrafficPolicy').toString();
  if (internal === undefined) {
    if (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP') causes.push(fieldError.required(internalPath));
  } else if (internal !== 'Cluster' && internal !== 'Local') {
    causes.push(fieldError.notSupported(internalPath, internal, ['Cluster', 'Local']));
  }
  const healthCheckNodePort = spec['healthCheckNodePort'];
  if (typeof healthCheckNodePort === 'number' && healthCheckNodePort !== 0) {
    if (type !== 'LoadBalancer' || external !== 'Local') {
      causes.push(fieldError.invalid(path.child('healthCheckNodePort').toString(), healthCheckNodePort, 'may only be set when `type` is \'LoadBalancer\' and `externalTrafficPolicy` is \'Local\''));
    }
  }
  return causes;
}
