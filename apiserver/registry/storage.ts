// Storage kinds (pkg/registry/core/persistentvolume{,claim}, pkg/registry/storage/storageclass):
// a claim's spec is fixed after creation except its storage request (grown only, bound claims
// only) and a first volumeName; a volume's source is fixed; a class's parameters, provisioner,
// reclaim policy and binding mode are fixed.
import { fieldError, type StatusCause } from '../../lib/api/field-errors.js';
import { child, type Obj } from '../../lib/api/objects.js';
import { compare, parseQuantity } from '../../lib/api/quantity.js';
import { changedPaths, formatChanges, semanticEqual } from './equality.js';
import { immutableField } from './go-format.js';
import type { KindRules } from './kind-rules.js';
import { rfc3339 } from './meta.js';

export const PVC_SPEC_FORBIDDEN = 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims';
const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

function storageRequest(pvc: Obj): string | undefined {
  const v = child(child(child(pvc, 'spec'), 'resources'), 'requests')?.['storage'];
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

function quantityLess(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  try {
    return compare(parseQuantity(a), parseQuantity(b)) < 0;
  } catch {
    return false; // validation reports unparsable quantities
  }
}

/** ValidatePersistentVolumeClaimUpdate (1.30, without recovery from expansion failure). */
export function validatePersistentVolumeClaimUpdate(pvc: Obj, old: Obj): StatusCause[] {
  const spec = structuredClone(child(pvc, 'spec') ?? {});
  const oldSpec = structuredClone(child(old, 'spec') ?? {});
  const causes: StatusCause[] = [];
  // The binder sets volumeName once.
  if ((oldSpec['volumeName'] ?? '') === '') {
    if (spec['volumeName'] === undefined) delete oldSpec['volumeName'];
    else oldSpec['volumeName'] = spec['volumeName'];
  }
  // A class may be given once to a claim created without one (retroactive default class).
  if ((oldSpec['storageClassName'] ?? null) === null && !child(child(old, 'metadata'), 'annotations')?.[BETA_STORAGE_CLASS_ANNOTATION]) {
    if (spec['storageClassName'] === undefined) delete oldSpec['storageClassName'];
    else oldSpec['storageClassName'] = spec['storageClassName'];
  }
  // Bound claims may change their storage request (size checked below) and volume attributes class.
  if (child(pvc, 'status')?.['phase'] === 'Bound') {
    const requests = child(child(spec, 'resources'), 'requests');
    const oldRequests = child(child(oldSpec, 'resources'), 'requests');
    if (requests) {
      if (oldRequests?.['storage'] === undefined) delete requests['storage'];
      else requests['storage'] = oldRequests['storage'];
    }
    if (spec['volumeAttributesClassName'] === undefined) delete oldSpec['volumeAttributesClassName'];
    else oldSpec['volumeAttributesClassName'] = spec['volumeAttributesClassName'];
  }
  if (!semanticEqual(spec, oldSpec)) {
    const diff = formatChanges(changedPaths(oldSpec, spec, 'spec'));
    causes.push(fieldError.forbidden('spec', diff ? `${PVC_SPEC_FORBIDDEN}\n${diff}` : PVC_SPEC_FORBIDDEN));
  }
  if (quantityLess(storageRequest(pvc), storageRequest(old))) {
    causes.push(fieldError.forbidden('spec.resources.requests.storage', 'field can not be less than previous value'));
  }
  // The beta storage-class annotation is as fixed as the field it predates.
  const annotation = (o: Obj) => {
    const v = child(child(o, 'metadata'), 'annotations')?.[BETA_STORAGE_CLASS_ANNOTATION];
    return typeof v === 'string' ? v : '';
  };
  if (annotation(pvc) !== annotation(old)) {
    causes.push(immutableField(`metadata.annotations.${BETA_STORAGE_CLASS_ANNOTATION}`, annotation(pvc)));
  }
  return causes;
}

/** Spec fields of a PersistentVolume that are not its volume source. */
const PV_NON_SOURCE = new Set(['capacity', 'accessModes', 'claimRef', 'persistentVolumeReclaimPolicy', 'storageClassName', 'mountOptions', 'volumeMode', 'nodeAffinity', 'volumeAttributesClassName']);

function volumeSource(spec: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(spec)) if (!PV_NON_SOURCE.has(k)) out[k] = v;
  return out;
}

export function validatePersistentVolumeUpdate(pv: Obj, old: Obj): StatusCause[] {
  const spec = child(pv, 'spec') ?? {};
  const oldSpec = child(old, 'spec') ?? {};
  const causes: StatusCause[] = [];
  if (!semanticEqual(volumeSource(spec), volumeSource(oldSpec))) {
    const diff = formatChanges(changedPaths(volumeSource(oldSpec), volumeSource(spec), 'spec'));
    const detail = 'spec.persistentvolumesource is immutable after creation';
    causes.push(fieldError.forbidden('spec.persistentvolumesource', diff ? `${detail}\n${diff}` : detail));
  }
  if (!semanticEqual(spec['volumeMode'], oldSpec['volumeMode'])) causes.push(immutableField('volumeMode', spec['volumeMode']));
  if (oldSpec['nodeAffinity'] !== undefined && !semanticEqual(spec['nodeAffinity'], oldSpec['nodeAffinity'])) {
    causes.push(immutableField('nodeAffinity', spec['nodeAffinity']));
  }
  return causes;
}

function validateStorageClassUpdate(sc: Obj, old: Obj): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!semanticEqual(sc['parameters'], old['parameters'])) causes.push(fieldError.forbidden('parameters', 'updates to parameters are forbidden.'));
  if (sc['provisioner'] !== old['provisioner']) causes.push(fieldError.forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if ((sc['reclaimPolicy'] ?? 'Delete') !== (old['reclaimPolicy'] ?? 'Delete')) causes.push(fieldError.forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  if (!semanticEqual(sc['volumeBindingMode'], old['volumeBindingMode'])) causes.push(immutableField('volumeBindingMode', sc['volumeBindingMode']));
  return causes;
}

export const STORAGE_RULES: Record<string, KindRules> = {
  PersistentVolumeClaim: {
    initialStatus: () => ({}),
    validateUpdate: validatePersistentVolumeClaimUpdate,
  },
  PersistentVolume: {
    initialStatus: (_pv, ctx) => ({ phase: 'Pending', lastPhaseTransitionTime: rfc3339(ctx.now) }),
    prepareForStatusUpdate(pv, old, ctx) {
      // A phase change stamps the transition time unless the writer set a new one itself.
      const status = child(pv, 'status');
      const oldStatus = child(old, 'status');
      if (!status || status['phase'] === oldStatus?.['phase']) return;
      const stamped = status['lastPhaseTransitionTime'];
      if (stamped === undefined || stamped === null || stamped === oldStatus?.['lastPhaseTransitionTime']) status['lastPhaseTransitionTime'] = rfc3339(ctx.now);
    },
    validateUpdate: validatePersistentVolumeUpdate,
  },
  StorageClass: {
    validateUpdate: validateStorageClassUpdate,
  },
};
