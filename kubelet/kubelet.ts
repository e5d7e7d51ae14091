// The Kubelet: pod workers driving the runtime through the kuberuntime manager, the status manager
// writing what they find, the event recorder, the image manager, and the injected pieces other
// parts of the kubelet provide (container environment, volumes, probes, lifecycle hooks). A source
// (the API watch on spec.nodeName, static pods) calls handlePodUpdate / handlePodRemove; the rest
// follows from the runtime's state — which is why a restarted kubelet adopts running containers
// without restarting them.
import type { Node, Pod, PodStatus } from '../lib/api/types.js';
import type { EventRecorder } from '../lib/events/recorder.js';
import type { Clock } from '../lib/util/clock.js';
import type { Logger } from '../lib/util/logger.js';
import { KeyedBackoff } from './images/backoff.js';
import { ImageManager } from './images/image-manager.js';
import { CrashLoopBackoff } from './kuberuntime/crash-backoff.js';
import { RuntimeManager } from './kuberuntime/manager.js';
import { getRuntimePodStatus, type RuntimePodStatus } from './kuberuntime/pod-status.js';
import type { SandboxSettings } from './kuberuntime/sandbox-config.js';
import { admitPod } from './pod/admission.js';
import { Pleg } from './pod/pleg.js';
import { PodWorkers, type PodSyncer, type SyncOutcome } from './pod/pod-workers.js';
import { VolumeMountError, type ContainerEnvironment, type LifecycleHandlers, type PodVolumes, type ProbeUpdate, type Probes } from './pod-deps.js';
import { POD_UID } from './runtime/labels.js';
import type { Runtime } from './runtime/types.js';
import type { StartFailure } from './status/container-statuses.js';
import { generatePodStatus } from './status/generate.js';
import { StatusManager, type PodStatusWriter } from './status/status-manager.js';

/** Mirror pods (static pods' API copies) carry this annotation; kubelet/config owns their deletion. */
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

export interface KubeletOptions {
  nodeName: string;
  runtime: Runtime;
  env: ContainerEnvironment;
  volumes: PodVolumes;
  probes: Probes;
  lifecycle: LifecycleHandlers;
  statusWriter: PodStatusWriter;
  recorder: EventRecorder;
  clock: Clock;
  log: Logger;
  sandbox: SandboxSettings;
  /** The node as registered (allocatable, labels) for admission; undefined until it is. */
  node: () => Node | undefined;
  /** The node's IPs (status.hostIP/hostIPs). */
  hostIPs: () => string[];
  /**
   * Whether every pod source has delivered its initial list: only then are runtime pods unknown to
   * the kubelet orphans to remove. Default: never (nothing is removed).
   */
  sourcesReady?: () => boolean;
  crashBackoffInitialMs?: number;
  crashBackoffMaxMs?: number;
  imageBackoffInitialMs?: number;
  imageBackoffMaxMs?: number;
  resyncIntervalMs?: number;
  plegPeriodMs?: number;
  housekeepingPeriodMs?: number;
}

export class Kubelet {
  readonly workers: PodWorkers;
  readonly statusManager: StatusManager;
  readonly images: ImageManager;
  readonly runtimeManager: RuntimeManager;
  readonly pleg: Pleg;
  private runtimeName: string | undefined;
  /** Why each container failed to start in the last sync (upstream's reason cache). */
  private readonly failures = new Map<string, Map<string, StartFailure>>();
  /** Liveness/startup failures per pod, per container: the container instance that failed. */
  private readonly probeFailures = new Map<string, Map<string, { containerId: string; type: 'liveness' | 'startup' }>>();
  private readonly rejected = new Set<string>();

  constructor(private readonly opts: KubeletOptions) {
    const { clock, log } = opts;
    this.statusManager = new StatusManager({ writer: opts.statusWriter, clock, log: log.child({ part: 'status' }) });
    this.images = new ImageManager({
      runtime: opts.runtime,
      recorder: opts.recorder,
      clock,
      ...(opts.imageBackoffInitialMs !== undefined ? { backoffInitialMs: opts.imageBackoffInitialMs } : {}),
      ...(opts.imageBackoffMaxMs !== undefined ? { backoffMaxMs: opts.imageBackoffMaxMs } : {}),
    });
    const crash = new CrashLoopBackoff(new KeyedBackoff(clock, opts.crashBackoffInitialMs ?? 10_000, opts.crashBackoffMaxMs ?? 300_000));
    this.runtimeManager = new RuntimeManager({
      runtime: opts.runtime,
      images: this.images,
      recorder: opts.recorder,
      env: opts.env,
      volumes: opts.volumes,
      lifecycle: opts.lifecycle,
      crashBackoff: crash,
      clock,
      log: log.child({ part: 'kuberuntime' }),
      sandbox: opts.sandbox,
    });
    this.workers = new PodWorkers({
      syncer: this.syncer(),
      clock,
      log: log.child({ part: 'pod-workers' }),
      ...(opts.resyncIntervalMs !== undefined ? { resyncIntervalMs: opts.resyncIntervalMs } : {}),
    });
    this.pleg = new Pleg(opts.runtime, (uid) => this.workers.requeue(uid), log.child({ part: 'pleg' }));
    opts.probes.onUpdate((u) => this.onProbeUpdate(u));
  }

  /** A pod bound to this node was added or changed. */
  handlePodUpdate(pod: Pod): void {
    const uid = pod.metadata?.uid;
    if (!uid) return;
    if (this.rejected.has(uid)) {
      if (pod.metadata?.deletionTimestamp && !isMirror(pod)) this.statusManager.deleteWhenWritten(pod);
      return;
    }
    const known = this.workers.state(uid) !== undefined;
    const terminalInApi = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    if (!known && !pod.metadata?.deletionTimestamp && !terminalInApi) {
      const node = this.opts.node();
      if (node) {
        const verdict = admitPod(pod, node, this.runningPods());
        if (!verdict.admit) {
          this.rejectPod(pod, verdict.reason, verdict.message);
          return;
        }
      }
    }
    this.workers.updatePod(pod);
  }

  /** A pod's API object is gone. */
  handlePodRemove(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    if (this.rejected.delete(uid)) {
      this.statusManager.removePod(uid);
      return;
    }
    this.workers.removePod(pod);
  }

  /** Pods admitted and not yet terminated: what counts against allocatable, and /pods. */
  runningPods(): Pod[] {
    return this.workers.activePods();
  }

  /** Runs the runtime relist (PLEG) and housekeeping until the signal aborts, then stops the workers. */
  async start(signal: AbortSignal): Promise<void> {
    const { clock } = this.opts;
    await this.ensureRuntimeName().catch(() => undefined);
    const housekeeping = (async () => {
      while (!signal.aborted) {
        if (this.opts.sourcesReady?.()) await this.removeOrphans().catch((err: Error) => this.opts.log.warn({ err: err.message }, 'housekeeping failed'));
        try {
          await clock.sleep(this.opts.housekeepingPeriodMs ?? 2_000, signal);
        } catch {
          return;
        }
      }
    })();
    await Promise.all([this.pleg.run(clock, this.opts.plegPeriodMs ?? 1_000, signal), housekeeping]);
    this.workers.stop();
    this.statusManager.stop();
  }

  /** Stops and removes runtime sandboxes of pods the kubelet does not know (deleted while it was down). */
  async removeOrphans(): Promise<void> {
    const sandboxes = await this.opts.runtime.listPodSandbox();
    const orphans = new Map<string, RuntimePodStatus>();
    for (const s of sandboxes) {
      const uid = s.labels[POD_UID];
      if (!uid || this.workers.state(uid) !== undefined || this.rejected.has(uid) || orphans.has(uid)) continue;
      orphans.set(uid, await getRuntimePodStatus(this.opts.runtime, { uid, name: s.metadata.name, namespace: s.metadata.namespace }));
    }
    for (const [uid, status] of orphans) {
      this.opts.log.info({ pod: `${status.namespace}/${status.name}`, uid }, 'removing containers of a pod no longer bound to this node');
      await this.runtimeManager.killPod({ metadata: { uid, name: status.name, namespace: status.namespace }, spec: { containers: [] } }, status, 0);
      await this.runtimeManager.removePod(status);
    }
  }

  private rejectPod(pod: Pod, reason: string, message: string): void {
    const uid = pod.metadata!.uid!;
    this.rejected.add(uid);
    this.opts.recorder.event(pod, 'Warning', reason, message);
    this.opts.log.info({ pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, reason }, 'pod rejected');
    const status: PodStatus = { ...(pod.status ?? {}), phase: 'Failed', reason, message: `Pod was rejected: ${message}` };
    this.statusManager.setPodStatus(pod, status);
  }

  private onProbeUpdate(u: ProbeUpdate): void {
    if (u.type === 'liveness' || u.type === 'startup') {
      let m = this.probeFailures.get(u.podUID);
      if (u.result === 'failure') {
        if (!m) this.probeFailures.set(u.podUID, (m = new Map()));
        m.set(u.containerName, { containerId: u.containerID, type: u.type });
      } else if (m?.get(u.containerName)?.containerId === u.containerID && m.get(u.containerName)?.type === u.type) {
        m.delete(u.containerName);
      }
    }
    this.workers.requeue(u.podUID);
  }

  private async ensureRuntimeName(): Promise<string> {
    if (!this.runtimeName) this.runtimeName = (await this.opts.runtime.version()).runtimeName;
    return this.runtimeName;
  }

  private generate(pod: Pod, runtime: RuntimePodStatus, runtimeName: string, podIsTerminal = false): PodStatus {
    const uid = pod.metadata?.uid ?? '';
    return generatePodStatus({
      pod,
      runtime,
      oldStatus: this.statusManager.getPodStatus(uid) ?? pod.status ?? {},
      failures: this.failures.get(uid) ?? new Map(),
      probes: this.opts.probes,
      runtimeName,
      hostIPs: this.opts.hostIPs(),
      nowMs: this.opts.clock.now(),
      podIsTerminal,
    });
  }

  private runtimeStatus(pod: Pod): Promise<RuntimePodStatus> {
    const m = pod.metadata ?? {};
    return getRuntimePodStatus(this.opts.runtime, { uid: m.uid ?? '', name: m.name ?? '', namespace: m.namespace ?? 'default' });
  }

  private syncer(): PodSyncer {
    return {
      syncPod: (pod, signal) => this.syncPod(pod, signal),
      syncTerminatingPod: (pod, grace) => this.syncTerminatingPod(pod, grace),
      syncTerminatedPod: (pod) => this.syncTerminatedPod(pod),
      forgetPod: (uid) => this.forgetPod(uid),
    };
  }

  private async syncPod(pod: Pod, signal: AbortSignal): Promise<SyncOutcome> {
    const uid = pod.metadata?.uid ?? '';
    // Finished already (as the API or our last status says): nothing is started again.
    const known = this.statusManager.getPodStatus(uid)?.phase ?? pod.status?.phase;
    if (known === 'Succeeded' || known === 'Failed') return { terminal: true };
    const runtimeName = await this.ensureRuntimeName();
    let runtime = await this.runtimeStatus(pod);
    const before = this.generate(pod, runtime, runtimeName);
    this.statusManager.setPodStatus(pod, before);
    if (before.phase === 'Succeeded' || before.phase === 'Failed') return { terminal: true };

    this.opts.probes.addPod(pod);
    try {
      await this.opts.volumes.mountPod(pod);
    } catch (err) {
      if (!(err instanceof VolumeMountError)) throw err;
      this.opts.recorder.event(pod, 'Warning', 'FailedMount', err.message);
      return { terminal: false, requeueAfterMs: 2_000 };
    }
    const result = await this.runtimeManager.syncPod({
      pod,
      status: runtime,
      apiStatus: this.statusManager.getPodStatus(uid) ?? pod.status ?? {},
      probeFailure: (name, id) => {
        const f = this.probeFailures.get(uid)?.get(name);
        return f && f.containerId === id ? f.type : undefined;
      },
      started: (name, id) => this.opts.probes.started(uid, name, id),
      signal,
    });
    let failures = this.failures.get(uid);
    for (const [name, outcome] of result.outcomes) {
      if (outcome) {
        if (!failures) this.failures.set(uid, (failures = new Map()));
        failures.set(name, outcome);
      } else failures?.delete(name);
    }

    runtime = await this.runtimeStatus(pod);
    const after = this.generate(pod, runtime, runtimeName);
    this.statusManager.setPodStatus(pod, after);
    const running = new Map<string, { containerID: string; startedAtMs: number }>();
    for (const c of runtime.containers) if (c.state === 'running' && !running.has(c.name)) running.set(c.name, { containerID: c.id, startedAtMs: c.startedAtMs });
    // Network probes reach the pod at the IP the status now carries, not the API pod's (none yet).
    this.opts.probes.updatePod({ ...pod, status: after }, running);
    const terminal = after.phase === 'Succeeded' || after.phase === 'Failed';
    return { terminal, ...(result.requeueAfterMs !== undefined ? { requeueAfterMs: result.requeueAfterMs } : result.error ? { requeueAfterMs: 10_000 } : {}) };
  }

  private async syncTerminatingPod(pod: Pod, gracePeriodSeconds: number): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    this.opts.probes.removePod(uid);
    const runtimeName = await this.ensureRuntimeName();
    const runtime = await this.runtimeStatus(pod);
    await this.runtimeManager.killPod(pod, runtime, gracePeriodSeconds);
    this.statusManager.setPodStatus(pod, this.generate(pod, await this.runtimeStatus(pod), runtimeName, true));
  }

  private async syncTerminatedPod(pod: Pod): Promise<void> {
    await this.opts.volumes.unmountPod(pod);
    if (pod.metadata?.deletionTimestamp && !isMirror(pod)) this.statusManager.deleteWhenWritten(pod);
  }

  private forgetPod(uid: string): void {
    this.failures.delete(uid);
    this.probeFailures.delete(uid);
    this.statusManager.removePod(uid);
    // Containers of a pod gone from the API go too (finished pods keep theirs for logs until then).
    void getRuntimePodStatus(this.opts.runtime, { uid, name: '', namespace: '' })
      .then((s) => this.runtimeManager.removePod(s))
      .catch((err: Error) => this.opts.log.warn({ uid, err: err.message }, 'removing containers of a deleted pod failed'));
  }
}

function isMirror(pod: Pod): boolean {
  return pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined;
}
