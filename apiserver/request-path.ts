// Parses Kubernetes REST paths into (resource, namespace, name, subresource):
//   /api/v1/pods                                 list/watch across namespaces
//   /api/v1/namespaces/{ns}/pods[/{name}[/{sub}]]
//   /api/v1/namespaces[/{name}[/{sub}]]          the namespaces resource itself
//   /apis/{group}/{version}/...                  the same below a group
//   /api/v1/watch/...                            legacy watch prefix (as ?watch=true)
import { isPreferredVersion, resourceFor as lookup, type ResourceInfo } from '../lib/api/registry.js';

// Only each resource's preferred version is served: other versions would need conversion
// (autoscaling/v1 HorizontalPodAutoscaler), which is not built yet.
function resourceFor(group: string, version: string, plural: string): ResourceInfo | undefined {
  const r = lookup(group, version, plural);
  return r && isPreferredVersion(r) ? r : undefined;
}

export interface ResourcePath {
  group: string;
  version: string;
  resource: ResourceInfo;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  /** Came in under the legacy /watch/ prefix. */
  legacyWatch: boolean;
}

export type PathResult =
  | { kind: 'resource'; path: ResourcePath }
  | { kind: 'notFound'; message: string };

const NOT_FOUND = 'the server could not find the requested resource';

export function parseResourcePath(pathname: string): PathResult {
  const parts = pathname.split('/').filter((p) => p.length > 0).map(safeDecode);
  if (parts.some((p) => p === undefined)) return { kind: 'notFound', message: NOT_FOUND };
  const segs = parts as string[];
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 2) {
    group = '';
    version = segs[1]!;
    rest = segs.slice(2);
  } else if (segs[0] === 'apis' && segs.length >= 3) {
    group = segs[1]!;
    version = segs[2]!;
    rest = segs.slice(3);
  } else {
    return { kind: 'notFound', message: NOT_FOUND };
  }
  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  if (rest.length === 0) return { kind: 'notFound', message: NOT_FOUND };

  // namespaces/{ns}/{plural}/... when {plural} is a namespaced resource of this group/version.
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const nsRes = resourceFor(group, version, rest[2]!);
    if (nsRes && nsRes.namespaced) {
      if (rest.length > 5) return { kind: 'notFound', message: NOT_FOUND };
      return {
        kind: 'resource',
        path: { group, version, resource: nsRes, namespace: rest[1], name: rest[3], subresource: rest[4], legacyWatch },
      };
    }
  }
  const res = resourceFor(group, version, rest[0]!);
  if (!res) return { kind: 'notFound', message: NOT_FOUND };
  if (rest.length > 3) return { kind: 'notFound', message: NOT_FOUND };
  if (res.namespaced && rest.length > 1) {
    // /api/v1/pods/{name} is not a path: namespaced objects live under namespaces/{ns}/.
    return { kind: 'notFound', message: NOT_FOUND };
  }
  return { kind: 'resource', path: { group, version, resource: res, namespace: undefined, name: rest[1], subresource: rest[2], legacyWatch } };
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}
