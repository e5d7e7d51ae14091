// An ObjectSource over in-memory objects, for env and volume tests.
import type { ConfigMap, PersistentVolume, PersistentVolumeClaim, Secret, Service } from '../../../../lib/api/types.js';
import { ObjectNotFoundError, type ObjectSource } from '../../../../kubelet/env/sources.js';

export interface Objects {
  configMaps?: ConfigMap[];
  secrets?: Secret[];
  services?: Service[];
  claims?: PersistentVolumeClaim[];
  volumes?: PersistentVolume[];
}

export function mapSource(objs: Objects): ObjectSource {
  const find = <T extends { metadata?: { namespace?: string; name?: string } }>(list: T[] | undefined, kind: string, ns: string | undefined, name: string): T => {
    const o = list?.find((x) => x.metadata?.namespace === ns && x.metadata?.name === name);
    if (!o) throw new ObjectNotFoundError(kind, name);
    return o;
  };
  return {
    getConfigMap: async (ns, name) => find(objs.configMaps, 'configmap', ns, name),
    getSecret: async (ns, name) => find(objs.secrets, 'secret', ns, name),
    getPersistentVolumeClaim: async (ns, name) => find(objs.claims, 'persistentvolumeclaim', ns, name),
    getPersistentVolume: async (name) => find(objs.volumes, 'persistentvolume', undefined, name),
    listServices: async () => objs.services ?? [],
  };
}
