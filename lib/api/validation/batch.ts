// Validation of batch/v1 Jobs and CronJobs (pkg/apis/batch/validation). A Job is validated as the
// apiserver stores it: after the Job strategy generated its selector (see generateJobSelector in
// ../defaults/batch.ts) unless spec.manualSelector is true.

import { fieldError, FieldPath, type StatusCause } from '../field-errors.js';
import { matches, selectorFromLabelSelector, validateLabelSelector, type LabelSelector, type Selector } from '../labels.js';
import { has, isObj, nonNegative, num, obj, type Obj, optStr, str, strMap } from './common.js';
import { CronParseError, isKnownTimeZone, parseCronSchedule } from './cron.js';
import { nameIsDNSSubdomain, validateObjectMeta } from './meta.js';
import { validatePodTemplateSpec } from './pod.js';

const META_RULES = { namespaced: true, nameFn: nameIsDNSSubdomain };
const MAX_PARALLELISM_FOR_INDEXED_JOB = 100000;
const MAX_COMPLETIONS_FOR_INDEXED_JOB = 100000;
/** A CronJob's name gets an 11-character suffix in its Jobs' names, which must stay DNS-1035 labels. */
const MAX_CRONJOB_NAME_LENGTH = 52;

export function validateJob(job: Obj): StatusCause[] {
  const causes = validateObjectMeta(job['metadata'], META_RULES);
  causes.push(...validateGeneratedSelector(job));
  causes.push(...validateJobSpecWithSelector(obj(job, 'spec') ?? {}, new FieldPath('spec')));
  return causes;
}

/**
 * validateGeneratedSelector: with a generated selector, the template must carry the job's uid
 * labels and the selector must select on that uid. Skipped for manual selectors and for a Job
 * without a uid yet.
 */
function validateGeneratedSelector(job: Obj): StatusCause[] {
  const spec = obj(job, 'spec');
  const uid = str(obj(job, 'metadata'), 'uid');
  if (!spec || spec['manualSelector'] === true || uid === '' || !has(spec, 'selector')) return [];
  const causes: StatusCause[] = [];
  const templateMetaPath = new FieldPath('spec').child('template').child('metadata');
  const labels = strMap(obj(obj(spec, 'template'), 'metadata'), 'labels') ?? {};
  for (const key of ['controller-uid', 'batch.kubernetes.io/controller-uid']) {
    const p = templateMetaPath.child('labels').key(key).toString();
    if (!(key in labels)) causes.push(fieldError.required(p, uid));
    else if (labels[key] !== uid) causes.push(fieldError.invalid(p, labels, `must be '${uid}'`));
  }
  const selector = safeSelector(spec['selector']);
  if (selector && !matches(selector, { 'batch.kubernetes.io/controller-uid': uid })) {
    causes.push(fieldError.invalid('spec.selector', spec['selector'], '`selector` not auto-generated'));
  }
  return causes;
}

function safeSelector(ls: unknown): Selector | undefined {
  try {
    return selectorFromLabelSelector(isObj(ls) ? (ls as LabelSelector) : undefined);
  } catch {
    return undefined;
  }
}

/** ValidateJobSpec: the common rules plus a required selector that matches the template. */
function validateJobSpecWithSelector(spec: Obj, path: FieldPath): StatusCause[] {
  const causes = validateJobSpec(spec, path);
  const selectorObj = obj(spec, 'selector');
  if (!selectorObj) causes.push(fieldError.required(path.child('selector').toString()));
  else causes.push(...validateLabelSelector(selectorObj as LabelSelector, path.child('selector')));
  const selector = safeSelector(selectorObj);
  const labels = strMap(obj(obj(spec, 'template'), 'metadata'), 'labels') ?? {};
  if (selector && !matches(selector, labels)) {
    causes.push(fieldError.invalid(path.child('template').child('metadata').child('labels').toString(), labels, '`selector` does not match template `labels`'));
  }
  return causes;
}

/** validateJobSpec: counts, completion mode, replacement policy, the pod template and its restart policy. */
function validateJobSpec(spec: Obj, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const key of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished']) {
    causes.push(...nonNegative(num(spec, key), path.child(key)));
  }
  const completionMode = optStr(spec, 'completionMode');
  if (completionMode !== undefined) {
    if (completionMode !== 'NonIndexed' && completionMode !== 'Indexed') {
      causes.push(fieldError.notSupported(path.child('completionMode').toString(), completionMode, ['NonIndexed', 'Indexed']));
    }
    if (completionMode === 'Indexed') {
      const completions = num(spec, 'completions');
      const parallelism = num(spec, 'parallelism');
      if (completions === undefined) causes.push(fieldError.required(path.child('completions').toString(), 'when completion mode is Indexed'));
      else if (completions > MAX_COMPLETIONS_FOR_INDEXED_JOB && !has(spec, 'backoffLimitPerIndex')) {
        causes.push(
          fieldError.invalid(path.child('completions').toString(), completions, `must be less than or equal to ${MAX_COMPLETIONS_FOR_INDEXED_JOB} when completion mode is Indexed`),
        );
      }
      if (parallelism !== undefined && parallelism > MAX_PARALLELISM_FOR_INDEXED_JOB) {
        causes.push(
          fieldError.invalid(path.child('parallelism').toString(), parallelism, `must be less than or equal to ${MAX_PARALLELISM_FOR_INDEXED_JOB} when completion mode is Indexed`),
        );
      }
    }
  }
  if (has(spec, 'backoffLimitPerIndex') && completionMode !== 'Indexed') {
    causes.push(fieldError.invalid(path.child('backoffLimitPerIndex').toString(), spec['backoffLimitPerIndex'], 'requires indexed completion mode'));
  }
  const replacement = optStr(spec, 'podReplacementPolicy');
  if (replacement !== undefined) {
    const p = path.child('podReplacementPolicy');
    if (replacement !== 'TerminatingOrFailed' && replacement !== 'Failed') {
      causes.push(fieldError.notSupported(p.toString(), replacement, ['TerminatingOrFailed', 'Failed']));
    } else if (has(spec, 'podFailurePolicy') && replacement !== 'Failed') {
      causes.push(fieldError.notSupported(p.toString(), replacement, ['Failed']));
    }
  }
  const template = obj(spec, 'template') ?? {};
  causes.push(...validatePodTemplateSpec(template, path.child('template')));
  const restartPolicy = str(obj(template, 'spec'), 'restartPolicy');
  const restartPath = path.child('template').child('spec').child('restartPolicy').toString();
  if (restartPolicy === 'Always' || restartPolicy === '') {
    causes.push(fieldError.required(restartPath, 'valid values: "OnFailure", "Never"'));
  } else if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    causes.push(fieldError.notSupported(restartPath, restartPolicy, ['OnFailure', 'Never']));
  } else if (has(spec, 'podFailurePolicy') && restartPolicy !== 'Never') {
    causes.push(fieldError.invalid(restartPath, restartPolicy, 'only "Never" is supported when podFailurePolicy is specified'));
  }
  return causes;
}

export function validateCronJob(cj: Obj): StatusCause[] {
  const causes = validateObjectMeta(cj['metadata'], META_RULES);
  const name = str(obj(cj, 'metadata'), 'name');
  if (name.length > MAX_CRONJOB_NAME_LENGTH) {
    causes.push(fieldError.invalid('metadata.name', name, `must be no more than ${MAX_CRONJOB_NAME_LENGTH} characters`));
  }
  const path = new FieldPath('spec');
  const spec = obj(cj, 'spec') ?? {};
  const schedule = str(spec, 'schedule');
  const timeZone = optStr(spec, 'timeZone');
  if (schedule === '') causes.push(fieldError.required(path.child('schedule').toString()));
  else causes.push(...validateSchedule(schedule, timeZone, path.child('schedule')));
  causes.push(...nonNegative(num(spec, 'startingDeadlineSeconds'), path.child('startingDeadlineSeconds')));
  if (timeZone !== undefined) causes.push(...validateTimeZone(timeZone, path.child('timeZone')));
  const policy = str(spec, 'concurrencyPolicy');
  if (policy === '') causes.push(fieldError.required(path.child('concurrencyPolicy').toString()));
  else if (!['Allow', 'Forbid', 'Replace'].includes(policy)) {
    causes.push(fieldError.notSupported(path.child('concurrencyPolicy').toString(), policy, ['Allow', 'Forbid', 'Replace']));
  }
  causes.push(...validateJobTemplateSpec(obj(spec, 'jobTemplate') ?? {}, path.child('jobTemplate')));
  causes.push(...nonNegative(num(spec, 'successfulJobsHistoryLimit'), path.child('successfulJobsHistoryLimit')));
  causes.push(...nonNegative(num(spec, 'failedJobsHistoryLimit'), path.child('failedJobsHistoryLimit')));
  return causes;
}

/** ValidateJobTemplateSpec: the Job spec rules; the selector is always generated for CronJob Jobs. */
function validateJobTemplateSpec(template: Obj, path: FieldPath): StatusCause[] {
  const spec = obj(template, 'spec') ?? {};
  const specPath = path.child('spec');
  const causes = validateJobSpec(spec, specPath);
  if (has(spec, 'selector')) causes.push(fieldError.invalid(specPath.child('selector').toString(), spec['selector'], '`selector` will be auto-generated'));
  if (spec['manualSelector'] === true) causes.push(fieldError.notSupported(specPath.child('manualSelector').toString(), true, ['nil', 'false']));
  return causes;
}

function validateSchedule(schedule: string, timeZone: string | undefined, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  try {
    parseCronSchedule(schedule);
  } catch (err) {
    causes.push(fieldError.invalid(path.toString(), schedule, err instanceof CronParseError ? err.message : String(err)));
  }
  if (schedule.includes('TZ')) {
    causes.push(
      fieldError.invalid(
        path.toString(),
        schedule,
        timeZone === undefined
          ? 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'
          : 'cannot use both timeZone field and TZ or CRON_TZ in schedule',
      ),
    );
  }
  return causes;
}

const TIME_ZONE_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

function validateTimeZone(timeZone: string, path: FieldPath): StatusCause[] {
  if (timeZone === '') return [fieldError.invalid(path.toString(), timeZone, 'timeZone must be nil or non-empty string')];
  for (const part of timeZone.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !TIME_ZONE_PART.test(part)) {
      return [fieldError.invalid(path.toString(), timeZone, `unknown time zone ${timeZone}`)];
    }
  }
  if (timeZone.toLowerCase() === 'local') {
    return [fieldError.invalid(path.toString(), timeZone, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones')];
  }
  if (!isKnownTimeZone(timeZone)) return [fieldError.invalid(path.toString(), timeZone, `unknown time zone ${timeZone}`)];
  return [];
}
