// Printers for the core (v1) kinds other than Pod (see pod.ts): the columns and cells of
// Kubernetes' printers for nodes, namespaces, services, endpoints, config maps, secrets, service
// accounts, events, persistent volumes and claims, replication controllers and resource quotas.
// LimitRange has no printer in Kubernetes and uses the default NAME / CREATED AT table.

import type {
  ConfigMap,
  Endpoints,
  Event,
  LoadBalancerStatus,
  Namespace,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  ReplicationController,
  ResourceQuota,
  Secret,
  Service,
  ServiceAccount,
  ServicePort,
} from 'kubernetes-types/core/v1.js';
import { defaultPrinter } from './default.js';
import {
  countItems,
  countKeys,
  formatLabels,
  int,
  items,
  joinHostPort,
  layoutContainerCells,
  quantityString,
  str,
} from './format.js';
import {
  AGE_COLUMN,
  column,
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  NAME_COLUMN,
  parseTimestamp,
  translateTimestampSince,
  wideColumn,
  type Printer,
} from './table.js';
import { replicatedPodsPrinter } from './replicated.js';

export { podPrinter, printPod } from './pod.js';

const age = (obj: { metadata?: { creationTimestamp?: string } }, now: number): string =>
  translateTimestampSince(obj.metadata?.creationTimestamp, now);

// ---- Node ----

const NODE_ROLE_LABEL_PREFIX = 'node-role.kubernetes.io/';
const LEGACY_NODE_ROLE_LABEL = 'kubernetes.io/role';

/** Roles from `node-role.kubernetes.io/<role>` label keys and the legacy `kubernetes.io/role=<role>`, sorted. */
export function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata?.labels ?? {})) {
    if (key.startsWith(NODE_ROLE_LABEL_PREFIX)) {
      const role = key.slice(NODE_ROLE_LABEL_PREFIX.length);
      if (role.length > 0) roles.add(role);
    } else if (key === LEGACY_NODE_ROLE_LABEL && value !== '') {
      roles.add(value);
    }
  }
  return [...roles].sort();
}

/** Ready / NotReady / Unknown from the Ready condition, plus SchedulingDisabled when cordoned. */
export function nodeStatus(node: Node): string {
  const status: string[] = [];
  // The last Ready condition wins, as with the map Kubernetes builds.
  let ready: { status?: string } | undefined;
  for (const cond of items(node.status?.conditions)) if (cond?.type === 'Ready') ready = cond;
  if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  if (status.length === 0) status.push('Unknown');
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

function nodeAddress(node: Node, type: string): string {
  const found = items(node.status?.addresses).find((a) => a?.type === type);
  return found ? str(found.address) : '<none>';
}

const orUnknown = (s: string | undefined): string => (s ? s : '<unknown>');

export const nodePrinter: Printer<Node> = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'Readiness of the node, and whether it is cordoned.'),
    column('Roles', 'string', 'Roles from the node-role.kubernetes.io/* labels.'),
    AGE_COLUMN,
    column('Version', 'string', 'Kubelet version reported by the node.'),
    wideColumn('Internal-IP', 'string', 'The first InternalIP address of the node.'),
    wideColumn('External-IP', 'string', 'The first ExternalIP address of the node.'),
    wideColumn('OS-Image', 'string', 'OS image reported by the node.'),
    wideColumn('Kernel-Version', 'string', 'Kernel version reported by the node.'),
    wideColumn('Container-Runtime', 'string', 'Container runtime version reported by the node.'),
  ],
  print(node, { now }) {
    const roles = nodeRoles(node).join(',');
    const info = node.status?.nodeInfo;
    return {
      cells: [
        str(node.metadata?.name),
        nodeStatus(node),
        roles === '' ? '<none>' : roles,
        age(node, now),
        str(info?.kubeletVersion),
        nodeAddress(node, 'InternalIP'),
        nodeAddress(node, 'ExternalIP'),
        orUnknown(info?.osImage),
        orUnknown(info?.kernelVersion),
        orUnknown(info?.containerRuntimeVersion),
      ],
    };
  },
};

// ---- Namespace ----

export const namespacePrinter: Printer<Namespace> = {
  columns: [NAME_COLUMN, column('Status', 'string', 'Phase of the namespace: Active or Terminating.'), AGE_COLUMN],
  print: (ns, { now }) => ({ cells: [str(ns.metadata?.name), str(ns.status?.phase), age(ns, now)] }),
};

// ---- Service ----

/** Load-balancer ingress IPs (or hostnames), de-duplicated and sorted, comma-joined. */
export function loadBalancerStatusString(status: LoadBalancerStatus | undefined): string {
  const result = new Set<string>();
  for (const ing of items(status?.ingress)) {
    if (ing?.ip) result.add(ing.ip);
    else if (ing?.hostname) result.add(ing.hostname);
  }
  return [...result].sort().join(',');
}

/** The EXTERNAL-IP cell: external IPs, the load balancer's address or `<pending>`, or the external name. */
export function serviceExternalIP(svc: Service): string {
  const spec = svc.spec ?? {};
  const externalIPs = items(spec.externalIPs);
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerStatusString(svc.status?.loadBalancer);
      if (externalIPs.length > 0) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb.length > 0 ? lb : '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
  }
  return '<unknown>';
}

/** `80/TCP`, or `80:30080/TCP` when a node port is allocated; comma-joined. */
export function servicePorts(ports: readonly ServicePort[] | undefined): string {
  return items(ports)
    .map((p) => {
      const protocol = str(p?.protocol);
      return int(p?.nodePort) > 0 ? `${int(p?.port)}:${int(p?.nodePort)}/${protocol}` : `${int(p?.port)}/${protocol}`;
    })
    .join(',');
}

function clusterIP(svc: Service): string {
  // The internal type only has clusterIPs; an object written before dual-stack only has clusterIP.
  const ip = items(svc.spec?.clusterIPs)[0] ?? svc.spec?.clusterIP;
  return ip ? ip : '<none>';
}

export const servicePrinter: Printer<Service> = {
  columns: [
    NAME_COLUMN,
    column('Type', 'string', 'How the service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    column('Cluster-IP', 'string', 'The virtual IP of the service inside the cluster.'),
    column('External-IP', 'string', 'Addresses the service is reachable at from outside the cluster.'),
    column('Port(s)', 'string', 'The ports the service exposes.'),
    AGE_COLUMN,
    wideColumn('Selector', 'string', 'Labels of the pods the service routes to.'),
  ],
  print(svc, { now }) {
    const ports = servicePorts(svc.spec?.ports);
    return {
      cells: [
        str(svc.metadata?.name),
        str(svc.spec?.type),
        clusterIP(svc),
        serviceExternalIP(svc),
        ports === '' ? '<none>' : ports,
        age(svc, now),
        formatLabels(svc.spec?.selector),
      ],
    };
  },
};

// ---- Endpoints ----

/** Up to three `ip:port` endpoints (bare IPs for port-less subsets), then "+ N more...", or `<none>`. */
export function formatEndpoints(ep: Endpoints): string {
  const subsets = items(ep.subsets);
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses = items(ss?.addresses);
    const ports = items(ss?.ports);
    if (ports.length === 0) {
      // Headless services may have no ports.
      count += addresses.length;
      for (const addr of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(str(addr?.ip));
      }
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const addr of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(joinHostPort(str(addr?.ip), int(port?.port)));
      }
    }
  }
  const joined = list.join(',');
  return more ? `${joined} + ${count - max} more...` : joined;
}

export const endpointsPrinter: Printer<Endpoints> = {
  columns: [NAME_COLUMN, column('Endpoints', 'string', 'Addresses and ports of the ready endpoints.'), AGE_COLUMN],
  print: (ep, { now }) => ({ cells: [str(ep.metadata?.name), formatEndpoints(ep), age(ep, now)] }),
};

// ---- ConfigMap, Secret, ServiceAccount ----

export const configMapPrinter: Printer<ConfigMap> = {
  columns: [NAME_COLUMN, column('Data', 'string', 'Number of keys in data and binaryData.'), AGE_COLUMN],
  print: (cm, { now }) => ({
    cells: [str(cm.metadata?.name), countKeys(cm.data) + countKeys(cm.binaryData), age(cm, now)],
  }),
};

export const secretPrinter: Printer<Secret> = {
  columns: [
    NAME_COLUMN,
    column('Type', 'string', 'The type of the secret.'),
    column('Data', 'string', 'Number of keys in data.'),
    AGE_COLUMN,
  ],
  print: (s, { now }) => ({ cells: [str(s.metadata?.name), str(s.type), countKeys(s.data), age(s, now)] }),
};

export const serviceAccountPrinter: Printer<ServiceAccount> = {
  columns: [NAME_COLUMN, column('Secrets', 'string', 'Number of secrets listed in the service account.'), AGE_COLUMN],
  print: (sa, { now }) => ({ cells: [str(sa.metadata?.name), countItems(sa.secrets), age(sa, now)] }),
};

// ---- Event ----

/** "component, host", falling back to the reporting controller and instance of events.k8s.io events. */
function formatEventSource(ev: Event): string {
  const component = ev.source?.component || str(ev.reportingComponent);
  const instance = ev.source?.host || str(ev.reportingInstance);
  return instance ? `${component}, ${instance}` : component;
}

export const eventPrinter: Printer<Event> = {
  columns: [
    column('Last Seen', 'string', 'Time since the event was last observed.'),
    column('Type', 'string', 'Type of the event (Normal, Warning).'),
    column('Reason', 'string', 'Why the event happened, in CamelCase.'),
    column('Object', 'string', 'The object the event is about.'),
    wideColumn('Subobject', 'string', 'The part of the object the event is about (fieldPath).'),
    wideColumn('Source', 'string', 'The component that reported the event.'),
    column('Message', 'string', 'A human-readable description of the event.'),
    wideColumn('First Seen', 'string', 'Time since the event was first observed.'),
    wideColumn('Count', 'string', 'How many times the event happened.'),
    column('Name', 'string', 'Name of the event object.', { format: 'name', priority: 1 }),
  ],
  print(ev, { now }) {
    let firstSeen = translateTimestampSince(ev.firstTimestamp, now);
    if (parseTimestamp(ev.firstTimestamp) === undefined) firstSeen = translateTimestampSince(ev.eventTime, now);
    let lastSeen = translateTimestampSince(ev.lastTimestamp, now);
    if (parseTimestamp(ev.lastTimestamp) === undefined) lastSeen = firstSeen;
    let count = int(ev.count);
    if (ev.series) {
      lastSeen = translateTimestampSince(ev.series.lastObservedTime, now);
      count = int(ev.series.count);
    } else if (count === 0) {
      // Events of the new API carry no count when they happened once.
      count = 1;
    }
    const kind = str(ev.involvedObject?.kind).toLowerCase();
    const target = ev.involvedObject?.name ? `${kind}/${ev.involvedObject.name}` : kind;
    return {
      cells: [
        lastSeen,
        str(ev.type),
        str(ev.reason),
        target,
        str(ev.involvedObject?.fieldPath),
        formatEventSource(ev),
        str(ev.message).trim(),
        firstSeen,
        count,
        str(ev.metadata?.name),
      ],
    };
  },
};

// ---- PersistentVolume, PersistentVolumeClaim ----

const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** RWO,ROX,RWX,RWOP in that fixed order, each once. */
export function accessModesString(modes: readonly string[] | undefined): string {
  const present = new Set(items(modes));
  const out: string[] = [];
  if (present.has('ReadWriteOnce')) out.push('RWO');
  if (present.has('ReadOnlyMany')) out.push('ROX');
  if (present.has('ReadWriteMany')) out.push('RWX');
  if (present.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

function annotation(obj: { metadata?: { annotations?: Record<string, string> } }, key: string): string | undefined {
  const annotations = obj.metadata?.annotations;
  return annotations && Object.prototype.hasOwnProperty.call(annotations, key) ? annotations[key] : undefined;
}

const isDeleting = (obj: { metadata?: { deletionTimestamp?: string } }): boolean =>
  obj.metadata?.deletionTimestamp !== undefined && obj.metadata?.deletionTimestamp !== null;

export const persistentVolumePrinter: Printer<PersistentVolume> = {
  columns: [
    NAME_COLUMN,
    column('Capacity', 'string', 'The storage capacity of the volume.'),
    column('Access Modes', 'string', 'The ways the volume can be mounted.'),
    column('Reclaim Policy', 'string', 'What happens to the volume when its claim is released.'),
    column('Status', 'string', 'The phase of the volume.'),
    column('Claim', 'string', 'The claim bound to the volume (namespace/name).'),
    column('StorageClass', 'string', 'Storage class of the volume.'),
    column('VolumeAttributesClass', 'string', 'Volume attributes class of the volume.'),
    column('Reason', 'string', 'Why the volume is in its phase, if it failed.'),
    AGE_COLUMN,
    wideColumn('VolumeMode', 'string', 'Filesystem or Block.'),
  ],
  print(pv, { now }) {
    const spec = pv.spec ?? {};
    const claim = spec.claimRef ? `${str(spec.claimRef.namespace)}/${str(spec.claimRef.name)}` : '';
    const phase = isDeleting(pv) ? 'Terminating' : str(pv.status?.phase);
    return {
      cells: [
        str(pv.metadata?.name),
        quantityString(spec.capacity?.['storage']),
        accessModesString(spec.accessModes),
        str(spec.persistentVolumeReclaimPolicy),
        phase,
        claim,
        annotation(pv, BETA_STORAGE_CLASS_ANNOTATION) ?? str(spec.storageClassName),
        spec.volumeAttributesClassName ?? '<unset>',
        str(pv.status?.reason),
        age(pv, now),
        spec.volumeMode ?? '<unset>',
      ],
    };
  },
};

export const persistentVolumeClaimPrinter: Printer<PersistentVolumeClaim> = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'The phase of the claim.'),
    column('Volume', 'string', 'The volume bound to the claim.'),
    column('Capacity', 'string', 'The capacity of the bound volume.'),
    column('Access Modes', 'string', 'The access modes of the bound volume.'),
    column('StorageClass', 'string', 'Storage class the claim asks for.'),
    column('VolumeAttributesClass', 'string', 'Volume attributes class the claim asks for.'),
    AGE_COLUMN,
    wideColumn('VolumeMode', 'string', 'Filesystem or Block.'),
  ],
  print(pvc, { now }) {
    const spec = pvc.spec ?? {};
    const phase = isDeleting(pvc) ? 'Terminating' : str(pvc.status?.phase);
    const volumeName = str(spec.volumeName);
    // Capacity and access modes only mean something once the claim is bound.
    const capacity = volumeName !== '' ? quantityString(pvc.status?.capacity?.['storage']) : '';
    const accessModes = volumeName !== '' ? accessModesString(pvc.status?.accessModes) : '';
    const storageClass = annotation(pvc, BETA_STORAGE_CLASS_ANNOTATION) ?? spec.storageClassName ?? '';
    return {
      cells: [
        str(pvc.metadata?.name),
        phase,
        volumeName,
        capacity,
        accessModes,
        storageClass,
        spec.volumeAttributesClassName ?? '<unset>',
        age(pvc, now),
        spec.volumeMode ?? '<unset>',
      ],
    };
  },
};

// ---- ReplicationController ----

export const replicationControllerPrinter: Printer<ReplicationController> = replicatedPodsPrinter<ReplicationController>('controller', (rc) => formatLabels(rc.spec?.selector));

// ---- ResourceQuota ----

/** `resource: used/hard` pairs sorted by resource; `limits.*` go to the LIMIT column, the rest to REQUEST. */
export function resourceQuotaColumns(rq: ResourceQuota): [string, string] {
  const hard = rq.status?.hard ?? {};
  const used = rq.status?.used ?? {};
  const requests: string[] = [];
  const limits: string[] = [];
  for (const resource of Object.keys(hard).sort()) {
    const text = `${resource}: ${quantityString(used[resource])}/${quantityString(hard[resource])}`;
    const pieces = resource.split('.');
    (pieces.length > 1 && pieces[0] === 'limits' ? limits : requests).push(text);
  }
  return [requests.join(', '), limits.join(', ')];
}

export const resourceQuotaPrinter: Printer<ResourceQuota> = {
  columns: [
    NAME_COLUMN,
    column('Request', 'string', 'Usage against the quota of everything but limits.*, as used/hard.'),
    column('Limit', 'string', 'Usage against the limits.* quota, as used/hard.'),
    AGE_COLUMN,
  ],
  print(rq, { now }) {
    const [request, limit] = resourceQuotaColumns(rq);
    return { cells: [str(rq.metadata?.name), request, limit, age(rq, now)] };
  },
};

// ---- LimitRange ----

/** Kubernetes registers no printer for LimitRange: `kubectl get limits` shows NAME and CREATED AT. */
export const limitRangePrinter = defaultPrinter;
