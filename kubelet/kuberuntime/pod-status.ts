// What the runtime knows about one pod (upstream kubecontainer.PodStatus): its sandboxes and every
// container of it, read back from the runtime by the pod UID label, newest first. This, not the
// kubelet's memory, is the truth the pod workers act on — which is what lets a restarted kubelet
// adopt running containers.
import * as L from '../runtime/labels.js';
import type { ContainerStatus, PodSandboxStatus, Runtime } from '../runtime/types.js';

export type ContainerRole = 'init' | 'sidecar' | 'regular';

export interface RuntimeContainer {
  id: string;
  name: string;
  sandboxId: string;
  state: 'running' | 'exited' | 'created' | 'unknown';
  createdAtMs: number;
  startedAtMs: number;
  finishedAtMs: number;
  exitCode: number;
  reason: string;
  message: string;
  image: string;
  imageRef: string;
  restartCount: number;
  hash: string;
  role: ContainerRole;
}

export interface RuntimePodStatus {
  uid: string;
  name: string;
  namespace: string;
  /** Newest first. */
  sandboxes: PodSandboxStatus[];
  /** Newest first. */
  containers: RuntimeContainer[];
}

/** CRI nanoseconds as a decimal string → milliseconds (0 when unset or unparsable). */
export function nanosToMs(ns: string | undefined): number {
  if (!ns || !/^\d+$/.test(ns)) return 0;
  return Number(BigInt(ns) / 1_000_000n);
}

const STATES: Record<string, RuntimeContainer['state']> = {
  CONTAINER_RUNNING: 'running',
  CONTAINER_EXITED: 'exited',
  CONTAINER_CREATED: 'created',
  CONTAINER_UNKNOWN: 'unknown',
};

export function toRuntimeContainer(s: ContainerStatus): RuntimeContainer {
  const role = s.annotations[L.CONTAINER_TYPE];
  const restartCount = Number(s.annotations[L.CONTAINER_RESTART_COUNT] ?? s.metadata.attempt);
  return {
    id: s.id,
    name: s.labels[L.CONTAINER_NAME] ?? s.metadata.name,
    sandboxId: s.podSandboxId,
    state: STATES[s.state] ?? 'unknown',
    createdAtMs: nanosToMs(s.createdAt),
    startedAtMs: nanosToMs(s.startedAt),
    finishedAtMs: nanosToMs(s.finishedAt),
    exitCode: s.exitCode,
    reason: s.reason,
    message: s.message,
    image: s.image.image,
    imageRef: s.imageRef,
    restartCount: Number.isSafeInteger(restartCount) && restartCount >= 0 ? restartCount : 0,
    hash: s.annotations[L.CONTAINER_HASH] ?? '',
    role: role === 'init' || role === 'sidecar' ? role : 'regular',
  };
}

function newestFirst<T>(items: T[], at: (t: T) => number): T[] {
  return items.sort((a, b) => at(b) - at(a));
}

export async function getRuntimePodStatus(runtime: Runtime, pod: { uid: string; name: string; namespace: string }): Promise<RuntimePodStatus> {
  const selector = { [L.POD_UID]: pod.uid };
  const [sandboxes, containers] = await Promise.all([runtime.listPodSandbox({ labelSelector: selector }), runtime.listContainers({ labelSelector: selector })]);
  const statuses: RuntimeContainer[] = [];
  for (const c of containers) {
    try {
      statuses.push(toRuntimeContainer(await runtime.containerStatus(c.id)));
    } catch {
      // Removed between list and status: it no longer matters.
    }
  }
  return {
    ...pod,
    sandboxes: newestFirst(sandboxes, (s) => s.metadata.attempt * 1e15 + nanosToMs(s.createdAt)),
    containers: statuses.sort((a, b) => b.createdAtMs - a.createdAtMs || b.restartCount - a.restartCount),
  };
}

/** The newest container of this name (any sandbox). */
export function latestContainer(status: RuntimePodStatus, name: string): RuntimeContainer | undefined {
  return status.containers.find((c) => c.name === name);
}

/** The newest ready sandbox, if the newest sandbox is ready. */
export function readySandbox(status: RuntimePodStatus): PodSandboxStatus | undefined {
  const s = status.sandboxes[0];
  return s && s.state === 'SANDBOX_READY' ? s : undefined;
}

export function podIPs(status: RuntimePodStatus): string[] {
  const s = readySandbox(status);
  if (!s || !s.ip) return [];
  return [s.ip, ...s.additionalIps];
}
