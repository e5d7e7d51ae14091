// The smaller core/v1 kinds (pkg/registry/core/*/strategy.go and their update validation):
// Namespaces, Nodes, ConfigMaps, Secrets, ReplicationControllers, ResourceQuotas,
// ServiceAccounts, LimitRanges, Events and Endpoints.
import { fieldError, type StatusCause } from '../../lib/api/field-errors.js';
import { child, isObj, type Obj } from '../../lib/api/objects.js';
import { semanticEqual } from './equality.js';
import { goStringSlice, immutableField, invalidRendered } from './go-format.js';
import { specChanged, type KindRules } from './kind-rules.js';
import { metaOf } from './meta.js';

// ---- Namespace ----

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
export const FINALIZER_KUBERNETES = 'kubernetes';

/** The name label always matches the name (generated names included). */
function labelNamespaceName(ns: Obj): void {
  const meta = metaOf(ns);
  if (typeof meta['name'] !== 'string' || meta['name'] === '') return;
  const labels = child(meta, 'labels');
  if (labels) labels[NAMESPACE_NAME_LABEL] = meta['name'];
  else meta['labels'] = { [NAMESPACE_NAME_LABEL]: meta['name'] };
}

function validateNamespacePhase(ns: Obj): StatusCause[] {
  const phase = child(ns, 'status')?.['phase'];
  const deleting = metaOf(ns)['deletionTimestamp'];
  if (deleting === undefined || deleting === null || deleting === '') {
    return phase === 'Active' ? [] : [fieldError.invalid('status.Phase', phase ?? '', "may only be 'Active' if `deletionTimestamp` is empty")];
  }
  return phase === 'Terminating' ? [] : [fieldError.invalid('status.Phase', phase ?? '', "may only be 'Terminating' if `deletionTimestamp` is not empty")];
}

const NAMESPACE_RULES: KindRules = {
  initialStatus: () => ({ phase: 'Active' }),
  prepareForCreate(ns) {
    const spec = isObj(ns['spec']) ? ns['spec'] : (ns['spec'] = {});
    const finalizers = Array.isArray(spec['finalizers']) ? spec['finalizers'] : [];
    if (!finalizers.includes(FINALIZER_KUBERNETES)) spec['finalizers'] = [...finalizers, FINALIZER_KUBERNETES];
    labelNamespaceName(ns);
  },
  prepareForUpdate(ns, old) {
    // Only the namespace controller (through /finalize) removes finalizers.
    const oldFinalizers = child(old, 'spec')?.['finalizers'];
    const spec = isObj(ns['spec']) ? ns['spec'] : (ns['spec'] = {});
    if (oldFinalizers === undefined) delete spec['finalizers'];
    else spec['finalizers'] = structuredClone(oldFinalizers);
    if (Object.keys(spec).length === 0 && old['spec'] === undefined) delete ns['spec'];
    labelNamespaceName(ns);
  },
  prepareForStatusUpdate(ns) {
    labelNamespaceName(ns);
  },
  validateUpdate: (ns) => validateNamespacePhase(ns),
};

// ---- Node ----

const NODE_CIDR_FORBIDDEN = 'node updates may not change podCIDR except from "" to valid';
const NODE_PROVIDER_FORBIDDEN = 'node updates may not change providerID except from "" to valid';

function validateNodeUpdate(node: Obj, old: Obj): StatusCause[] {
  const spec = child(node, 'spec') ?? {};
  const oldSpec = child(old, 'spec') ?? {};
  const causes: StatusCause[] = [];
  const oldCidrs = Array.isArray(oldSpec['podCIDRs']) ? oldSpec['podCIDRs'] : [];
  if (oldCidrs.length > 0 && !semanticEqual(spec['podCIDRs'], oldSpec['podCIDRs'])) causes.push(fieldError.forbidden('spec.podCIDRs', NODE_CIDR_FORBIDDEN));
  const oldProvider = typeof oldSpec['providerID'] === 'string' ? oldSpec['providerID'] : '';
  if (oldProvider !== '' && spec['providerID'] !== oldProvider) causes.push(fieldError.forbidden('spec.providerID', NODE_PROVIDER_FORBIDDEN));
  if ((spec['externalID'] ?? '') !== (oldSpec['externalID'] ?? '')) causes.push(fieldError.forbidden('spec.externalID', 'may not be updated'));
  return causes;
}

const NODE_RULES: KindRules = {
  // A kubelet registers its Node with status, which is kept. Dynamic kubelet config is gone.
  prepareForCreate(node) {
    delete child(node, 'spec')?.['configSource'];
    delete child(node, 'status')?.['config'];
  },
  prepareForUpdate(node) {
    delete child(node, 'spec')?.['configSource'];
  },
  validateUpdate: validateNodeUpdate,
};

// ---- ConfigMap and Secret ----

const IMMUTABLE_WHEN_SET = 'field is immutable when `immutable` is set';

function validateImmutableData(obj: Obj, old: Obj, dataKeys: readonly string[]): StatusCause[] {
  if (old['immutable'] !== true) return [];
  const causes: StatusCause[] = [];
  if (obj['immutable'] !== true) causes.push(fieldError.forbidden('immutable', IMMUTABLE_WHEN_SET));
  for (const k of dataKeys) if (!semanticEqual(obj[k], old[k])) causes.push(fieldError.forbidden(k, IMMUTABLE_WHEN_SET));
  return causes;
}

/** v1 Secret conversion: stringData is write-only, merged into data (base64) and never stored. */
function mergeStringData(secret: Obj): void {
  const stringData = secret['stringData'];
  if (!isObj(stringData)) {
    delete secret['stringData'];
    return;
  }
  const data = isObj(secret['data']) ? secret['data'] : (secret['data'] = {});
  for (const [k, v] of Object.entries(stringData)) {
    if (typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64');
  }
  delete secret['stringData'];
}

const CONFIGMAP_RULES: KindRules = {
  validateUpdate: (cm, old) => validateImmutableData(cm, old, ['data', 'binaryData']),
};

const SECRET_RULES: KindRules = {
  prepareForCreate: mergeStringData,
  prepareForUpdate: mergeStringData,
  validateUpdate(secret, old) {
    const causes: StatusCause[] = [];
    if ((secret['type'] ?? '') !== (old['type'] ?? '')) causes.push(immutableField('type', secret['type']));
    causes.push(...validateImmutableData(secret, old, ['data']));
    return causes;
  },
};

// ---- ResourceQuota ----

function validateResourceQuotaUpdate(rq: Obj, old: Obj): StatusCause[] {
  const scopes = child(rq, 'spec')?.['scopes'];
  const oldScopes = child(old, 'spec')?.['scopes'];
  const set = (v: unknown) => [...new Set(Array.isArray(v) ? v.map(String) : [])].sort();
  if (semanticEqual(set(scopes), set(oldScopes))) return [];
  return [invalidRendered('spec.scopes', goStringSlice(scopes, '[]core.ResourceQuotaScope'), 'field is immutable')];
}

// ---- ServiceAccount ----

/** Secret references keep only their names. */
function cleanSecretReferences(sa: Obj): void {
  if (!Array.isArray(sa['secrets'])) return;
  sa['secrets'] = sa['secrets'].map((s) => (isObj(s) && s['name'] !== undefined ? { name: s['name'] } : {}));
}

export const CORE_RULES: Record<string, KindRules> = {
  Namespace: NAMESPACE_RULES,
  Node: NODE_RULES,
  ConfigMap: CONFIGMAP_RULES,
  Secret: SECRET_RULES,
  ReplicationController: {
    initialStatus: () => ({ replicas: 0 }),
    generationChanged: specChanged,
  },
  ResourceQuota: {
    initialStatus: () => ({}),
    validateUpdate: validateResourceQuotaUpdate,
  },
  ServiceAccount: {
    prepareForCreate: cleanSecretReferences,
    prepareForUpdate: cleanSecretReferences,
  },
  LimitRange: {
    allowCreateOnUpdate: true,
    prepareForCreate(lr, ctx) {
      // An unnamed LimitRange is named by a uid.
      const meta = metaOf(lr);
      if (typeof meta['name'] !== 'string' || meta['name'] === '') meta['name'] = ctx.newUid();
    },
  },
  Event: { allowCreateOnUpdate: true },
  Endpoints: { allowCreateOnUpdate: true },
};
