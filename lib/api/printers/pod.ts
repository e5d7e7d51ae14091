// The Pod printer: READY, STATUS and RESTARTS computed the way `kubectl get pods` shows them
// (Kubernetes' printPod), including init-container progress (`Init:0/1`), waiting and terminated
// reasons (`CrashLoopBackOff`, `Completed`), `Terminating`, and the "(5m ago)" restart suffix.

import type { Container, ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';
import { int, items, str } from './format.js';
import {
  AGE_COLUMN,
  column,
  humanDuration,
  NAME_COLUMN,
  parseTimestamp,
  translateTimestampSince,
  wideColumn,
  type PrintContext,
  type PrintedCells,
  type Printer,
  type TableRowCondition,
} from './table.js';

const POD_SUCCEEDED: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
];
const POD_FAILED: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];

/** The reason the node lifecycle controller puts on pods of an unreachable node. */
const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

/** A sidecar: an init container that keeps running (restartPolicy Always). */
function isRestartableInitContainer(c: Container | undefined): boolean {
  return c?.restartPolicy === 'Always';
}

function conditionIsTrue(pod: Pod, type: string): boolean {
  // The first condition of the type decides, as in Kubernetes.
  const cond = items(pod.status?.conditions).find((c) => c?.type === type);
  return cond?.status === 'True';
}

function hasReadyCondition(pod: Pod): boolean {
  return items(pod.status?.conditions).some((c) => c?.type === 'Ready' && c?.status === 'True');
}

/** The later of `current` and the container's last termination time (epoch ms; 0 = never). */
function laterRestart(current: number, status: ContainerStatus): number {
  const finished = parseTimestamp(status.lastState?.terminated?.finishedAt);
  return finished !== undefined && finished > current ? finished : current;
}

function terminatedReason(prefix: string, t: { reason?: string; signal?: number; exitCode?: number }): string {
  if (t.reason) return prefix + t.reason;
  if (int(t.signal) !== 0) return `${prefix}Signal:${int(t.signal)}`;
  return `${prefix}ExitCode:${int(t.exitCode)}`;
}

function readinessGates(pod: Pod): string {
  const gates = items(pod.spec?.readinessGates);
  if (gates.length === 0) return '<none>';
  const conditions = items(pod.status?.conditions);
  let trueConditions = 0;
  for (const gate of gates) {
    const cond = conditions.find((c) => c?.type === gate?.conditionType);
    if (cond?.status === 'True') trueConditions++;
  }
  return `${trueConditions}/${gates.length}`;
}

function podIP(pod: Pod): string {
  // status.podIPs is what the internal type has; older objects may only carry status.podIP.
  const first = items(pod.status?.podIPs)[0]?.ip ?? pod.status?.podIP ?? '';
  return first === '' ? '<none>' : first;
}

export function printPod(pod: Pod, ctx: PrintContext): PrintedCells {
  const spec = pod.spec ?? { containers: [] };
  const status = pod.status ?? {};
  const specInit = items(spec.initContainers);
  const initByName = new Map<string, Container>();
  for (const c of specInit) if (c?.name !== undefined) initByName.set(c.name, c);

  let restarts = 0;
  let restartableInitRestarts = 0;
  let totalContainers = items(spec.containers).length;
  let readyContainers = 0;
  let lastRestart = 0;
  let lastRestartableInitRestart = 0;

  const phase = str(status.phase);
  let reason = status.reason ? status.reason : phase;
  for (const cond of items(status.conditions)) {
    if (cond?.type === 'PodScheduled' && cond?.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  for (const c of specInit) if (isRestartableInitContainer(c)) totalContainers++;

  let initializing = false;
  const initStatuses = items(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]!;
    const restartable = isRestartableInitContainer(initByName.get(cs.name));
    restarts += int(cs.restartCount);
    lastRestart = laterRestart(lastRestart, cs);
    if (restartable) {
      restartableInitRestarts += int(cs.restartCount);
      lastRestartableInitRestart = laterRestart(lastRestartableInitRestart, cs);
    }
    const terminated = cs.state?.terminated;
    const waiting = cs.state?.waiting;
    if (terminated && int(terminated.exitCode) === 0) continue;
    if (restartable && cs.started === true) {
      if (cs.ready) readyContainers++;
      continue;
    }
    if (terminated) {
      reason = terminatedReason('Init:', terminated);
    } else if (waiting && waiting.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${specInit.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionIsTrue(pod, 'Initialized')) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = items(status.containerStatuses);
    // Walk backwards so the first container's state wins, as kubectl shows it.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]!;
      restarts += int(cs.restartCount);
      lastRestart = laterRestart(lastRestart, cs);
      const waiting = cs.state?.waiting;
      const terminated = cs.state?.terminated;
      if (waiting && waiting.reason) {
        reason = waiting.reason;
      } else if (terminated) {
        reason = terminatedReason('', terminated);
      } else if (cs.ready && cs.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A finished container next to a running one does not make the pod Completed.
    if (reason === 'Completed' && hasRunning) reason = hasReadyCondition(pod) ? 'Running' : 'NotReady';
  }

  const deleting = pod.metadata?.deletionTimestamp !== undefined && pod.metadata?.deletionTimestamp !== null;
  if (deleting && status.reason === NODE_UNREACHABLE_POD_REASON) {
    reason = 'Unknown';
  } else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') {
    reason = 'Terminating';
  }

  let restartsCell = String(restarts);
  if (restarts !== 0 && lastRestart !== 0) {
    restartsCell = `${restarts} (${humanDuration(ctx.now - lastRestart)} ago)`;
  }

  const nodeName = spec.nodeName ? spec.nodeName : '<none>';
  const nominated = status.nominatedNodeName ? status.nominatedNodeName : '<none>';
  const cells = [
    str(pod.metadata?.name),
    `${readyContainers}/${totalContainers}`,
    reason,
    restartsCell,
    translateTimestampSince(pod.metadata?.creationTimestamp, ctx.now),
    podIP(pod),
    nodeName,
    nominated,
    readinessGates(pod),
  ];
  if (phase === 'Succeeded') return { cells, conditions: POD_SUCCEEDED };
  if (phase === 'Failed') return { cells, conditions: POD_FAILED };
  return { cells };
}

export const podPrinter: Printer<Pod> = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'Ready containers out of all (sidecars included).'),
    column('Status', 'string', 'Phase or the most telling container state of the pod.'),
    column('Restarts', 'string', 'How many times the containers in this pod restarted, and when the last one did.'),
    AGE_COLUMN,
    wideColumn('IP', 'string', 'The IP address allocated to the pod.'),
    wideColumn('Node', 'string', 'The node the pod is bound to.'),
    wideColumn('Nominated Node', 'string', 'The node the scheduler nominated for this pod after preemption.'),
    wideColumn('Readiness Gates', 'string', 'How many of the pod readiness gates are true.'),
  ],
  print: printPod,
};
