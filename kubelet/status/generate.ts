// The whole API status of a pod from what the runtime reports (upstream generateAPIPodStatus):
// phase, the kubelet's conditions, IPs, startTime, qosClass and container statuses. Pure: the
// status manager adds lastTransitionTime and writes it.
import type { ContainerStatus, Pod, PodCondition, PodStatus } from '../../lib/api/types.js';
import { metaTime } from '../../lib/events/recorder.js';
import { podIPs, readySandbox, type RuntimePodStatus } from '../kuberuntime/pod-status.js';
import { containersReadyCondition, initializedCondition, readyCondition, readyToStartContainersCondition, KUBELET_CONDITIONS } from './conditions.js';
import { convertContainerStatuses, type ProbeView, type StartFailure } from './container-statuses.js';
import { getPhase } from './phase.js';
import { podQOSClass } from './qos.js';

export interface GenerateInput {
  pod: Pod;
  runtime: RuntimePodStatus;
  /** The last status we know (our cache, else the API's). */
  oldStatus: PodStatus;
  failures: ReadonlyMap<string, StartFailure>;
  probes: ProbeView;
  runtimeName: string;
  hostIPs: readonly string[];
  nowMs: number;
  /** Every container is stopped for good (terminated pod): the phase becomes final. */
  podIsTerminal?: boolean;
}

export function generatePodStatus(input: GenerateInput): PodStatus {
  const { pod, oldStatus } = input;
  const convert = { pod, runtime: input.runtime, failures: input.failures, probes: input.probes, runtimeName: input.runtimeName };
  const initStatuses: ContainerStatus[] = convertContainerStatuses({ ...convert, oldStatuses: oldStatus.initContainerStatuses ?? [] }, pod.spec?.initContainers ?? [], true);
  const statuses: ContainerStatus[] = convertContainerStatuses({ ...convert, oldStatuses: oldStatus.containerStatuses ?? [] }, pod.spec?.containers ?? [], false);
  let phase = getPhase(pod, initStatuses, statuses, input.podIsTerminal);
  // A pod never leaves a terminal phase (upstream enforces this in the status manager too).
  if (oldStatus.phase === 'Succeeded' || oldStatus.phase === 'Failed') phase = oldStatus.phase;

  const others = (oldStatus.conditions ?? []).filter((c) => !(KUBELET_CONDITIONS as readonly string[]).includes(c.type));
  const containersReady = containersReadyCondition(pod, initStatuses, statuses, phase);
  const conditions = [
    readyToStartContainersCondition(readySandbox(input.runtime) !== undefined),
    initializedCondition(pod, initStatuses, phase),
    readyCondition(pod, containersReady, others as PodCondition[]),
    containersReady,
  ] as PodCondition[];

  const ips = podIPs(input.runtime);
  const status: PodStatus = {
    phase,
    // Ours first, then the rest (PodScheduled): the order `kubectl describe` shows on a real node.
    conditions: [...conditions, ...others],
    hostIP: input.hostIPs[0],
    hostIPs: input.hostIPs.map((ip) => ({ ip })),
    // A stopped sandbox has no address any more; a finished pod keeps the one it had, as upstream.
    ...(ips.length ? { podIP: ips[0], podIPs: ips.map((ip) => ({ ip })) } : oldStatus.podIP ? { podIP: oldStatus.podIP, podIPs: oldStatus.podIPs ?? [{ ip: oldStatus.podIP }] } : {}),
    startTime: oldStatus.startTime ?? metaTime(input.nowMs),
    qosClass: podQOSClass(pod),
    ...(initStatuses.length ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses: statuses,
  };
  if (oldStatus.reason && (phase === 'Failed' || phase === 'Succeeded')) {
    status.reason = oldStatus.reason;
    if (oldStatus.message) status.message = oldStatus.message;
  }
  return status;
}
