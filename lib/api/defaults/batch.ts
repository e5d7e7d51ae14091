// Defaults of batch/v1 Jobs and CronJobs (pkg/apis/batch/v1/defaults.go), plus the selector
// generation that the Job registry strategy performs on create (pkg/registry/batch/job).

import { defaultPodTemplate } from './pod.js';
import { child, clone, defaultIfEmpty, defaultIfUnset, ensureChild, isEmptyMap, objects, type Obj } from './util.js';

/**
 * SetDefaults_Job: completions and parallelism 1 when both are unset (parallelism alone defaults
 * to 1; completions stays unset when only parallelism is given: a work queue), backoffLimit 6
 * (MaxInt32 with backoffLimitPerIndex), labels from the template when the Job has none,
 * completionMode NonIndexed, suspend false, podReplacementPolicy TerminatingOrFailed (Failed with
 * a podFailurePolicy), and podFailurePolicy onPodConditions status True.
 */
export function defaultJob(job: Obj): void {
  const spec = child(job, 'spec');
  if (!spec) return;
  defaultJobSpec(spec);
  const templateLabels = child(child(child(spec, 'template'), 'metadata'), 'labels');
  const metadata = ensureChild(job, 'metadata');
  if (templateLabels && metadata && isEmptyMap(metadata, 'labels')) metadata['labels'] = clone(templateLabels);
}

function defaultJobSpec(spec: Obj): void {
  const unset = (k: string) => spec[k] === undefined || spec[k] === null;
  if (unset('completions') && unset('parallelism')) {
    spec['completions'] = 1;
    spec['parallelism'] = 1;
  }
  defaultIfUnset(spec, 'parallelism', 1);
  defaultIfUnset(spec, 'backoffLimit', unset('backoffLimitPerIndex') ? 6 : 2147483647);
  defaultIfUnset(spec, 'completionMode', 'NonIndexed');
  defaultIfUnset(spec, 'suspend', false);
  const podFailurePolicy = child(spec, 'podFailurePolicy');
  for (const rule of objects(podFailurePolicy, 'rules')) {
    for (const pattern of objects(rule, 'onPodConditions')) defaultIfEmpty(pattern, 'status', 'True');
  }
  defaultIfUnset(spec, 'podReplacementPolicy', podFailurePolicy ? 'Failed' : 'TerminatingOrFailed');
  defaultPodTemplate(child(spec, 'template'));
}

/**
 * SetDefaults_CronJob: concurrencyPolicy Allow, suspend false, successfulJobsHistoryLimit 3,
 * failedJobsHistoryLimit 1. The job template's pod template gets pod defaults; the job spec
 * itself is defaulted when a Job is created from it, as in Kubernetes.
 */
export function defaultCronJob(cj: Obj): void {
  const spec = child(cj, 'spec');
  if (!spec) return;
  defaultIfEmpty(spec, 'concurrencyPolicy', 'Allow');
  defaultIfUnset(spec, 'suspend', false);
  defaultIfUnset(spec, 'successfulJobsHistoryLimit', 3);
  defaultIfUnset(spec, 'failedJobsHistoryLimit', 1);
  defaultPodTemplate(child(child(child(spec, 'jobTemplate'), 'spec'), 'template'));
}

/** Labels the Job strategy puts on pods of a Job with a generated selector. */
export const JOB_NAME_LABELS = ['job-name', 'batch.kubernetes.io/job-name'] as const;
export const CONTROLLER_UID_LABELS = ['controller-uid', 'batch.kubernetes.io/controller-uid'] as const;

/**
 * What the apiserver's Job strategy does on create, after metadata.uid is assigned and before
 * validation: unless spec.manualSelector is true, it labels the pod template with the job's name
 * and uid (labels the user already set are kept; validation then rejects a mismatch) and selects
 * on `batch.kubernetes.io/controller-uid`. With manualSelector: true, nothing changes and the
 * user's selector must match the template.
 */
export function generateJobSelector(job: Obj): void {
  const spec = child(job, 'spec');
  const metadata = child(job, 'metadata');
  if (!spec || !metadata || spec['manualSelector'] === true) return;
  const name = metadata['name'];
  const uid = metadata['uid'];
  if (typeof name !== 'string' || typeof uid !== 'string' || uid === '') return;
  const template = ensureChild(spec, 'template');
  const templateMeta = template && ensureChild(template, 'metadata');
  const labels = templateMeta && ensureChild(templateMeta, 'labels');
  if (labels) {
    for (const key of JOB_NAME_LABELS) if (!(key in labels)) labels[key] = name;
    for (const key of CONTROLLER_UID_LABELS) if (!(key in labels)) labels[key] = uid;
  }
  const selector = ensureChild(spec, 'selector');
  const matchLabels = selector && ensureChild(selector, 'matchLabels');
  if (matchLabels && !('batch.kubernetes.io/controller-uid' in matchLabels)) {
    matchLabels['batch.kubernetes.io/controller-uid'] = uid;
  }
}
