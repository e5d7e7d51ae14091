// Shared fixtures for the storage tests (not a test file itself).
import { resourceFor, type ResourceInfo } from '../../../../lib/api/registry.js';
import type { KubeObject } from '../../../../lib/api/types.js';
import { ApiError } from '../../../../lib/api/errors.js';

function must(res: ResourceInfo | undefined, what: string): ResourceInfo {
  if (!res) throw new Error(`fixture: no resource ${what}`);
  return res;
}

export const PODS = must(resourceFor('', 'v1', 'pods'), 'pods');
export const NODES = must(resourceFor('', 'v1', 'nodes'), 'nodes');
export const EVENTS = must(resourceFor('', 'v1', 'events'), 'events');
export const DEPLOYMENTS = must(resourceFor('apps', 'v1', 'deployments'), 'deployments');

export function pod(namespace: string, name: string, extra: { labels?: Record<string, string>; nodeName?: string; uid?: string; phase?: string } = {}): KubeObject {
  const metadata: KubeObject['metadata'] = { name, namespace, uid: extra.uid ?? `uid-${namespace}-${name}` };
  if (extra.labels) metadata.labels = extra.labels;
  const obj: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
  if (extra.nodeName) (obj.spec as Record<string, unknown>).nodeName = extra.nodeName;
  if (extra.phase) obj.status = { phase: extra.phase };
  return obj;
}

/** Runs `fn` and returns the ApiError it throws (fails loudly when it throws something else or nothing). */
export async function apiErrorOf(fn: () => unknown): Promise<ApiError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw new Error(`expected an ApiError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected an ApiError, but the call succeeded');
}

export function names(items: KubeObject[]): string[] {
  return items.map((o) => `${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`);
}
