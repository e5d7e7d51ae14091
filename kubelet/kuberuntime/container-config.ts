// The CRI container config for one container of a pod (kuberuntime_container.go
// generateContainerConfig): env and mounts from the injected providers, the log path by restart
// count, and the annotations a restarted kubelet reads back (hash, restartCount, type, …).
import type { Container, Pod } from '../../lib/api/types.js';
import { parseQuantity, toMillis, value } from '../../lib/api/quantity.js';
import * as L from '../runtime/labels.js';
import type { ContainerConfig, Resources } from '../runtime/types.js';
import { containerLogRelPath } from '../paths.js';
import type { ContainerEnvironment, PodVolumes } from '../pod-deps.js';
import { hashContainer } from './container-hash.js';
import type { ContainerRole } from './pod-status.js';

function quantity(v: string | number | undefined, f: (q: ReturnType<typeof parseQuantity>) => number): number {
  if (v === undefined) return 0;
  try {
    return f(parseQuantity(String(v)));
  } catch {
    return 0;
  }
}

export function cpuMillis(v: string | number | undefined): number {
  return quantity(v, toMillis);
}

export function memoryBytes(v: string | number | undefined): number {
  return quantity(v, (q) => Number(value(q)));
}

export function containerResources(c: Container): Resources {
  const limits = (c.resources?.limits ?? {}) as Record<string, string | number>;
  const requests = (c.resources?.requests ?? {}) as Record<string, string | number>;
  return {
    cpuLimitMillis: cpuMillis(limits.cpu),
    // Requests default to limits (as the API defaults them).
    cpuRequestMillis: cpuMillis(requests.cpu ?? limits.cpu),
    memoryLimitBytes: memoryBytes(limits.memory),
  };
}

export interface ContainerConfigDeps {
  env: ContainerEnvironment;
  volumes: PodVolumes;
}

export function containerRole(pod: Pod, name: string): ContainerRole {
  const init = pod.spec?.initContainers?.find((c) => c.name === name);
  if (!init) return 'regular';
  return init.restartPolicy === 'Always' ? 'sidecar' : 'init';
}

/** Throws ContainerConfigError (from the env provider) when the container cannot be configured. */
export async function containerConfig(pod: Pod, c: Container, restartCount: number, podIPs: readonly string[], deps: ContainerConfigDeps): Promise<ContainerConfig> {
  const ref = { namespace: pod.metadata?.namespace ?? 'default', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' };
  const envs = await deps.env.containerEnv(pod, c, podIPs);
  const tcpPorts = (c.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP').map((p) => p.containerPort);
  const annotations: Record<string, string> = {
    [L.CONTAINER_HASH]: hashContainer(c),
    [L.CONTAINER_RESTART_COUNT]: String(restartCount),
    [L.CONTAINER_TERMINATION_MESSAGE_PATH]: c.terminationMessagePath ?? '/dev/termination-log',
    [L.CONTAINER_TERMINATION_MESSAGE_POLICY]: c.terminationMessagePolicy ?? 'File',
    [L.POD_TERMINATION_GRACE_PERIOD]: String(pod.spec?.terminationGracePeriodSeconds ?? 30),
    [L.CONTAINER_PORTS]: JSON.stringify(tcpPorts),
    [L.CONTAINER_TYPE]: containerRole(pod, c.name),
  };
  if (c.lifecycle?.preStop) annotations[L.CONTAINER_PRESTOP_HANDLER] = JSON.stringify(c.lifecycle.preStop);
  return {
    metadata: { name: c.name, attempt: restartCount },
    image: { image: c.image ?? '' },
    command: c.command ?? [],
    args: c.args ?? [],
    workingDir: c.workingDir ?? '',
    envs,
    mounts: deps.volumes.containerMounts(pod, c),
    logPath: containerLogRelPath(c.name, restartCount),
    stdin: c.stdin === true,
    stdinOnce: c.stdinOnce === true,
    tty: c.tty === true,
    labels: L.containerLabels(ref, c.name),
    annotations,
    resources: containerResources(c),
  };
}
