// batch/v1 (pkg/registry/batch/{job,cronjob}/strategy.go, ValidateJobSpecUpdate): Jobs get a
// generated selector and pod labels on create unless spec.manualSelector; completions, selector,
// completionMode and the pod template are fixed afterwards (the template's scheduling directives
// stay mutable while a Job is suspended and has never started; completions may follow
// parallelism on Indexed Jobs).
import { generateJobSelector } from '../../lib/api/defaults/batch.js';
import { type StatusCause } from '../../lib/api/field-errors.js';
import { child, type Obj } from '../../lib/api/objects.js';
import { semanticEqual } from './equality.js';
import { goLabelSelector, goValue, immutableField, invalidRendered } from './go-format.js';
import { specChanged, type KindRules } from './kind-rules.js';

/** Fields of a Job spec that never change after creation (besides selector, completions and template). */
const JOB_IMMUTABLE = ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy'];

function validateCompletions(spec: Obj, oldSpec: Obj): StatusCause[] {
  const now = spec['completions'];
  const before = oldSpec['completions'];
  if (semanticEqual(now, before)) return [];
  if (spec['completionMode'] !== 'Indexed') return [immutableField('spec.completions', now)];
  // Elastic Indexed Jobs: completions may change together with parallelism.
  if (now === undefined || now === null) return [];
  if (now !== spec['parallelism']) return [invalidRendered('spec.completions', goValue(now), 'can only be modified in tandem with spec.parallelism')];
  return [];
}

/**
 * The template may not change, except that a suspended Job that never started may still move its
 * pods: node affinity, node selector, tolerations, scheduling gates, and template labels and
 * annotations.
 */
function validateTemplate(job: Obj, old: Obj): StatusCause[] {
  const spec = child(job, 'spec') ?? {};
  const oldSpec = child(old, 'spec') ?? {};
  const template = child(spec, 'template') ?? {};
  const oldTemplate = structuredClone(child(oldSpec, 'template') ?? {});
  const suspendedNeverStarted = oldSpec['suspend'] === true && !child(old, 'status')?.['startTime'];
  if (suspendedNeverStarted) {
    const podSpec = child(template, 'spec') ?? {};
    const oldPod = ensureChild(oldTemplate, 'spec');
    const affinity = child(podSpec, 'affinity');
    const oldAffinity = child(oldPod, 'affinity');
    if (!affinity && oldAffinity) {
      delete oldAffinity['nodeAffinity'];
      if (Object.keys(oldAffinity).length === 0) delete oldPod['affinity'];
    } else if (affinity && !oldAffinity) {
      oldPod['affinity'] = affinity['nodeAffinity'] === undefined ? {} : { nodeAffinity: affinity['nodeAffinity'] };
    } else if (affinity && oldAffinity) {
      if (affinity['nodeAffinity'] === undefined) delete oldAffinity['nodeAffinity'];
      else oldAffinity['nodeAffinity'] = affinity['nodeAffinity'];
    }
    for (const k of ['nodeSelector', 'tolerations', 'schedulingGates']) copyField(podSpec, oldPod, k);
    const meta = child(template, 'metadata') ?? {};
    const oldMeta = ensureChild(oldTemplate, 'metadata');
    for (const k of ['labels', 'annotations']) copyField(meta, oldMeta, k);
  }
  return semanticEqual(template, oldTemplate) ? [] : [immutableField('spec.template', template)];
}

function ensureChild(o: Obj, key: string): Obj {
  const existing = child(o, key);
  if (existing) return existing;
  const created: Obj = {};
  o[key] = created;
  return created;
}

function copyField(from: Obj, to: Obj, key: string): void {
  if (from[key] === undefined) delete to[key];
  else to[key] = from[key];
}

export function validateJobUpdate(job: Obj, old: Obj): StatusCause[] {
  const spec = child(job, 'spec') ?? {};
  const oldSpec = child(old, 'spec') ?? {};
  const causes = validateCompletions(spec, oldSpec);
  if (!semanticEqual(spec['selector'], oldSpec['selector'])) causes.push(immutableField('spec.selector', spec['selector'], goLabelSelector(spec['selector'])));
  causes.push(...validateTemplate(job, old));
  for (const k of JOB_IMMUTABLE) {
    if (!semanticEqual(spec[k], oldSpec[k])) causes.push(immutableField(`spec.${k}`, spec[k]));
  }
  return causes;
}

export const BATCH_RULES: Record<string, KindRules> = {
  Job: {
    initialStatus: () => ({}),
    generationChanged: specChanged,
    prepareForCreate(job) {
      // Needs metadata.uid, which the shared create rules have just assigned.
      generateJobSelector(job);
    },
    validateUpdate: validateJobUpdate,
  },
  CronJob: {
    initialStatus: () => ({}),
    generationChanged: specChanged,
  },
};
