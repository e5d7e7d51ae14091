// Pod volume validation (ValidateVolumes and the sources we can run: emptyDir, hostPath,
// configMap, secret, persistentVolumeClaim, nfs, downwardAPI, projected, csi, ephemeral) and
// container volumeMounts.

import { fieldError, FieldPath, type StatusCause } from '../field-errors.js';
import { VOLUME_SOURCE_KEYS } from '../defaults/pod.js';
import { compare, newQuantity } from '../quantity.js';
import {
  dns1123Label,
  fileMode,
  has,
  isObj,
  list,
  localDescendingPath,
  localNonReservedPath,
  notFound,
  num,
  obj,
  type Obj,
  optStr,
  quantityAt,
  quantityText,
  str,
} from './common.js';
import { validateObjectFieldSelector } from './env.js';
import { validatePersistentVolumeClaimSpec } from './storage.js';

const HOST_PATH_TYPES = ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'];
const DOWNWARD_VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];
const ZERO = newQuantity(0);

/**
 * ValidateVolumes: each volume named (DNS-1123 label, unique) with exactly one valid source.
 * Returns the names volumeMounts may use: only volumes without errors, as in Kubernetes.
 */
export function validateVolumes(spec: Obj, path: FieldPath, causes: StatusCause[]): Set<string> {
  const names = new Set<string>();
  list(spec, 'volumes').forEach((raw, i) => {
    const vol: Obj = isObj(raw) ? raw : {};
    const p = path.index(i);
    const errs = validateVolumeSource(vol, p);
    const name = str(vol, 'name');
    if (name === '') errs.push(fieldError.required(p.child('name').toString()));
    else errs.push(...dns1123Label(name, p.child('name')));
    if (names.has(name)) errs.push(fieldError.duplicate(p.child('name').toString(), name));
    if (errs.length === 0) names.add(name);
    else causes.push(...errs);
  });
  return names;
}

function validateVolumeSource(vol: Obj, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  let count = 0;
  for (const key of VOLUME_SOURCE_KEYS) {
    if (!has(vol, key)) continue;
    if (count > 0) {
      causes.push(fieldError.forbidden(path.child(key).toString(), 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    const source = obj(vol, key) ?? {};
    const p = path.child(key);
    switch (key) {
      case 'hostPath': {
        const hostPath = str(source, 'path');
        if (hostPath === '') causes.push(fieldError.required(p.child('path').toString()));
        else if (hostPath.split('/').includes('..')) causes.push(fieldError.invalid(p.child('path').toString(), hostPath, "must not contain '..'"));
        const type = optStr(source, 'type');
        if (type !== undefined && !HOST_PATH_TYPES.includes(type)) causes.push(fieldError.notSupported(p.child('type').toString(), type, HOST_PATH_TYPES));
        break;
      }
      case 'emptyDir':
        if (has(source, 'sizeLimit')) causes.push(...nonNegativeQuantity(source['sizeLimit'], p.child('sizeLimit')));
        break;
      case 'configMap':
        if (str(source, 'name') === '') causes.push(fieldError.required(p.child('name').toString()));
        causes.push(...fileMode(num(source, 'defaultMode'), p.child('defaultMode')));
        causes.push(...validateKeyToPaths(list(source, 'items'), p.child('items')));
        break;
      case 'secret':
        if (str(source, 'secretName') === '') causes.push(fieldError.required(p.child('secretName').toString()));
        causes.push(...fileMode(num(source, 'defaultMode'), p.child('defaultMode')));
        causes.push(...validateKeyToPaths(list(source, 'items'), p.child('items')));
        break;
      case 'persistentVolumeClaim':
        if (str(source, 'claimName') === '') causes.push(fieldError.required(p.child('claimName').toString()));
        break;
      case 'nfs': {
        if (str(source, 'server') === '') causes.push(fieldError.required(p.child('server').toString()));
        const nfsPath = str(source, 'path');
        if (nfsPath === '') causes.push(fieldError.required(p.child('path').toString()));
        else if (!nfsPath.startsWith('/')) causes.push(fieldError.invalid(p.child('path').toString(), nfsPath, 'must be an absolute path'));
        break;
      }
      case 'downwardAPI':
        causes.push(...fileMode(num(source, 'defaultMode'), p.child('defaultMode')));
        causes.push(...validateDownwardAPIItems(list(source, 'items'), p.child('items')));
        break;
      case 'projected':
        causes.push(...fileMode(num(source, 'defaultMode'), p.child('defaultMode')));
        causes.push(...validateProjectedSources(list(source, 'sources'), p.child('sources')));
        break;
      case 'csi':
        if (str(source, 'driver') === '') causes.push(fieldError.required(p.child('driver').toString()));
        break;
      case 'ephemeral': {
        const template = obj(source, 'volumeClaimTemplate');
        if (!template) causes.push(fieldError.required(p.child('volumeClaimTemplate').toString()));
        else causes.push(...validatePersistentVolumeClaimSpec(obj(template, 'spec') ?? {}, p.child('volumeClaimTemplate').child('spec')));
        break;
      }
      default:
        // Cloud and network volume types are accepted as given; no runtime here can mount them.
        break;
    }
  }
  if (count === 0) causes.push(fieldError.required(path.toString(), 'must specify a volume type'));
  return causes;
}

function validateKeyToPaths(items: unknown[], path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  items.forEach((raw, i) => {
    const item: Obj = isObj(raw) ? raw : {};
    const p = path.index(i);
    if (str(item, 'key') === '') causes.push(fieldError.required(p.child('key').toString()));
    const itemPath = str(item, 'path');
    if (itemPath === '') causes.push(fieldError.required(p.child('path').toString()));
    causes.push(...localNonReservedPath(itemPath, p.child('path')));
    causes.push(...fileMode(num(item, 'mode'), p.child('mode')));
  });
  return causes;
}

function validateDownwardAPIItems(items: unknown[], path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  items.forEach((raw, i) => {
    const item: Obj = isObj(raw) ? raw : {};
    const p = path.index(i);
    const itemPath = str(item, 'path');
    if (itemPath === '') causes.push(fieldError.required(p.child('path').toString()));
    causes.push(...localNonReservedPath(itemPath, p.child('path')));
    causes.push(...fileMode(num(item, 'mode'), p.child('mode')));
    const fieldRef = obj(item, 'fieldRef');
    const resourceFieldRef = obj(item, 'resourceFieldRef');
    if (fieldRef) causes.push(...validateObjectFieldSelector(fieldRef, DOWNWARD_VOLUME_FIELD_PATHS, p.child('fieldRef')));
    if (fieldRef && resourceFieldRef) {
      causes.push(fieldError.invalid(p.toString(), 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
    }
  });
  return causes;
}

function validateProjectedSources(sources: unknown[], path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const kinds = ['secret', 'downwardAPI', 'configMap', 'serviceAccountToken', 'clusterTrustBundle'];
  sources.forEach((raw, i) => {
    const source: Obj = isObj(raw) ? raw : {};
    const p = path.index(i);
    let count = 0;
    for (const kind of kinds) {
      const s = obj(source, kind);
      if (!s) continue;
      count++;
      if (count > 1) {
        causes.push(fieldError.forbidden(p.child(kind).toString(), 'may not specify more than 1 volume type per source'));
        continue;
      }
      if (kind === 'secret' || kind === 'configMap') {
        if (str(s, 'name') === '') causes.push(fieldError.required(p.child(kind).child('name').toString()));
        causes.push(...validateKeyToPaths(list(s, 'items'), p.child(kind).child('items')));
      } else if (kind === 'downwardAPI') {
        causes.push(...validateDownwardAPIItems(list(s, 'items'), p.child(kind).child('items')));
      } else if (kind === 'serviceAccountToken') {
        const expiration = num(s, 'expirationSeconds');
        if (expiration !== undefined && expiration < 600) {
          causes.push(fieldError.invalid(p.child(kind).child('expirationSeconds').toString(), expiration, 'may not specify a duration less than 10 minutes'));
        }
        const tokenPath = str(s, 'path');
        if (tokenPath === '') causes.push(fieldError.required(p.child(kind).child('path').toString()));
      }
    }
    if (count === 0) causes.push(fieldError.required(p.toString(), 'must specify exactly 1 volume type'));
  });
  return causes;
}

/** ValidateVolumeMounts: names refer to volumes, mount paths present and unique. */
export function validateVolumeMounts(mounts: unknown[], volumes: ReadonlySet<string>, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const mountPoints = new Set<string>();
  mounts.forEach((raw, i) => {
    const m: Obj = isObj(raw) ? raw : {};
    const p = path.index(i);
    const name = str(m, 'name');
    if (name === '') causes.push(fieldError.required(p.child('name').toString()));
    if (!volumes.has(name)) causes.push(notFound(p.child('name'), name));
    const mountPath = str(m, 'mountPath');
    if (mountPath === '') causes.push(fieldError.required(p.child('mountPath').toString()));
    if (mountPoints.has(mountPath)) causes.push(fieldError.invalid(p.child('mountPath').toString(), mountPath, 'must be unique'));
    mountPoints.add(mountPath);
    const subPath = str(m, 'subPath');
    // Kubernetes reports subPath on the list's path (volumeMounts.subPath), not the element's.
    if (subPath !== '') causes.push(...localDescendingPath(subPath, path.child('subPath')));
    const subPathExpr = str(m, 'subPathExpr');
    if (subPathExpr !== '') {
      if (subPath !== '') causes.push(fieldError.invalid(p.child('subPathExpr').toString(), subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      causes.push(...localDescendingPath(subPathExpr, p.child('subPathExpr')));
    }
    const propagation = optStr(m, 'mountPropagation');
    const modes = ['Bidirectional', 'HostToContainer', 'None'];
    if (propagation !== undefined && !modes.includes(propagation)) {
      causes.push(fieldError.notSupported(p.child('mountPropagation').toString(), propagation, modes));
    }
  });
  return causes;
}


function nonNegativeQuantity(value: unknown, path: FieldPath): StatusCause[] {
  const { quantity, causes } = quantityAt(value, path);
  if (quantity && compare(quantity, ZERO) < 0) causes.push(fieldError.invalid(path.toString(), quantityText(quantity), 'must be greater than or equal to 0'));
  return causes;
}
