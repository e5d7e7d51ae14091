// Validation of PersistentVolumeClaims (and claim templates), PersistentVolumes and StorageClasses
// (pkg/apis/core/validation and pkg/apis/storage/validation).

import { fieldError, FieldPath, type StatusCause } from '../field-errors.js';
import { validateLabelSelector, type LabelSelector } from '../labels.js';
import { compare, newQuantity } from '../quantity.js';
import { isQualifiedName } from '../names.js';
import { dns1123Subdomain, has, isObj, list, obj, type Obj, optStr, quantityAt, quantityText, str } from './common.js';
import { nameIsDNSSubdomain, validateObjectMeta } from './meta.js';

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const VOLUME_MODES = ['Block', 'Filesystem'];
const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];
const ZERO = newQuantity(0);

function validateAccessModes(modes: unknown[], path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  if (modes.length === 0) causes.push(fieldError.required(path.toString(), 'at least 1 access mode is required'));
  for (const mode of modes) {
    if (typeof mode !== 'string' || !ACCESS_MODES.includes(mode)) causes.push(fieldError.notSupported(path.toString(), mode, ACCESS_MODES));
  }
  if (modes.includes('ReadWriteOncePod') && modes.length > 1) {
    causes.push(fieldError.forbidden(path.toString(), 'may not use ReadWriteOncePod with other access modes'));
  }
  return causes;
}

/** A positive storage quantity at `path` (PVC requests.storage, PV capacity.storage). */
function positiveStorage(value: unknown, path: FieldPath): StatusCause[] {
  const { quantity, causes } = quantityAt(value, path);
  if (quantity && compare(quantity, ZERO) <= 0) causes.push(fieldError.invalid(path.toString(), quantityText(quantity), 'must be greater than zero'));
  return causes;
}

/** ValidatePersistentVolumeClaimSpec. */
export function validatePersistentVolumeClaimSpec(spec: Obj, path: FieldPath): StatusCause[] {
  const causes = validateAccessModes(list(spec, 'accessModes'), path.child('accessModes'));
  causes.push(...validateLabelSelector(obj(spec, 'selector') as LabelSelector | undefined, path.child('selector')));
  const storagePath = path.child('resources').key('storage');
  const requests = obj(obj(spec, 'resources'), 'requests');
  if (!requests || !has(requests, 'storage')) causes.push(fieldError.required(storagePath.toString()));
  else causes.push(...positiveStorage(requests['storage'], storagePath));
  const storageClassName = optStr(spec, 'storageClassName');
  if (storageClassName) causes.push(...dns1123Subdomain(storageClassName, path.child('storageClassName')));
  const volumeMode = optStr(spec, 'volumeMode');
  if (volumeMode !== undefined && !VOLUME_MODES.includes(volumeMode)) {
    causes.push(fieldError.notSupported(path.child('volumeMode').toString(), volumeMode, VOLUME_MODES));
  }
  return causes;
}

export function validatePersistentVolumeClaim(pvc: Obj): StatusCause[] {
  return [
    ...validateObjectMeta(pvc['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain }),
    ...validatePersistentVolumeClaimSpec(obj(pvc, 'spec') ?? {}, new FieldPath('spec')),
  ];
}

/** A claim template of a StatefulSet: named like a PVC, with a valid claim spec. */
export function validatePersistentVolumeClaimTemplate(template: Obj, path: FieldPath): StatusCause[] {
  const meta = obj(template, 'metadata');
  const causes: StatusCause[] = [];
  const name = str(meta, 'name');
  if (name === '') causes.push(fieldError.required(path.child('metadata').child('name').toString()));
  else causes.push(...dns1123Subdomain(name, path.child('metadata').child('name')));
  causes.push(...validatePersistentVolumeClaimSpec(obj(template, 'spec') ?? {}, path.child('spec')));
  return causes;
}

// PersistentVolume sources that can back a volume; exactly one must be set.
const PV_SOURCES = [
  'gcePersistentDisk', 'awsElasticBlockStore', 'hostPath', 'glusterfs', 'nfs', 'rbd', 'quobyte', 'cinder', 'cephfs',
  'fc', 'flocker', 'flexVolume', 'azureFile', 'vsphereVolume', 'azureDisk', 'photonPersistentDisk', 'portworxVolume',
  'scaleIO', 'local', 'storageos', 'csi', 'iscsi',
];

export function validatePersistentVolume(pv: Obj): StatusCause[] {
  const causes = validateObjectMeta(pv['metadata'], { namespaced: false, nameFn: nameIsDNSSubdomain });
  const path = new FieldPath('spec');
  const spec = obj(pv, 'spec') ?? {};
  causes.push(...validateAccessModes(list(spec, 'accessModes'), path.child('accessModes')));
  const capacity = obj(spec, 'capacity');
  const capacityPath = path.child('capacity');
  if (!capacity || Object.keys(capacity).length === 0) {
    causes.push(fieldError.required(capacityPath.toString()));
  } else {
    for (const name of Object.keys(capacity)) {
      if (name !== 'storage') causes.push(fieldError.notSupported(capacityPath.key(name).toString(), name, ['storage']));
    }
    if (has(capacity, 'storage')) causes.push(...positiveStorage(capacity['storage'], capacityPath.key('storage')));
  }
  const reclaim = str(spec, 'persistentVolumeReclaimPolicy');
  if (reclaim !== '' && !RECLAIM_POLICIES.includes(reclaim)) {
    causes.push(fieldError.notSupported(path.child('persistentVolumeReclaimPolicy').toString(), reclaim, RECLAIM_POLICIES));
  }
  const volumeMode = optStr(spec, 'volumeMode');
  if (volumeMode !== undefined && !VOLUME_MODES.includes(volumeMode)) {
    causes.push(fieldError.notSupported(path.child('volumeMode').toString(), volumeMode, VOLUME_MODES));
  }
  const storageClassName = str(spec, 'storageClassName');
  if (storageClassName !== '') causes.push(...dns1123Subdomain(storageClassName, path.child('storageClassName')));
  let sources = 0;
  for (const key of PV_SOURCES) {
    if (!has(spec, key)) continue;
    sources++;
    if (sources > 1) causes.push(fieldError.forbidden(path.child(key).toString(), 'may not specify more than 1 volume type'));
  }
  if (sources === 0) causes.push(fieldError.required(path.toString(), 'must specify a volume type'));
  const hostPath = obj(spec, 'hostPath');
  if (hostPath && str(hostPath, 'path') === '') causes.push(fieldError.required(path.child('hostPath').child('path').toString()));
  const local = obj(spec, 'local');
  if (local && str(local, 'path') === '') causes.push(fieldError.required(path.child('local').child('path').toString()));
  return causes;
}

const STORAGE_RECLAIM_POLICIES = ['Delete', 'Retain'];
const BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];

/** ValidateStorageClass: provisioner, reclaim policy, binding mode, parameters. */
export function validateStorageClass(sc: Obj): StatusCause[] {
  const causes = validateObjectMeta(sc['metadata'], { namespaced: false, nameFn: nameIsDNSSubdomain });
  const provisioner = str(sc, 'provisioner');
  if (provisioner === '') {
    causes.push(fieldError.required('provisioner'));
  } else {
    for (const msg of isQualifiedName(provisioner.toLowerCase())) causes.push(fieldError.invalid('provisioner', provisioner, msg));
  }
  const reclaim = optStr(sc, 'reclaimPolicy');
  if (reclaim !== undefined && !STORAGE_RECLAIM_POLICIES.includes(reclaim)) {
    causes.push(fieldError.notSupported('reclaimPolicy', reclaim, STORAGE_RECLAIM_POLICIES));
  }
  const binding = optStr(sc, 'volumeBindingMode');
  if (binding === undefined) causes.push(fieldError.required('volumeBindingMode'));
  else if (!BINDING_MODES.includes(binding)) causes.push(fieldError.notSupported('volumeBindingMode', binding, BINDING_MODES));
  const parameters = sc['parameters'];
  if (isObj(parameters)) {
    let size = 0;
    for (const [k, v] of Object.entries(parameters)) {
      if (k === '') causes.push(fieldError.invalid('parameters', parameters, 'key must not be empty'));
      size += k.length + (typeof v === 'string' ? v.length : 0);
    }
    if (size > 256 * 1024) causes.push(fieldError.tooLong('parameters', '', 256 * 1024));
    if (Object.keys(parameters).length > 512) causes.push(fieldError.tooMany('parameters', Object.keys(parameters).length, 512));
  }
  return causes;
}
