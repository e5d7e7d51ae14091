// What a fresh cluster has from the start: the default namespaces and the `kubernetes` Service.
// Runs in the background until it succeeds (the store may come up after the apiserver).
import type { ResourceInfo } from '../lib/api/registry.js';
import { resourceFor } from '../lib/api/registry.js';
import type { KubeObject } from '../lib/api/types.js';
import type { ApiDeps } from './deps.js';
import { prepareCreate } from './objects.js';
import { ApiError } from '../lib/api/errors.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

async function ensure(deps: ApiDeps, res: ResourceInfo, obj: KubeObject): Promise<void> {
  try {
    await deps.storeFor(res).get(obj.metadata.namespace, obj.metadata.name!);
    return;
  } catch (err) {
    if (!(err instanceof ApiError && err.status.code === 404)) throw err;
  }
  try {
    await prepareCreate(deps, res, obj);
    await deps.storeFor(res).create(obj);
  } catch (err) {
    if (err instanceof ApiError && err.status.code === 409) return; // another apiserver won the race
    throw err;
  }
}

export async function bootstrapOnce(deps: ApiDeps, serviceIP: string): Promise<void> {
  const namespaces = resourceFor('', 'v1', 'namespaces')!;
  for (const name of SYSTEM_NAMESPACES) {
    await ensure(deps, namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  await ensure(deps, resourceFor('', 'v1', 'services')!, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP: serviceIP, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }], sessionAffinity: 'None' },
  });
}

/** Retries bootstrapOnce with a capped back-off until it succeeds or the signal aborts. */
export async function bootstrap(deps: ApiDeps, serviceIP: string, signal: AbortSignal): Promise<void> {
  let delay = 100;
  for (let attempt = 1; !signal.aborted; attempt++) {
    try {
      await bootstrapOnce(deps, serviceIP);
      deps.logger.info({ attempt }, 'bootstrap objects present');
      return;
    } catch (err) {
      if (attempt === 1 || attempt % 20 === 0) deps.logger.warn({ err: (err as Error).message, attempt }, 'bootstrap not done yet; retrying');
      await deps.clock.sleep(delay, signal).catch(() => undefined);
      delay = Math.min(delay * 2, 2000);
    }
  }
}
