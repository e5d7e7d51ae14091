// REST paths derived from the resource registry, never written by hand per kind:
// /api/v1[/namespaces/{ns}]/{plural}[/{name}[/{subresource}]] for the core group,
// /apis/{group}/{version}/… for the others.
import { apiVersionOf, resolveResourceName, resourceForKind, type ResourceInfo } from '../api/registry.js';

export interface PathParts {
  namespace?: string;
  name?: string;
  subresource?: string;
}

export function groupVersionPath(res: Pick<ResourceInfo, 'group' | 'version'>): string {
  return res.group === '' ? `/api/${res.version}` : `/apis/${res.group}/${res.version}`;
}

export function resourcePath(res: ResourceInfo, parts: PathParts = {}): string {
  let p = groupVersionPath(res);
  if (res.namespaced && parts.namespace !== undefined && parts.namespace !== '') p += `/namespaces/${encodeURIComponent(parts.namespace)}`;
  p += `/${res.plural}`;
  if (parts.name !== undefined) {
    if (parts.name === '') throw new Error(`${res.plural}: a resource name may not be empty`);
    p += `/${encodeURIComponent(parts.name)}`;
    if (parts.subresource !== undefined) p += `/${parts.subresource}`;
  } else if (parts.subresource !== undefined) {
    throw new Error(`${res.plural}/${parts.subresource}: a subresource needs an object name`);
  }
  return p;
}

export type ResourceRef = ResourceInfo | string | { apiVersion: string; kind: string };

/** Accepts a ResourceInfo, what a kubectl user types (`pods`, `deploy.apps`), or apiVersion+kind. */
export function resolveResource(ref: ResourceRef): ResourceInfo {
  if (typeof ref === 'string') {
    const r = resolveResourceName(ref);
    if (!r) throw new Error(`the server doesn't have a resource type "${ref}"`);
    return r;
  }
  if ('plural' in ref) return ref;
  const r = resourceForKind(ref.apiVersion, ref.kind);
  if (!r) throw new Error(`no matches for kind "${ref.kind}" in version "${ref.apiVersion}"`);
  return r;
}

export { apiVersionOf };
