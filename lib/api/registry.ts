// The one table of every resource k8ts serves, shaped like the apiserver's discovery documents
// (`kubectl api-resources -o wide` on a real 1.30+ cluster), plus the lookups built on it:
// by group/version/plural (REST paths), by apiVersion+kind (decoded bodies), by whatever a kubectl
// user types (`po`, `pods`, `Pod`, `deploy.apps`, `hpa.v1.autoscaling`), and where an object lives
// in the store.

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export interface SubresourceInfo {
  /** Path segment after the object name: pods/{name}/status. */
  readonly name: string;
  /** Kind of the subresource's body, e.g. Scale for `scale`, Binding for `binding`. */
  readonly kind: string;
  /** Group/version of that kind when it differs from the parent's (scale → autoscaling/v1, eviction → policy/v1). */
  readonly group?: string;
  readonly version?: string;
  readonly verbs: readonly Verb[];
}

export interface ResourceInfo {
  /** '' for the core ("legacy") group served under /api. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly listKind: string;
  /** The REST resource name: /api/v1/namespaces/{ns}/{plural}. */
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly verbs: readonly Verb[];
  readonly subresources: readonly SubresourceInfo[];
}

const ALL_VERBS: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
// Namespaces cannot be deleted as a collection (discovery lists no deletecollection for them).
const NAMESPACE_VERBS: readonly Verb[] = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS_VERBS: readonly Verb[] = ['get', 'patch', 'update'];

function status(kind: string): SubresourceInfo {
  return { name: 'status', kind, verbs: STATUS_VERBS };
}
// Every scalable workload answers /scale with autoscaling/v1 Scale, whatever its own group.
const SCALE: SubresourceInfo = { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: STATUS_VERBS };

interface Row {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: readonly Verb[];
  subresources?: SubresourceInfo[];
}

function resource(row: Row): ResourceInfo {
  return Object.freeze({
    group: row.group,
    version: row.version,
    kind: row.kind,
    listKind: `${row.kind}List`,
    plural: row.plural,
    singular: row.kind.toLowerCase(),
    namespaced: row.namespaced,
    shortNames: Object.freeze([...(row.shortNames ?? [])]),
    categories: Object.freeze([...(row.categories ?? [])]),
    verbs: row.verbs ?? ALL_VERBS,
    subresources: Object.freeze([...(row.subresources ?? [])]),
  });
}

const ALL = ['all'];

/**
 * Every served group/version/resource. A resource served at several versions (HPA) has one row
 * per version; the first row of a group/plural is its preferred (and storage) version.
 */
export const RESOURCES: readonly ResourceInfo[] = Object.freeze([
  // core/v1
  resource({ group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true, shortNames: ['cm'] }),
  resource({ group: '', version: 'v1', kind: 'Endpoints', plural: 'endpoints', namespaced: true, shortNames: ['ep'] }),
  resource({ group: '', version: 'v1', kind: 'Event', plural: 'events', namespaced: true, shortNames: ['ev'] }),
  resource({ group: '', version: 'v1', kind: 'LimitRange', plural: 'limitranges', namespaced: true, shortNames: ['limits'] }),
  resource({
    group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false, shortNames: ['ns'],
    verbs: NAMESPACE_VERBS, subresources: [status('Namespace')],
  }),
  resource({
    group: '', version: 'v1', kind: 'Node', plural: 'nodes', namespaced: false, shortNames: ['no'],
    subresources: [status('Node')],
  }),
  resource({
    group: '', version: 'v1', kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', namespaced: true,
    shortNames: ['pvc'], subresources: [status('PersistentVolumeClaim')],
  }),
  resource({
    group: '', version: 'v1', kind: 'PersistentVolume', plural: 'persistentvolumes', namespaced: false,
    shortNames: ['pv'], subresources: [status('PersistentVolume')],
  }),
  resource({
    group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true, shortNames: ['po'], categories: ALL,
    subresources: [
      { name: 'binding', kind: 'Binding', verbs: ['create'] },
      { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
      { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
      { name: 'log', kind: 'Pod', verbs: ['get'] },
      status('Pod'),
    ],
  }),
  resource({
    group: '', version: 'v1', kind: 'ReplicationController', plural: 'replicationcontrollers', namespaced: true,
    shortNames: ['rc'], categories: ALL, subresources: [SCALE, status('ReplicationController')],
  }),
  resource({
    group: '', version: 'v1', kind: 'ResourceQuota', plural: 'resourcequotas', namespaced: true,
    shortNames: ['quota'], subresources: [status('ResourceQuota')],
  }),
  resource({ group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true }),
  resource({ group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', namespaced: true, shortNames: ['sa'] }),
  resource({
    group: '', version: 'v1', kind: 'Service', plural: 'services', namespaced: true, shortNames: ['svc'],
    categories: ALL, subresources: [status('Service')],
  }),
  // apps/v1
  resource({ group: 'apps', version: 'v1', kind: 'ControllerRevision', plural: 'controllerrevisions', namespaced: true }),
  resource({
    group: 'apps', version: 'v1', kind: 'DaemonSet', plural: 'daemonsets', namespaced: true, shortNames: ['ds'],
    categories: ALL, subresources: [status('DaemonSet')],
  }),
  resource({
    group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true, shortNames: ['deploy'],
    categories: ALL, subresources: [SCALE, status('Deployment')],
  }),
  resource({
    group: 'apps', version: 'v1', kind: 'ReplicaSet', plural: 'replicasets', namespaced: true, shortNames: ['rs'],
    categories: ALL, subresources: [SCALE, status('ReplicaSet')],
  }),
  resource({
    group: 'apps', version: 'v1', kind: 'StatefulSet', plural: 'statefulsets', namespaced: true, shortNames: ['sts'],
    categories: ALL, subresources: [SCALE, status('StatefulSet')],
  }),
  // autoscaling: v2 is preferred and stored; v1 is still served.
  resource({
    group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers',
    namespaced: true, shortNames: ['hpa'], categories: ALL, subresources: [status('HorizontalPodAutoscaler')],
  }),
  resource({
    group: 'autoscaling', version: 'v1', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers',
    namespaced: true, shortNames: ['hpa'], categories: ALL, subresources: [status('HorizontalPodAutoscaler')],
  }),
  // batch/v1
  resource({
    group: 'batch', version: 'v1', kind: 'CronJob', plural: 'cronjobs', namespaced: true, shortNames: ['cj'],
    categories: ALL, subresources: [status('CronJob')],
  }),
  resource({
    group: 'batch', version: 'v1', kind: 'Job', plural: 'jobs', namespaced: true, categories: ALL,
    subresources: [status('Job')],
  }),
  // networking.k8s.io/v1
  resource({
    group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', plural: 'ingresses', namespaced: true,
    shortNames: ['ing'], subresources: [status('Ingress')],
  }),
  resource({
    group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy', plural: 'networkpolicies', namespaced: true,
    shortNames: ['netpol'],
  }),
  // rbac.authorization.k8s.io/v1
  resource({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', namespaced: false }),
  resource({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', plural: 'clusterroles', namespaced: false }),
  resource({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', plural: 'rolebindings', namespaced: true }),
  resource({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', plural: 'roles', namespaced: true }),
  // storage.k8s.io/v1
  resource({ group: 'storage.k8s.io', version: 'v1', kind: 'StorageClass', plural: 'storageclasses', namespaced: false, shortNames: ['sc'] }),
  // coordination.k8s.io/v1
  resource({ group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', namespaced: true }),
  // discovery.k8s.io/v1
  resource({ group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', plural: 'endpointslices', namespaced: true }),
]);

/** Non-core groups in the order a real apiserver lists them under /apis. */
const GROUP_ORDER = [
  'apps',
  'autoscaling',
  'batch',
  'networking.k8s.io',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
];

// ---- indexes ----

const byGVR = new Map<string, ResourceInfo>();
const byGVK = new Map<string, ResourceInfo>();
/** Preferred-version row per group/plural. */
const preferred = new Map<string, ResourceInfo>();
for (const r of RESOURCES) {
  byGVR.set(`${r.group}/${r.version}/${r.plural}`, r);
  byGVK.set(`${apiVersionOf(r)}/${r.kind}`, r);
  const gr = `${r.group}/${r.plural}`;
  if (!preferred.has(gr)) preferred.set(gr, r);
}

/** "v1" for core, "apps/v1" otherwise. */
export function apiVersionOf(res: Pick<ResourceInfo, 'group' | 'version'>): string {
  return res.group === '' ? res.version : `${res.group}/${res.version}`;
}

/** Splits "apps/v1" into {group: "apps", version: "v1"} and "v1" into {group: "", version: "v1"}. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return { group: '', version: apiVersion };
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The resource behind a REST path segment: (group, version, plural) → info, or undefined. */
export function resourceFor(group: string, version: string, plural: string): ResourceInfo | undefined {
  return byGVR.get(`${group}/${version}/${plural}`);
}

/** The resource of a decoded object: ("apps/v1", "Deployment") → info, or undefined. */
export function resourceForKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  return byGVK.get(`${apiVersion}/${kind}`);
}

/** The preferred-version row of a group's resource. */
export function preferredResource(group: string, plural: string): ResourceInfo | undefined {
  return preferred.get(`${group}/${plural}`);
}

/** True when the resource is the preferred (and storage) version of its group/plural. */
export function isPreferredVersion(res: ResourceInfo): boolean {
  return preferred.get(`${res.group}/${res.plural}`) === res;
}

function namesOf(r: ResourceInfo): string[] {
  return [r.plural, r.singular, r.kind.toLowerCase(), ...r.shortNames];
}

/**
 * Resolves what a kubectl user types to a resource, case-insensitively, as kubectl's RESTMapper
 * does: a plural, singular, kind or short name (`pods`, `pod`, `Pod`, `po`), optionally
 * qualified by group (`deploy.apps`, `deployments.apps`) or by version and group
 * (`hpa.v1.autoscaling`, `pods.v1.`). Without a version the group's preferred version wins.
 * Unqualified names prefer the core group, then the /apis order, as kubectl does.
 */
export function resolveResourceName(input: string): ResourceInfo | undefined {
  const text = input.trim().toLowerCase();
  if (text === '') return undefined;
  const dot = text.indexOf('.');
  if (dot < 0) return findByName(text, undefined, undefined);
  const name = text.slice(0, dot);
  const rest = text.slice(dot + 1);
  // `name.version.group` (group may be empty for core: `pods.v1.`)
  const versionDot = rest.indexOf('.');
  if (versionDot >= 0) {
    const version = rest.slice(0, versionDot);
    const group = rest.slice(versionDot + 1);
    const withVersion = findByName(name, group, version);
    if (withVersion) return withVersion;
  }
  return findByName(name, rest, undefined);
}

function findByName(name: string, group: string | undefined, version: string | undefined): ResourceInfo | undefined {
  for (const r of resourcesInDiscoveryOrder()) {
    if (group !== undefined && r.group !== group) continue;
    if (version !== undefined && r.version !== version) continue;
    if (version === undefined && !isPreferredVersion(r)) continue;
    if (namesOf(r).includes(name)) return r;
  }
  return undefined;
}

let discoveryOrder: ResourceInfo[] | undefined;
function resourcesInDiscoveryOrder(): ResourceInfo[] {
  if (!discoveryOrder) {
    const rank = (g: string) => (g === '' ? -1 : GROUP_ORDER.indexOf(g));
    discoveryOrder = [...RESOURCES].sort((a, b) => rank(a.group) - rank(b.group));
  }
  return discoveryOrder;
}

/** Every resource in a category (`kubectl get all`), preferred versions only, core first. */
export function resourcesInCategory(category: string): ResourceInfo[] {
  const c = category.toLowerCase();
  return resourcesInDiscoveryOrder().filter((r) => isPreferredVersion(r) && r.categories.includes(c));
}

/** Every resource served at one group/version (for /api/v1 and /apis/{group}/{version}). */
export function resourcesInGroupVersion(group: string, version: string): ResourceInfo[] {
  return RESOURCES.filter((r) => r.group === group && r.version === version);
}

export interface ApiGroupInfo {
  /** '' for core. */
  readonly name: string;
  /** Versions served, preferred first. */
  readonly versions: readonly string[];
  readonly preferredVersion: string;
}

/** Served groups (core first, then the /apis order) with their versions, for discovery. */
export function apiGroups(): ApiGroupInfo[] {
  const groups: ApiGroupInfo[] = [];
  for (const name of ['', ...GROUP_ORDER]) {
    const versions: string[] = [];
    for (const r of RESOURCES) {
      if (r.group === name && !versions.includes(r.version)) versions.push(r.version);
    }
    if (versions.length > 0) groups.push({ name, versions, preferredVersion: versions[0]! });
  }
  return groups;
}

/** The subresource of a resource by its path name (`status`, `scale`, …), or undefined. */
export function subresourceOf(res: ResourceInfo, name: string): SubresourceInfo | undefined {
  return res.subresources.find((s) => s.name === name);
}

// ---- store keys ----
//
// Objects live in the store under
//   /registry/<plural>/<namespace>/<name>            core, namespaced      /registry/pods/default/nginx
//   /registry/<plural>/<name>                        core, cluster-scoped  /registry/namespaces/kube-system
//   /registry/<group>/<plural>/<namespace>/<name>    other groups          /registry/apps/deployments/ns/web
//   /registry/<group>/<plural>/<name>                                     /registry/storage.k8s.io/storageclasses/fast
// Real Kubernetes drops the group for built-in resources (/registry/deployments/…) and keeps it
// only for custom resources; we always keep it for non-core groups so no two groups can ever
// collide. No core plural equals a group name, so the two forms never overlap. All versions of a
// resource (HPA v1 and v2) share one key, as they share one stored object.

/**
 * The store key of one object. `namespace` is ignored for cluster-scoped resources and required
 * for namespaced ones (a missing one is a programming error, so it throws).
 */
export function storageKey(res: ResourceInfo, namespace: string | undefined, name: string): string {
  if (res.namespaced && !namespace) throw new Error(`storageKey: ${res.plural} are namespaced, but no namespace was given`);
  if (!name) throw new Error(`storageKey: empty name for ${res.plural}`);
  return `${storagePrefix(res, namespace)}${name}`;
}

/**
 * The key prefix, ending in '/', that holds every object of a resource (no namespace) or of one
 * namespace. The trailing slash keeps namespace "a" from matching namespace "ab".
 */
export function storagePrefix(res: ResourceInfo, namespace?: string): string {
  const base = res.group === '' ? `/registry/${res.plural}/` : `/registry/${res.group}/${res.plural}/`;
  if (!res.namespaced || namespace === undefined || namespace === '') return base;
  return `${base}${namespace}/`;
}
