// Drives the runtime for one pod (upstream kuberuntime_manager.go SyncPod / KillPod and
// kuberuntime_container.go startContainer / killContainer): carries out computePodActions —
// sandbox, init containers, sidecars, containers, kills — with the real kubelet's events, and
// reports per container why it could not be started (the waiting reasons of the pod status).
import type { Container, ContainerStatus, Pod, PodStatus } from '../../lib/api/types.js';
import type { EventRecorder, EventType } from '../../lib/events/recorder.js';
import type { Clock } from '../../lib/util/clock.js';
import type { Logger } from '../../lib/util/logger.js';
import { ImageError, type ImageManager } from '../images/image-manager.js';
import { type ContainerEnvironment, type LifecycleHandlers, type PodVolumes } from '../pod-deps.js';
import { containerFieldPath, formatPod } from '../pod/format.js';
import type { PodSandboxConfig, Runtime } from '../runtime/types.js';
import type { StartFailure } from '../status/container-statuses.js';
import { isSidecar } from '../status/phase.js';
import { computePodActions, type KillReason } from './compute-actions.js';
import { containerConfig } from './container-config.js';
import type { CrashLoopBackoff } from './crash-backoff.js';
import { latestContainer, readySandbox, type RuntimeContainer, type RuntimePodStatus } from './pod-status.js';
import { podSandboxConfig, type SandboxSettings } from './sandbox-config.js';

/** Upstream's minimum shutdown window, so a preStop hook that used the grace period up is not followed by an instant SIGKILL. */
const MIN_GRACE_SECONDS = 2;

export interface RuntimeManagerDeps {
  runtime: Runtime;
  images: ImageManager;
  recorder: EventRecorder;
  env: ContainerEnvironment;
  volumes: PodVolumes;
  lifecycle: LifecycleHandlers;
  crashBackoff: CrashLoopBackoff;
  clock: Clock;
  log: Logger;
  sandbox: SandboxSettings;
}

export interface SyncInput {
  pod: Pod;
  status: RuntimePodStatus;
  /** The last API status we know, to carry restart counts over a runtime that lost its containers. */
  apiStatus: PodStatus;
  probeFailure(name: string, containerId: string): 'liveness' | 'startup' | undefined;
  started(name: string, containerId: string): boolean;
  signal?: AbortSignal;
}

export interface SyncResult {
  /** Per container this sync tried to start: why it failed, or null when it started. */
  outcomes: Map<string, StartFailure | null>;
  /** When to sync again at the latest (a backoff ends). */
  requeueAfterMs?: number;
  /** A sandbox could not be created or another pod-level failure. */
  error?: string;
}

export class RuntimeManager {
  constructor(private readonly deps: RuntimeManagerDeps) {}

  private event(pod: Pod, type: EventType, reason: string, message: string, container?: string): void {
    this.deps.recorder.event(pod, type, reason, message, container ? { fieldPath: containerFieldPath(pod, container) } : {});
  }

  async syncPod(input: SyncInput): Promise<SyncResult> {
    const { pod, status } = input;
    const result: SyncResult = { outcomes: new Map() };
    const actions = computePodActions(input);
    if (actions.killPod) {
      if (actions.createSandbox && status.sandboxes.length > 0) this.event(pod, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
      await this.killPod(pod, status);
      if (!actions.createSandbox) return result;
    } else {
      for (const k of actions.containersToKill) await this.killContainer(pod, k.container, k.spec, k.message, k.reason);
    }
    await this.pruneExited(status, new Set(actions.containersToKill.map((k) => k.container.id)));

    let sandboxId = actions.sandboxId;
    let attempt = actions.attempt;
    if (!actions.createSandbox) attempt = status.sandboxes[0]?.metadata.attempt ?? 0;
    const sandboxConfig = podSandboxConfig(pod, attempt, this.deps.sandbox);
    let ips: string[] = [];
    if (actions.createSandbox) {
      try {
        sandboxId = await this.deps.runtime.runPodSandbox(sandboxConfig);
        const s = await this.deps.runtime.podSandboxStatus(sandboxId);
        ips = s.ip ? [s.ip, ...s.additionalIps] : [];
        await this.deps.volumes.writeEtcHosts(pod, ips);
      } catch (err) {
        const message = `Failed to create pod sandbox: ${(err as Error).message}`;
        this.event(pod, 'Warning', 'FailedCreatePodSandBox', message);
        result.error = message;
        return result;
      }
    } else {
      const s = readySandbox(status);
      ips = s?.ip ? [s.ip, ...s.additionalIps] : [];
    }

    const start = async (c: Container): Promise<boolean> => {
      if (input.signal?.aborted) return false;
      const failure = await this.startWithBackoff(input, c, sandboxId, sandboxConfig, ips, result);
      result.outcomes.set(c.name, failure);
      return failure === null;
    };
    for (const c of actions.initContainersToStart) {
      // A plain init container runs alone; a sidecar that fails to start holds back what follows.
      if (!(await start(c)) || !isSidecar(c)) break;
      // The next in line can be looked at once this one counts as started: sync again now.
      requeueWithin(result, 0);
    }
    for (const c of actions.containersToStart) await start(c);
    return result;
  }

  private async startWithBackoff(input: SyncInput, c: Container, sandboxId: string, sandboxConfig: PodSandboxConfig, ips: string[], result: SyncResult): Promise<StartFailure | null> {
    const { pod, status } = input;
    const latest = latestContainer(status, c.name);
    const decision = this.deps.crashBackoff.check(pod, c, latest);
    if (decision.inBackOff) {
      this.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${formatPod(pod)}`, c.name);
      requeueWithin(result, decision.remainingMs);
      return { reason: 'CrashLoopBackOff', message: decision.message };
    }
    const failure = await this.startContainer(input, c, sandboxId, sandboxConfig, ips);
    if (failure?.reason === 'ImagePullBackOff' || failure?.reason === 'ErrImagePull') {
      requeueWithin(result, Math.max(1, this.deps.images.backoffRemaining(pod, c)));
    }
    return failure;
  }

  /** pull → create → start → postStart; the failure reason is the container's waiting reason. */
  private async startContainer(input: SyncInput, c: Container, sandboxId: string, sandboxConfig: PodSandboxConfig, ips: string[]): Promise<StartFailure | null> {
    const { pod } = input;
    const { runtime } = this.deps;
    try {
      await this.deps.images.ensureImageExists(pod, c, sandboxConfig);
    } catch (err) {
      if (err instanceof ImageError) {
        this.event(pod, 'Warning', 'Failed', `Error: ${err.reason}`, c.name);
        return { reason: err.reason, message: err.message };
      }
      this.event(pod, 'Warning', 'Failed', `Error: ${(err as Error).message}`, c.name);
      return { reason: 'ErrImagePull', message: (err as Error).message };
    }
    const restartCount = nextRestartCount(input, c.name);
    let config;
    try {
      config = await containerConfig(pod, c, restartCount, ips, this.deps);
    } catch (err) {
      const message = (err as Error).message;
      this.event(pod, 'Warning', 'Failed', `Error: ${message}`, c.name);
      // ContainerConfigError from env, or anything else building the config: upstream reports both so.
      return { reason: 'CreateContainerConfigError', message };
    }
    let id: string;
    try {
      id = await runtime.createContainer(sandboxId, config, sandboxConfig);
    } catch (err) {
      const message = (err as Error).message;
      this.event(pod, 'Warning', 'Failed', `Error: ${message}`, c.name);
      return { reason: 'CreateContainerError', message };
    }
    this.event(pod, 'Normal', 'Created', `Created container: ${c.name}`, c.name);
    try {
      await runtime.startContainer(id);
    } catch (err) {
      const message = (err as Error).message;
      this.event(pod, 'Warning', 'Failed', `Error: ${message}`, c.name);
      return { reason: 'RunContainerError', message };
    }
    this.event(pod, 'Normal', 'Started', `Started container ${c.name}`, c.name);
    const postStart = c.lifecycle?.postStart;
    if (postStart) {
      // Hooks reach the pod at its IP, which the API pod may not carry yet on its first sync.
      const r = await this.deps.lifecycle.run(withPodIPs(pod, ips), c, id, postStart);
      if (!r.ok) {
        this.event(pod, 'Warning', 'FailedPostStartHook', r.message, c.name);
        const self = await runtime.containerStatus(id).catch(() => undefined);
        if (self) await this.stopContainer(pod, id, c, 'FailedPostStartHook', undefined);
        return { reason: 'PostStartHookError', message: r.message };
      }
    }
    return null;
  }

  /**
   * Stops one container: event Killing, the preStop hook (its time counts against the grace period),
   * then stop with what is left of the grace period.
   */
  async killContainer(pod: Pod, c: RuntimeContainer, spec: Container | undefined, message?: string, reason?: KillReason, gracePeriodSeconds?: number): Promise<void> {
    let grace = gracePeriodSeconds ?? pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    const probe = reason === 'LivenessProbe' ? spec?.livenessProbe : reason === 'StartupProbe' ? spec?.startupProbe : undefined;
    if (gracePeriodSeconds === undefined && probe?.terminationGracePeriodSeconds !== undefined) grace = probe.terminationGracePeriodSeconds;
    await this.stopContainer(pod, c.id, spec ?? ({ name: c.name } as Container), message, grace);
  }

  private async stopContainer(pod: Pod, id: string, spec: Container, message: string | undefined, graceSeconds: number | undefined): Promise<void> {
    let grace = graceSeconds ?? pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    this.event(pod, 'Normal', 'Killing', message || `Stopping container ${spec.name}`, spec.name);
    const preStop = spec.lifecycle?.preStop;
    if (preStop && grace > 0) {
      const startedAt = this.deps.clock.now();
      const abort = new AbortController();
      const timer = this.deps.clock.setTimeout(() => abort.abort(new Error('preStop hook exceeded the grace period')), grace * 1000);
      try {
        const r = await this.deps.lifecycle.run(pod, spec, id, preStop, abort.signal).catch((err: Error) => ({ ok: false as const, message: err.message }));
        if (!r.ok) this.event(pod, 'Warning', 'FailedPreStopHook', r.message, spec.name);
      } finally {
        this.deps.clock.clearTimeout(timer);
      }
      grace -= Math.ceil((this.deps.clock.now() - startedAt) / 1000);
    }
    if (grace < MIN_GRACE_SECONDS && graceSeconds !== 0) grace = MIN_GRACE_SECONDS;
    try {
      await this.deps.runtime.stopContainer(id, Math.max(0, grace));
    } catch (err) {
      this.deps.log.warn({ pod: formatPod(pod), container: spec.name, err: (err as Error).message }, 'stopping container failed');
    }
  }

  /**
   * Stops everything of the pod: regular and init containers together, then sidecars in reverse
   * order with what is left of the grace period, then the sandbox.
   */
  async killPod(pod: Pod, status: RuntimePodStatus, gracePeriodSeconds?: number): Promise<void> {
    const startedAt = this.deps.clock.now();
    const running = status.containers.filter((c) => c.state === 'running' || c.state === 'created');
    const specOf = (name: string) => [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === name);
    const main = running.filter((c) => c.role !== 'sidecar');
    await Promise.all(main.map((c) => this.killContainer(pod, c, specOf(c.name), undefined, undefined, gracePeriodSeconds)));
    const sidecarOrder = (pod.spec?.initContainers ?? []).map((c) => c.name).reverse();
    const sidecars = running.filter((c) => c.role === 'sidecar').sort((a, b) => sidecarOrder.indexOf(a.name) - sidecarOrder.indexOf(b.name));
    for (const c of sidecars) {
      const left = gracePeriodSeconds === undefined ? undefined : Math.max(0, gracePeriodSeconds - Math.floor((this.deps.clock.now() - startedAt) / 1000));
      await this.killContainer(pod, c, specOf(c.name), undefined, undefined, left);
    }
    for (const s of status.sandboxes) {
      if (s.state !== 'SANDBOX_READY') continue;
      try {
        await this.deps.runtime.stopPodSandbox(s.id);
      } catch (err) {
        this.deps.log.warn({ pod: formatPod(pod), sandbox: s.id, err: (err as Error).message }, 'stopping sandbox failed');
      }
    }
  }

  /** Removes every container and sandbox of a pod that is gone for good. */
  async removePod(status: RuntimePodStatus): Promise<void> {
    for (const c of status.containers) await this.deps.runtime.removeContainer(c.id).catch(() => undefined);
    for (const s of status.sandboxes) {
      await this.deps.runtime.stopPodSandbox(s.id).catch(() => undefined);
      await this.deps.runtime.removePodSandbox(s.id).catch(() => undefined);
    }
  }

  /**
   * Keeps the two newest exited containers of each name (for `logs`, `logs --previous` and
   * lastState) and removes older ones, and removes dead sandboxes older than the newest that no
   * kept container lives in.
   */
  async pruneExited(status: RuntimePodStatus, skip: ReadonlySet<string>): Promise<void> {
    // Two exited containers of each name stay: while a crashing container waits out its back-off,
    // `kubectl logs` reads the last run and `kubectl logs --previous` the one before it.
    const kept = new Map<string, number>();
    const removed = new Set<string>();
    for (const c of status.containers) {
      if (c.state === 'running' || skip.has(c.id)) continue;
      const n = kept.get(c.name) ?? 0;
      if (n < KEEP_EXITED_PER_NAME) {
        kept.set(c.name, n + 1);
        continue;
      }
      await this.deps.runtime.removeContainer(c.id).catch(() => undefined);
      removed.add(c.id);
    }
    const live = new Set(status.containers.filter((c) => !removed.has(c.id)).map((c) => c.sandboxId));
    for (const s of status.sandboxes.slice(1)) {
      if (s.state === 'SANDBOX_READY' || live.has(s.id)) continue;
      await this.deps.runtime.removePodSandbox(s.id).catch(() => undefined);
    }
  }
}

const KEEP_EXITED_PER_NAME = 2;

function requeueWithin(result: SyncResult, ms: number): void {
  result.requeueAfterMs = result.requeueAfterMs === undefined ? ms : Math.min(result.requeueAfterMs, ms);
}

/**
 * The restart count of the next instance: one more than the newest in the runtime; when the runtime
 * has none (first start, or the runtime lost everything), one more than the API last showed if the
 * container had run, else 0.
 */
export function nextRestartCount(input: Pick<SyncInput, 'status' | 'apiStatus'>, name: string): number {
  const latest = latestContainer(input.status, name);
  if (latest) return latest.restartCount + 1;
  const old: ContainerStatus | undefined = [...(input.apiStatus.containerStatuses ?? []), ...(input.apiStatus.initContainerStatuses ?? [])].find((s) => s.name === name);
  if (old && (old.containerID || old.state?.running || old.state?.terminated || old.lastState?.terminated)) return (old.restartCount ?? 0) + 1;
  return old?.restartCount ?? 0;
}

/** The pod as hooks and probes need it: with the sandbox's IPs in its status. */
export function withPodIPs(pod: Pod, ips: readonly string[]): Pod {
  if (ips.length === 0 || pod.status?.podIP === ips[0]) return pod;
  return { ...pod, status: { ...pod.status, podIP: ips[0]!, podIPs: ips.map((ip) => ({ ip })) } };
}
