// apps/v1 workloads (pkg/registry/apps/*/strategy.go, apps validation): status reset on create,
// generation 1 and bumped on spec changes (Deployments also on annotation changes, since those
// are copied to their ReplicaSets), selectors immutable, StatefulSet specs mostly immutable.
import { fieldError, type StatusCause } from '../../lib/api/field-errors.js';
import { child, type Obj } from '../../lib/api/objects.js';
import { semanticEqual } from './equality.js';
import { goLabelSelector, immutableField } from './go-format.js';
import { specChanged, type KindRules } from './kind-rules.js';
import { metaOf } from './meta.js';

/** spec.selector may not change once set (apps/v1). */
export function validateSelectorImmutable(obj: Obj, old: Obj): StatusCause[] {
  const now = child(obj, 'spec')?.['selector'];
  const before = child(old, 'spec')?.['selector'];
  return semanticEqual(now, before) ? [] : [immutableField('spec.selector', now, goLabelSelector(now))];
}

/** The StatefulSet spec fields an update may change; the rest is fixed at creation. */
const STATEFULSET_MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

export const STATEFULSET_SPEC_FORBIDDEN =
  "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

function validateStatefulSetUpdate(obj: Obj, old: Obj): StatusCause[] {
  const spec = { ...(child(obj, 'spec') ?? {}) };
  const oldSpec = child(old, 'spec') ?? {};
  for (const k of STATEFULSET_MUTABLE) {
    if (oldSpec[k] === undefined) delete spec[k];
    else spec[k] = oldSpec[k];
  }
  return semanticEqual(spec, oldSpec) ? [] : [fieldError.forbidden('spec', STATEFULSET_SPEC_FORBIDDEN)];
}

/** The v1 form of DaemonSet's internal spec.templateGeneration (bumped on every template change). */
export const DAEMONSET_TEMPLATE_GENERATION = 'deprecated.daemonset.template.generation';

function templateGenerationOf(obj: Obj): number {
  const raw = child(metaOf(obj), 'annotations')?.[DAEMONSET_TEMPLATE_GENERATION];
  const n = typeof raw === 'string' && /^-?[0-9]+$/.test(raw) ? Number(raw) : 0;
  return Number.isSafeInteger(n) ? n : 0;
}

function setTemplateGeneration(obj: Obj, value: number): void {
  const meta = metaOf(obj);
  const annotations = child(meta, 'annotations');
  if (value === 0) {
    if (annotations) delete annotations[DAEMONSET_TEMPLATE_GENERATION];
    return;
  }
  if (annotations) annotations[DAEMONSET_TEMPLATE_GENERATION] = String(value);
  else meta['annotations'] = { [DAEMONSET_TEMPLATE_GENERATION]: String(value) };
}

function validateControllerRevisionUpdate(obj: Obj, old: Obj): StatusCause[] {
  return semanticEqual(obj['data'], old['data']) ? [] : [immutableField('data', obj['data'])];
}

export const APPS_RULES: Record<string, KindRules> = {
  Deployment: {
    initialStatus: () => ({}),
    generationChanged: (obj, old) =>
      specChanged(obj, old) || !semanticEqual(child(metaOf(obj), 'annotations'), child(metaOf(old), 'annotations')),
    prepareForStatusUpdate(obj, old) {
      // The status path may not relabel a Deployment (its labels feed selectors elsewhere).
      const labels = metaOf(old)['labels'];
      if (labels === undefined) delete metaOf(obj)['labels'];
      else metaOf(obj)['labels'] = structuredClone(labels);
    },
    validateUpdate: validateSelectorImmutable,
  },
  ReplicaSet: {
    initialStatus: () => ({ replicas: 0 }),
    generationChanged: specChanged,
    validateUpdate: validateSelectorImmutable,
  },
  StatefulSet: {
    initialStatus: () => ({ replicas: 0, availableReplicas: 0 }),
    generationChanged: specChanged,
    validateUpdate: validateStatefulSetUpdate,
  },
  DaemonSet: {
    initialStatus: () => ({ currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 }),
    generationChanged: specChanged,
    prepareForCreate(obj) {
      if (templateGenerationOf(obj) < 1) setTemplateGeneration(obj, 1);
    },
    prepareForUpdate(obj, old) {
      // Clients cannot set the template generation; it counts template changes.
      const before = templateGenerationOf(old);
      const templateChanged = !semanticEqual(child(obj, 'spec')?.['template'], child(old, 'spec')?.['template']);
      setTemplateGeneration(obj, templateChanged ? before + 1 : before);
    },
    validateUpdate: validateSelectorImmutable,
  },
  ControllerRevision: {
    validateUpdate: validateControllerRevisionUpdate,
  },
};
