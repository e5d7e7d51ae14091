// What the pod lifecycle (pod workers, kuberuntime sync) needs from the rest of the kubelet,
// as interfaces so each side is built and unit-tested alone: container environment (env/),
// volumes (volumes/), probes and lifecycle hooks (prober/, lifecycle/).
import type { Container, Pod } from '../lib/api/types.js';
import type { KeyValue, Mount } from './runtime/types.js';

/**
 * A container the node cannot configure: `CreateContainerConfigError` with a message like the real
 * kubelet's (`configmap "app-config" not found`, `couldn't find key db in ConfigMap default/cfg`).
 */
export class ContainerConfigError extends Error {
  override readonly name = 'ContainerConfigError';
  readonly reason = 'CreateContainerConfigError';
}

export interface ContainerEnvironment {
  /** The container's env after valueFrom, envFrom, service links and $(VAR) expansion. */
  containerEnv(pod: Pod, container: Container, podIPs: readonly string[]): Promise<KeyValue[]>;
}

/** A volume that cannot be set up: event `FailedMount` with this message; the pod stays ContainerCreating. */
export class VolumeMountError extends Error {
  override readonly name = 'VolumeMountError';
  readonly reason = 'FailedMount';
}

export interface PodVolumes {
  /** Sets up every volume of the pod (idempotent; refreshes configMap/secret contents). */
  mountPod(pod: Pod): Promise<void>;
  /** Writes the pod's managed /etc/hosts once its sandbox has IPs (before its containers are created). */
  writeEtcHosts(pod: Pod, podIPs: readonly string[]): Promise<void>;
  /** The runtime mounts of one container (its volumeMounts incl. subPath, plus /etc/hosts). */
  containerMounts(pod: Pod, container: Container): Mount[];
  /** Removes the pod's volumes once it is terminated. */
  unmountPod(pod: Pod): Promise<void>;
}

export type ProbeType = 'liveness' | 'readiness' | 'startup';
export type ProbeResult = 'success' | 'failure' | 'unknown';

export interface ProbeUpdate {
  podUID: string;
  containerName: string;
  containerID: string;
  type: ProbeType;
  result: ProbeResult;
}

/** kubelet/prober's manager, as the pod workers see it (pkg/kubelet/prober/prober_manager.go). */
export interface Probes {
  /** Start probe workers for every probe of the pod's containers (idempotent). */
  addPod(pod: Pod): void;
  /** The pod's spec or a container changed: workers follow the running container IDs. */
  updatePod(pod: Pod, running: ReadonlyMap<string, { containerID: string; startedAtMs: number }>): void;
  removePod(podUID: string): void;
  /** Latest readiness (true only after success; a container without a readiness probe is ready once started). */
  ready(podUID: string, containerName: string, containerID: string): boolean;
  /** Whether the startup probe has succeeded (true when there is none). */
  started(podUID: string, containerName: string, containerID: string): boolean;
  /** Called on every result change; liveness/startup failures make the pod worker restart the container. */
  onUpdate(listener: (update: ProbeUpdate) => void): void;
}

export type HandlerResult = { ok: true } | { ok: false; message: string };

/** Runs postStart/preStop handlers (exec, httpGet, sleep; pkg/kubelet/lifecycle/handlers.go). */
export interface LifecycleHandlers {
  run(pod: Pod, container: Container, containerID: string, handler: NonNullable<NonNullable<Container['lifecycle']>['postStart']>, signal?: AbortSignal): Promise<HandlerResult>;
}
