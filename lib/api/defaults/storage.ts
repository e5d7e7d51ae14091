// Defaults of PersistentVolumeClaims, PersistentVolumes (core/v1) and StorageClasses
// (storage.k8s.io/v1), as in Kubernetes' defaults.go files.

import { child, defaultIfEmpty, defaultIfUnset, ensureChild, type Obj } from './util.js';

/** SetDefaults_PersistentVolumeClaimSpec: volumeMode Filesystem. */
export function defaultPersistentVolumeClaimSpec(spec: Obj): void {
  defaultIfUnset(spec, 'volumeMode', 'Filesystem');
}

/** SetDefaults_PersistentVolumeClaim: spec defaults and status.phase Pending. */
export function defaultPersistentVolumeClaim(pvc: Obj): void {
  const spec = child(pvc, 'spec');
  if (spec) defaultPersistentVolumeClaimSpec(spec);
  const status = ensureChild(pvc, 'status');
  if (status) defaultIfEmpty(status, 'phase', 'Pending');
}

/** SetDefaults_PersistentVolume: reclaim policy Retain, volumeMode Filesystem, status.phase Pending. */
export function defaultPersistentVolume(pv: Obj): void {
  const spec = child(pv, 'spec');
  if (spec) {
    defaultIfEmpty(spec, 'persistentVolumeReclaimPolicy', 'Retain');
    defaultIfUnset(spec, 'volumeMode', 'Filesystem');
    const hostPath = child(spec, 'hostPath');
    if (hostPath) defaultIfUnset(hostPath, 'type', '');
  }
  const status = ensureChild(pv, 'status');
  if (status) defaultIfEmpty(status, 'phase', 'Pending');
}

/** storage.k8s.io/v1 SetDefaults_StorageClass: reclaimPolicy Delete, volumeBindingMode Immediate. */
export function defaultStorageClass(sc: Obj): void {
  defaultIfUnset(sc, 'reclaimPolicy', 'Delete');
  defaultIfUnset(sc, 'volumeBindingMode', 'Immediate');
}
