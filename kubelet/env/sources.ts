// Where the kubelet reads the objects a pod refers to. An interface so tests pass a map and the
// kubelet passes the API: ConfigMaps and Secrets by GET (always current, as the kubelet's object
// managers keep them), Services from a shared informer (every container of every pod needs them all).
import type { ConfigMap, PersistentVolume, PersistentVolumeClaim, Secret, Service } from '../../lib/api/types.js';
import { isNotFound, type KubeClient } from '../../lib/client/index.js';
import type { SharedInformerFactory } from '../../lib/informer/index.js';
import type { Lister } from '../../lib/informer/index.js';

/** Not found, with the kubelet's object-manager text (`configmap "x" not found`). */
export class ObjectNotFoundError extends Error {
  override readonly name = 'ObjectNotFoundError';
  constructor(kind: string, name: string) {
    super(`${kind} "${name}" not found`);
  }
}

export interface ObjectSource {
  getConfigMap(namespace: string, name: string): Promise<ConfigMap>;
  getSecret(namespace: string, name: string): Promise<Secret>;
  getPersistentVolumeClaim(namespace: string, name: string): Promise<PersistentVolumeClaim>;
  getPersistentVolume(name: string): Promise<PersistentVolume>;
  /** Every Service in the cluster. */
  listServices(): Promise<readonly Service[]>;
}

/** The API behind ObjectSource; start the factory before the first pod is synced. */
export class ApiObjectSource implements ObjectSource {
  private readonly services: Lister<Service>;

  constructor(
    private readonly client: KubeClient,
    factory: SharedInformerFactory,
  ) {
    this.services = factory.informerFor<Service>('services').lister;
  }

  private async get<T>(resource: string, kind: string, name: string, namespace?: string): Promise<T> {
    try {
      return await this.client.resource(resource).get(name, namespace !== undefined ? { namespace } : {}) as T;
    } catch (err) {
      if (isNotFound(err)) throw new ObjectNotFoundError(kind, name);
      throw err;
    }
  }

  getConfigMap(namespace: string, name: string): Promise<ConfigMap> {
    return this.get('configmaps', 'configmap', name, namespace);
  }
  getSecret(namespace: string, name: string): Promise<Secret> {
    return this.get('secrets', 'secret', name, namespace);
  }
  getPersistentVolumeClaim(namespace: string, name: string): Promise<PersistentVolumeClaim> {
    return this.get('persistentvolumeclaims', 'persistentvolumeclaim', name, namespace);
  }
  getPersistentVolume(name: string): Promise<PersistentVolume> {
    return this.get('persistentvolumes', 'persistentvolume', name);
  }
  async listServices(): Promise<readonly Service[]> {
    return this.services.list();
  }
}

/** Secret data is base64 on the wire; containers see the bytes. */
export function secretData(secret: Secret): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(secret.data ?? {})) out.set(k, Buffer.from(v, 'base64'));
  // stringData is write-only on a real apiserver; honour it if an object still carries it.
  for (const [k, v] of Object.entries(secret.stringData ?? {})) out.set(k, Buffer.from(v, 'utf8'));
  return out;
}

/** data and binaryData of a ConfigMap as bytes (binaryData is base64 on the wire). */
export function configMapData(cm: ConfigMap): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm.data ?? {})) out.set(k, Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) out.set(k, Buffer.from(v, 'base64'));
  return out;
}
