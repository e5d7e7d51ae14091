// Printers for batch/v1: Job (STATUS, COMPLETIONS, DURATION as in Kubernetes 1.32) and CronJob
// (SCHEDULE, TIMEZONE, SUSPEND, ACTIVE, LAST SCHEDULE).

import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import { countItems, formatSelector, int, items, layoutContainerCells, printBoolPtr, str } from './format.js';
import {
  AGE_COLUMN,
  column,
  CONTAINERS_COLUMN,
  humanDuration,
  IMAGES_COLUMN,
  NAME_COLUMN,
  parseTimestamp,
  translateTimestampSince,
  wideColumn,
  type Printer,
} from './table.js';

/** Whether the first condition of this type is True (a later duplicate is ignored, as in Kubernetes). */
function hasJobCondition(job: Job, type: string): boolean {
  const cond = items(job.status?.conditions).find((c) => c?.type === type);
  return cond?.status === 'True';
}

/** Complete, Failed, Terminating, Suspended, FailureTarget or Running, in that order of precedence. */
export function jobStatus(job: Job): string {
  if (hasJobCondition(job, 'Complete')) return 'Complete';
  if (hasJobCondition(job, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp !== undefined && job.metadata?.deletionTimestamp !== null) return 'Terminating';
  if (hasJobCondition(job, 'Suspended')) return 'Suspended';
  if (hasJobCondition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/** `succeeded/completions`; without completions, `succeeded/1`, or `succeeded/1 of P` when parallel. */
export function jobCompletions(job: Job): string {
  const succeeded = int(job.status?.succeeded);
  const completions = job.spec?.completions;
  if (typeof completions === 'number') return `${succeeded}/${int(completions)}`;
  const parallelism = int(job.spec?.parallelism);
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** Time from start to completion, or to now while running; empty before the job started. */
export function jobDuration(job: Job, now: number): string {
  const start = parseTimestamp(job.status?.startTime);
  if (start === undefined) return '';
  const completion = parseTimestamp(job.status?.completionTime);
  return humanDuration((completion ?? now) - start);
}

export const jobPrinter: Printer<Job> = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'Whether the job is running, complete, failed, suspended or terminating.'),
    column('Completions', 'string', 'Succeeded pods out of the completions wanted.'),
    column('Duration', 'string', 'How long the job ran (so far, while it runs).'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    wideColumn('Selector', 'string', 'Label selector of the pods the job manages.'),
  ],
  print(job, { now }) {
    const [names, images] = layoutContainerCells(job.spec?.template?.spec?.containers);
    return {
      cells: [
        str(job.metadata?.name),
        jobStatus(job),
        jobCompletions(job),
        jobDuration(job, now),
        translateTimestampSince(job.metadata?.creationTimestamp, now),
        names,
        images,
        formatSelector(job.spec?.selector),
      ],
    };
  },
};

export const cronJobPrinter: Printer<CronJob> = {
  columns: [
    NAME_COLUMN,
    column('Schedule', 'string', 'The schedule in Cron format.'),
    column('Timezone', 'string', 'The time zone the schedule is read in.'),
    column('Suspend', 'boolean', 'Whether new runs are suspended.'),
    column('Active', 'integer', 'Number of jobs currently running.'),
    column('Last Schedule', 'string', 'Time since a job was last scheduled.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    wideColumn('Selector', 'string', 'Label selector of the pods of the job template.'),
  ],
  print(cj, { now }) {
    const lastSchedule = cj.status?.lastScheduleTime ? translateTimestampSince(cj.status.lastScheduleTime, now) : '<none>';
    const jobSpec = cj.spec?.jobTemplate?.spec;
    const [names, images] = layoutContainerCells(jobSpec?.template?.spec?.containers);
    return {
      cells: [
        str(cj.metadata?.name),
        str(cj.spec?.schedule),
        cj.spec?.timeZone ?? '<none>',
        printBoolPtr(cj.spec?.suspend),
        countItems(cj.status?.active),
        lastSchedule,
        translateTimestampSince(cj.metadata?.creationTimestamp, now),
        names,
        images,
        formatSelector(jobSpec?.selector),
      ],
    };
  },
};
