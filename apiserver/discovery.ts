// Discovery, both forms kubectl understands (docs/kubectl-wire.md §2): legacy (/api, /apis,
// /api/v1, /apis/{g}/{v}) and aggregated (apidiscovery.k8s.io/v2 and v2beta1 on /api and /apis,
// which needs that exact Content-Type and a responseKind on every resource). All derived from the
// resource registry, plus /version and the /openapi/v3 index kubectl checks before it validates.
import { apiGroups as registryGroups, isPreferredVersion, resourcesInGroupVersion as allInGroupVersion, type ApiGroupInfo, type ResourceInfo } from '../lib/api/registry.js';
import { METRICS_GROUP, METRICS_RESOURCES, METRICS_VERSION } from './kubelet-bridge/metrics-api.js';

/** Served resources of a group/version: preferred versions only (see request-path.ts), plus metrics.k8s.io. */
function resourcesInGroupVersion(group: string, version: string): ResourceInfo[] {
  if (group === METRICS_GROUP) return version === METRICS_VERSION ? [...METRICS_RESOURCES] : [];
  return allInGroupVersion(group, version).filter(isPreferredVersion);
}

/** The registry's groups and metrics.k8s.io (served from the kubelets, as an aggregated API would be). */
function apiGroups(): ApiGroupInfo[] {
  return [...registryGroups(), { name: METRICS_GROUP, versions: [METRICS_VERSION], preferredVersion: METRICS_VERSION }];
}

export const VERSION_INFO = Object.freeze({
  major: '1',
  // kubectl's dispatcher picks its build by the server's minor version.
  minor: '32',
  gitVersion: 'v1.32.0-k8ts',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'n/a (TypeScript on Node.js)',
  compiler: 'k8ts',
  platform: 'linux/amd64',
});

function verbsOf(res: ResourceInfo): string[] {
  return [...res.verbs].sort();
}

/** Resources as /api/v1 and /apis/{g}/{v} list them, subresources as `pods/status`. */
export function apiResourceList(group: string, version: string): object | undefined {
  if (!apiGroups().some((g) => g.name === group && g.versions.includes(version))) return undefined;
  const resources = resourcesInGroupVersion(group, version);
  const out: object[] = [];
  for (const r of resources) {
    const entry: Record<string, unknown> = {
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: verbsOf(r),
    };
    if (r.shortNames.length > 0) entry['shortNames'] = [...r.shortNames];
    if (r.categories.length > 0) entry['categories'] = [...r.categories];
    out.push(entry);
    for (const s of r.subresources) {
      const sub: Record<string, unknown> = { name: `${r.plural}/${s.name}`, singularName: '', namespaced: r.namespaced, kind: s.kind, verbs: [...s.verbs].sort() };
      if (s.group !== undefined) sub['group'] = s.group;
      if (s.version !== undefined) sub['version'] = s.version;
      out.push(sub);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources: out };
}

export function apiVersions(): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '' }] };
}

function groupEntry(g: { name: string; versions: readonly string[]; preferredVersion: string }): object {
  const gv = (v: string) => ({ groupVersion: `${g.name}/${v}`, version: v });
  return { name: g.name, versions: g.versions.map(gv), preferredVersion: gv(g.preferredVersion) };
}

export function apiGroupList(): object {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: apiGroups().filter((g) => g.name !== '').map(groupEntry) };
}

export function apiGroup(name: string): object | undefined {
  const g = apiGroups().find((x) => x.name === name && name !== '');
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(g) } : undefined;
}

/** The aggregated form for /api (core only) or /apis (every named group). */
export function aggregatedDiscovery(core: boolean, version: 'v2' | 'v2beta1'): object {
  const groups = apiGroups().filter((g) => (core ? g.name === '' : g.name !== ''));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g.name, creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        freshness: 'Current',
        resources: resourcesInGroupVersion(g.name, v).map((r) => {
          const entry: Record<string, unknown> = {
            resource: r.plural,
            responseKind: { group: r.group, version: r.version, kind: r.kind },
            scope: r.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: r.singular,
            verbs: verbsOf(r),
          };
          if (r.shortNames.length > 0) entry['shortNames'] = [...r.shortNames];
          if (r.categories.length > 0) entry['categories'] = [...r.categories];
          if (r.subresources.length > 0) {
            entry['subresources'] = r.subresources.map((s) => ({
              subresource: s.name,
              responseKind: { group: s.group ?? r.group, version: s.version ?? r.version, kind: s.kind },
              verbs: [...s.verbs].sort(),
            }));
          }
          return entry;
        }),
      })),
    })),
  };
}

export function aggregatedContentType(version: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

/**
 * /openapi/v3: one path per group/version. Each document declares the `fieldValidation` query
 * parameter on every kind's PATCH, which is what makes kubectl skip client-side validation and
 * send `fieldValidation=Strict` to us (docs/kubectl-wire.md §5). Schemas are not served yet.
 */
export function openApiIndex(): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const g of apiGroups()) {
    for (const v of g.versions) {
      const key = g.name === '' ? `api/${v}` : `apis/${g.name}/${v}`;
      paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=k8ts-${VERSION_INFO.gitVersion}` };
    }
  }
  return { paths };
}

export function openApiGroupVersion(group: string, version: string): object | undefined {
  const resources = resourcesInGroupVersion(group, version);
  if (resources.length === 0) return undefined;
  const prefix = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  const paths: Record<string, object> = {};
  for (const r of resources) {
    const path = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.plural}/{name}` : `${prefix}/${r.plural}/{name}`;
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const params = [{ name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } }];
    paths[path] = {
      patch: { 'x-kubernetes-group-version-kind': gvk, 'x-kubernetes-action': 'patch', parameters: params },
      put: { 'x-kubernetes-group-version-kind': gvk, 'x-kubernetes-action': 'put', parameters: params },
    };
    const collection = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.plural}` : `${prefix}/${r.plural}`;
    paths[collection] = { post: { 'x-kubernetes-group-version-kind': gvk, 'x-kubernetes-action': 'post', parameters: params } };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: VERSION_INFO.gitVersion }, paths, components: { schemas: {} } };
}
