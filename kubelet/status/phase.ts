// The pod phase from its container statuses, as upstream's getPhase (pkg/kubelet/kubelet_pods.go),
// including init containers and restartable init containers (sidecars).
import type { ContainerStatus, Pod } from '../../lib/api/types.js';

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

export function isSidecar(c: { restartPolicy?: string }): boolean {
  return c.restartPolicy === 'Always';
}

function byName(statuses: readonly ContainerStatus[], name: string): ContainerStatus | undefined {
  return statuses.find((s) => s.name === name);
}

/**
 * @param podIsTerminal the pod's containers are all stopped for good (terminated or finished):
 *   a restartPolicy Always pod then ends Succeeded or Failed rather than Running.
 */
export function getPhase(pod: Pod, initStatuses: readonly ContainerStatus[], statuses: readonly ContainerStatus[], podIsTerminal = false): PodPhase {
  const spec = pod.spec!;
  const restartPolicy = spec.restartPolicy ?? 'Always';
  let pendingInitialization = 0;
  let failedInitialization = 0;
  for (const c of spec.initContainers ?? []) {
    const s = byName(initStatuses, c.name);
    if (isSidecar(c)) {
      if (!s || !(s.state?.running && s.started)) {
        // A sidecar that exited and is restarting after the main containers began still counts as started.
        if (!(s?.lastState?.terminated && statuses.some((r) => r.state?.running || r.state?.terminated || r.lastState?.terminated))) pendingInitialization++;
      }
      continue;
    }
    if (!s) {
      pendingInitialization++;
      continue;
    }
    if (s.state?.running) pendingInitialization++;
    else if (s.state?.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInitialization++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) {
        if (s.lastState.terminated.exitCode !== 0) failedInitialization++;
      } else pendingInitialization++;
    } else pendingInitialization++;
  }

  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of spec.containers ?? []) {
    const s = byName(statuses, c.name);
    if (!s) {
      unknown++;
      continue;
    }
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }

  if (failedInitialization > 0 && restartPolicy === 'Never') return 'Failed';
  if (pendingInitialization > 0 && !podIsTerminal) return 'Pending';
  if (waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) {
    // Still running containers on a terminal pod are being stopped: it stays Running until they are.
    return 'Running';
  }
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (restartPolicy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}
