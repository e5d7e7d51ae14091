// pkg/kubelet/prober/prober_manager.go: the kubelet's probe manager as the pod workers see it
// (kubelet/pod-deps.ts Probes). It keeps one worker per (pod, container, probe type), the latest
// pod and running containers the pod worker reported, and one results cache per probe type
// keyed by container ID; result changes go to the onUpdate listeners.
import { Registry } from 'prom-client';
import type { Dispatcher } from 'undici';
import type { Container, Pod, Probe } from '../../lib/api/types.js';
import { realClock, type Clock } from '../../lib/util/clock.js';
import { createLogger, type Logger } from '../../lib/util/logger.js';
import type { ProbeResult, ProbeType, ProbeUpdate, Probes } from '../pod-deps.js';
import type { CommandRunner } from './exec-probe.js';
import { newProbeDispatcher } from './http-get.js';
import { ProberMetrics, type ProbeLabels } from './metrics.js';
import { Prober, type RecordEvent } from './prober.js';
import { ResultsCache } from './results.js';
import { ProbeWorker } from './worker.js';

export interface RunningContainer {
  containerID: string;
  startedAtMs: number;
}

export interface PodProbeState {
  pod: Pod;
  /** Running containers by name. */
  running: ReadonlyMap<string, RunningContainer>;
}

export interface ProbeManagerOptions {
  /** Runs exec probes (CRI ExecSync). */
  runtime: CommandRunner;
  recordEvent: RecordEvent;
  clock?: Clock;
  /** In [0, 1): spreads the first probe of workers created right after start. */
  random?: () => number;
  registry?: Registry;
  logger?: Logger;
  /** HTTP client for httpGet probes; default one that skips TLS verification. */
  dispatcher?: Dispatcher;
  /** Called after every probe round of a worker (tests and debugging wait on it). */
  onProbed?: (worker: { podUID: string; containerName: string; type: ProbeType }) => void;
}

/** What workers reach through their manager. */
export interface ManagerForWorkers {
  readonly clock: Clock;
  readonly startedAt: number;
  readonly random: () => number;
  readonly prober: Prober;
  readonly metrics: ProberMetrics;
  podState(podUID: string): PodProbeState | undefined;
  started(podUID: string, containerName: string, containerID: string): boolean;
  setResult(worker: ProbeWorker, containerID: string, result: ProbeResult): void;
  removeResult(worker: ProbeWorker, containerID: string): void;
  workerStopped(worker: ProbeWorker, labels: ProbeLabels): void;
  probed(worker: ProbeWorker): void;
}

const PROBE_FIELDS: ReadonlyArray<[ProbeType, 'startupProbe' | 'readinessProbe' | 'livenessProbe']> = [
  ['startup', 'startupProbe'],
  ['readiness', 'readinessProbe'],
  ['liveness', 'livenessProbe'],
];

export class ProbeManager implements Probes, ManagerForWorkers {
  readonly clock: Clock;
  readonly startedAt: number;
  readonly random: () => number;
  readonly prober: Prober;
  readonly metrics: ProberMetrics;
  private readonly logger: Logger;
  private readonly ownDispatcher: Dispatcher | undefined;
  private readonly workers = new Map<string, ProbeWorker>();
  private readonly pods = new Map<string, PodProbeState>();
  private readonly results: Record<ProbeType, ResultsCache>;
  private readonly listeners: Array<(update: ProbeUpdate) => void> = [];
  private readonly onProbed: ProbeManagerOptions['onProbed'];

  constructor(opts: ProbeManagerOptions) {
    this.clock = opts.clock ?? realClock;
    this.startedAt = this.clock.now();
    this.random = opts.random ?? Math.random;
    this.logger = opts.logger ?? createLogger('prober', { level: 'silent' });
    this.ownDispatcher = opts.dispatcher ? undefined : newProbeDispatcher();
    this.prober = new Prober({ runtime: opts.runtime, dispatcher: opts.dispatcher ?? this.ownDispatcher!, clock: this.clock, recordEvent: opts.recordEvent });
    this.metrics = new ProberMetrics(opts.registry ?? new Registry());
    this.onProbed = opts.onProbed;
    const cache = (type: ProbeType) => new ResultsCache((c) => this.emit({ ...c, type }));
    this.results = { liveness: cache('liveness'), readiness: cache('readiness'), startup: cache('startup') };
  }

  addPod(pod: Pod): void {
    const uid = pod.metadata?.uid;
    if (!uid) return;
    if (!this.pods.has(uid)) this.pods.set(uid, { pod, running: new Map() });
    for (const container of probedContainers(pod)) {
      for (const [type, field] of PROBE_FIELDS) {
        const spec: Probe | undefined = container[field];
        const key = workerKey(uid, container.name, type);
        if (!spec || this.workers.has(key)) continue;
        const worker = new ProbeWorker(this, type, pod, container, spec, this.logger.child({ pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, container: container.name, probeType: type }));
        this.workers.set(key, worker);
        worker.start();
      }
    }
  }

  updatePod(pod: Pod, running: ReadonlyMap<string, RunningContainer>): void {
    const uid = pod.metadata?.uid;
    if (!uid) return;
    if (!this.pods.has(uid)) this.addPod(pod);
    this.pods.set(uid, { pod, running: new Map(running) });
  }

  removePod(podUID: string): void {
    for (const worker of [...this.workers.values()]) if (worker.podUID === podUID) worker.stop();
    this.pods.delete(podUID);
  }

  ready(podUID: string, containerName: string, containerID: string): boolean {
    if (!this.started(podUID, containerName, containerID)) return false;
    if (this.results.readiness.get(containerID) === 'success') return true;
    const worker = this.workers.get(workerKey(podUID, containerName, 'readiness'));
    if (!worker) return true; // no readiness probe: ready once started
    // Not ready yet: probe now rather than at the next tick (as UpdatePodStatus does).
    worker.trigger();
    return false;
  }

  started(podUID: string, containerName: string, containerID: string): boolean {
    const result = this.results.startup.get(containerID);
    if (result !== undefined) return result === 'success';
    return !this.workers.has(workerKey(podUID, containerName, 'startup'));
  }

  onUpdate(listener: (update: ProbeUpdate) => void): void {
    this.listeners.push(listener);
  }

  /** Stops every worker and closes the HTTP client the manager made. */
  async close(): Promise<void> {
    for (const worker of [...this.workers.values()]) worker.stop();
    this.pods.clear();
    await this.ownDispatcher?.close();
  }

  /** Number of probe workers (one per pod, container and probe type). */
  workerCount(): number {
    return this.workers.size;
  }

  // --- for workers ---

  podState(podUID: string): PodProbeState | undefined {
    return this.pods.get(podUID);
  }

  setResult(worker: ProbeWorker, containerID: string, result: ProbeResult): void {
    this.results[worker.type].set({ containerID, podUID: worker.podUID, containerName: worker.container.name, result });
  }

  removeResult(worker: ProbeWorker, containerID: string): void {
    this.results[worker.type].remove(containerID);
  }

  workerStopped(worker: ProbeWorker, labels: ProbeLabels): void {
    const key = workerKey(worker.podUID, worker.container.name, worker.type);
    if (this.workers.get(key) === worker) this.workers.delete(key);
    if (worker.currentContainerID) this.results[worker.type].remove(worker.currentContainerID);
    this.metrics.forget(labels);
  }

  probed(worker: ProbeWorker): void {
    this.onProbed?.({ podUID: worker.podUID, containerName: worker.container.name, type: worker.type });
  }

  private emit(update: ProbeUpdate): void {
    for (const listener of this.listeners) {
      try {
        listener(update);
      } catch (err) {
        this.logger.error({ err }, 'probe update listener failed');
      }
    }
  }
}

/** Regular containers, plus sidecars (init containers with restartPolicy Always), which upstream probes too. */
function probedContainers(pod: Pod): Container[] {
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  return [...sidecars, ...(pod.spec?.containers ?? [])];
}

function workerKey(podUID: string, containerName: string, type: ProbeType): string {
  return `${podUID}/${containerName}/${type}`;
}
