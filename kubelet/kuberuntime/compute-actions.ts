// What a sync must do to bring the runtime in line with the pod spec (upstream computePodActions,
// kuberuntime_manager.go): create a sandbox (and kill what is left) when there is none or it died,
// run init containers strictly in order — restartable ones (sidecars) started and kept running —
// then start regular containers that should run, and kill ones whose spec changed or that failed
// their liveness or startup probe. Pure: decisions only, from the runtime's state.
import type { Container, Pod } from '../../lib/api/types.js';
import { shouldContainerBeRestarted } from '../status/container-statuses.js';
import { isSidecar } from '../status/phase.js';
import { hashContainer } from './container-hash.js';
import type { RuntimeContainer, RuntimePodStatus } from './pod-status.js';

export type KillReason = 'LivenessProbe' | 'StartupProbe' | 'SpecChanged';

export interface KillAction {
  container: RuntimeContainer;
  spec: Container;
  message: string;
  reason: KillReason;
}

export interface PodActions {
  killPod: boolean;
  createSandbox: boolean;
  /** The sandbox to start containers in ('' when one is to be created). */
  sandboxId: string;
  /** Attempt number of the sandbox to create. */
  attempt: number;
  /** Init containers to start now, in order (sidecars that must come up, then at most one plain init container). */
  initContainersToStart: Container[];
  containersToStart: Container[];
  containersToKill: KillAction[];
}

export interface ComputeInput {
  pod: Pod;
  status: RuntimePodStatus;
  /** The liveness/startup failure reported for exactly this container instance, if any. */
  probeFailure(name: string, containerId: string): 'liveness' | 'startup' | undefined;
  /** Whether the startup probe of this container instance succeeded (true without one). */
  started(name: string, containerId: string): boolean;
}

function restartPolicy(pod: Pod): string {
  return pod.spec?.restartPolicy ?? 'Always';
}

/** Why a running container must go, if it must: spec changed, or a failed liveness/startup probe. */
function mustKill(input: ComputeInput, spec: Container, c: RuntimeContainer, neverRestart: boolean): { message: string; reason: KillReason; restart: boolean } | undefined {
  if (c.hash && c.hash !== hashContainer(spec)) return { message: `Container ${spec.name} definition changed`, reason: 'SpecChanged', restart: true };
  const failure = input.probeFailure(spec.name, c.id);
  if (failure === 'liveness') return { message: `Container ${spec.name} failed liveness probe`, reason: 'LivenessProbe', restart: !neverRestart };
  if (failure === 'startup') return { message: `Container ${spec.name} failed startup probe`, reason: 'StartupProbe', restart: !neverRestart };
  return undefined;
}

export function computePodActions(input: ComputeInput): PodActions {
  const { pod, status } = input;
  const policy = restartPolicy(pod);
  const inits = pod.spec?.initContainers ?? [];
  const containers = pod.spec?.containers ?? [];
  const sandbox = status.sandboxes[0];
  const actions: PodActions = { killPod: false, createSandbox: false, sandboxId: sandbox?.id ?? '', attempt: 0, initContainersToStart: [], containersToStart: [], containersToKill: [] };
  const latest = (name: string) => status.containers.find((c) => c.name === name);

  if (!sandbox || sandbox.state !== 'SANDBOX_READY') {
    actions.killPod = true;
    actions.createSandbox = true;
    actions.sandboxId = '';
    actions.attempt = sandbox ? sandbox.metadata.attempt + 1 : 0;
    // restartPolicy Never: a pod whose sandbox died after its containers ran is not brought back.
    if (policy === 'Never' && sandbox && status.containers.length > 0) {
      actions.createSandbox = false;
      return actions;
    }
    const toStart = containers.filter((c) => {
      const l = latest(c.name);
      return !(policy === 'OnFailure' && l?.state === 'exited' && l.exitCode === 0);
    });
    if (toStart.length === 0) {
      actions.createSandbox = false;
      return actions;
    }
    if (inits.length > 0) actions.initContainersToStart = [inits[0]!];
    else actions.containersToStart = toStart;
    return actions;
  }

  // In this sandbox: init progress restarts with every new sandbox.
  const current = (name: string) => status.containers.find((c) => c.name === name && c.sandboxId === sandbox.id);
  const previouslyInitialized = containers.some((c) => current(c.name) !== undefined);
  let initialized = true;
  for (const c of inits) {
    const s = current(c.name);
    if (isSidecar(c)) {
      if (!s || s.state !== 'running') {
        // Backoff, if it crashed, is applied when starting.
        actions.initContainersToStart.push(c);
        if (!previouslyInitialized) {
          initialized = false;
          break;
        }
        continue;
      }
      const kill = mustKill(input, c, s, false);
      if (kill) {
        actions.containersToKill.push({ container: s, spec: c, message: `${kill.message}, will be restarted`, reason: kill.reason });
        actions.initContainersToStart.push(c);
      }
      if (!previouslyInitialized && (kill || !input.started(c.name, s.id))) {
        initialized = false;
        break;
      }
      continue;
    }
    if (previouslyInitialized) continue;
    if (!s) {
      actions.initContainersToStart.push(c);
      initialized = false;
      break;
    }
    if (s.state === 'running') {
      initialized = false;
      break;
    }
    if (s.state === 'exited' && s.exitCode === 0) continue;
    initialized = false;
    if (s.state === 'exited' && policy === 'Never') {
      // A failed init container with restartPolicy Never fails the pod: stop what runs.
      actions.killPod = true;
      break;
    }
    actions.initContainersToStart.push(c);
    break;
  }
  if (!initialized) return actions;

  let keep = 0;
  for (const c of containers) {
    const s = latest(c.name);
    if (!s || s.state !== 'running' || s.sandboxId !== sandbox.id) {
      if (shouldContainerBeRestarted(pod, c, s && s.sandboxId === sandbox.id ? s : s?.state === 'running' ? undefined : s)) actions.containersToStart.push(c);
      continue;
    }
    const kill = mustKill(input, c, s, policy === 'Never');
    if (!kill) {
      keep++;
      continue;
    }
    actions.containersToKill.push({ container: s, spec: c, message: kill.restart ? `${kill.message}, will be restarted` : kill.message, reason: kill.reason });
    if (kill.restart) actions.containersToStart.push(c);
  }
  if (keep === 0 && actions.containersToStart.length === 0) {
    // Every container is done for good (Never/OnFailure): stop sidecars and the sandbox.
    actions.killPod = true;
    actions.initContainersToStart = [];
    actions.containersToKill = [];
  }
  return actions;
}
