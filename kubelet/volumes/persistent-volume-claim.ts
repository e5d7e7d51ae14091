// persistentVolumeClaim volumes: the claim must be Bound, and its PV must be a hostPath or local
// volume (the only kinds a node here can mount). Messages follow the kubelet's volume manager
// (desired_state_of_world_populator: "error processing PVC ns/name: PVC is not bound").
import type { Pod } from '../../lib/api/types.js';
import type { ObjectSource } from '../env/sources.js';

export async function resolveClaimPath(pod: Pod, claimName: string, source: ObjectSource): Promise<string> {
  const ns = pod.metadata?.namespace ?? '';
  const fail = (why: string) => new Error(`error processing PVC ${ns}/${claimName}: ${why}`);
  let pvc;
  try {
    pvc = await source.getPersistentVolumeClaim(ns, claimName);
  } catch (err) {
    throw fail(`failed to fetch PVC from API server: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (pvc.metadata?.deletionTimestamp) throw fail('PVC is being deleted');
  const pvName = pvc.spec?.volumeName;
  if (pvc.status?.phase !== 'Bound' || !pvName) throw fail('PVC is not bound');
  let pv;
  try {
    pv = await source.getPersistentVolume(pvName);
  } catch (err) {
    throw fail(`failed to fetch PV ${pvName} from API server: ${err instanceof Error ? err.message : String(err)}`);
  }
  const path = pv.spec?.hostPath?.path ?? pv.spec?.local?.path;
  if (!path) {
    const kind = Object.keys(pv.spec ?? {}).find((k) => !['accessModes', 'capacity', 'claimRef', 'persistentVolumeReclaimPolicy', 'storageClassName', 'volumeMode', 'nodeAffinity', 'mountOptions'].includes(k)) ?? 'unknown';
    throw fail(`PersistentVolume ${pvName} has a ${kind} source; only hostPath and local volumes are supported by this kubelet`);
  }
  return path;
}
