// Which file `kubectl logs [--previous]` reads for a container of a pod this kubelet runs. The
// runtime is the source of truth (labels name each container's pod and container, the restart
// count annotation orders them: the newest is the current one, the one before it the previous,
// as the kubelet keeps exactly one dead container per name); the pod's status explains why there
// is nothing to read yet, in the real kubelet's words (kubelet_pods.go validateContainerLogStatus).
import type { Pod } from '../../lib/api/types.js';
import { CONTAINER_NAME, CONTAINER_RESTART_COUNT, POD_NAME, POD_NAMESPACE, POD_UID } from '../runtime/labels.js';
import type { Container, RuntimeService } from '../runtime/types.js';

/** A log request the kubelet answers with an error: `statusCode` and the message as its body. */
export class ContainerLogError extends Error {
  override readonly name = 'ContainerLogError';
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ContainerLogSource {
  containerId: string;
  logPath: string;
}

function restartCountOf(c: Container): number {
  const n = Number(c.annotations[CONTAINER_RESTART_COUNT]);
  return Number.isInteger(n) ? n : c.metadata.attempt;
}

/** The pod's containers of one name, newest first. */
export async function containersOf(runtime: Pick<RuntimeService, 'listContainers'>, pod: Pod, containerName: string): Promise<Container[]> {
  const meta = pod.metadata ?? {};
  const all = await runtime.listContainers({ labelSelector: { [POD_NAMESPACE]: meta.namespace ?? '', [POD_NAME]: meta.name ?? '', [CONTAINER_NAME]: containerName } });
  // Same name, other pod (a deleted and recreated pod): not ours.
  const mine = meta.uid ? all.filter((c) => (c.labels[POD_UID] ?? meta.uid) === meta.uid) : all;
  return mine.sort((a, b) => restartCountOf(b) - restartCountOf(a) || (a.createdAt < b.createdAt ? 1 : -1));
}

function waitingReason(pod: Pod, containerName: string): string {
  const st = pod.status ?? {};
  const statuses = [...(st.containerStatuses ?? []), ...(st.initContainerStatuses ?? []), ...(st.ephemeralContainerStatuses ?? [])];
  return statuses.find((s) => s.name === containerName)?.state?.waiting?.reason || 'ContainerCreating';
}

function waitingError(pod: Pod, containerName: string): ContainerLogError {
  const name = pod.metadata?.name ?? '';
  const reason = waitingReason(pod, containerName);
  const detail = reason === 'ErrImagePull' ? "image can't be pulled" : reason === 'ImagePullBackOff' ? 'trying and failing to pull image' : reason;
  return new ContainerLogError(400, `container "${containerName}" in pod "${name}" is waiting to start: ${detail}`);
}

export async function containerLogSource(runtime: Pick<RuntimeService, 'listContainers' | 'containerStatus'>, pod: Pod, containerName: string, previous: boolean): Promise<ContainerLogSource> {
  const podName = pod.metadata?.name ?? '';
  const containers = await containersOf(runtime, pod, containerName);
  let chosen: Container | undefined;
  if (previous) {
    chosen = containers[1];
    if (!chosen) throw new ContainerLogError(400, `previous terminated container "${containerName}" in pod "${podName}" not found`);
  } else {
    // The newest container that ever started: while a restart is pending (CrashLoopBackOff) that
    // is the one that last ran, as the kubelet then reads lastState.terminated's logs.
    chosen = containers.find((c) => c.state !== 'CONTAINER_CREATED');
    if (!chosen) throw waitingError(pod, containerName);
  }
  const status = await runtime.containerStatus(chosen.id);
  return { containerId: chosen.id, logPath: status.logPath };
}
