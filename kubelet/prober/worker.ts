// pkg/kubelet/prober/worker.go: one worker per (pod, container, probe type). It probes on a
// periodSeconds ticker of the injected clock (the first tick jittered when the kubelet has just
// started), skips probing during initialDelaySeconds, holds liveness and readiness until the
// startup probe has passed, and changes the cached result only after failureThreshold failures or
// successThreshold successes in a row. A new container ID starts over from the initial value.
import type { Container, Pod, Probe } from '../../lib/api/types.js';
import type { TimerHandle } from '../../lib/util/clock.js';
import type { Logger } from '../../lib/util/logger.js';
import type { ProbeResult, ProbeType } from '../pod-deps.js';
import type { ProbeLabels } from './metrics.js';
import { PROBE_TYPE_NAMES, dialsPodIP, podIPOf } from './prober.js';
import type { ManagerForWorkers } from './manager.js';

// readiness starts false, liveness true (a container is alive until proven otherwise), startup unknown.
const INITIAL_RESULT: Record<ProbeType, ProbeResult> = { readiness: 'failure', liveness: 'success', startup: 'unknown' };

export class ProbeWorker {
  readonly spec: Required<Pick<Probe, 'initialDelaySeconds' | 'periodSeconds' | 'timeoutSeconds' | 'successThreshold' | 'failureThreshold'>> & Probe;
  private containerID = '';
  private lastResult: 'success' | 'failure' | undefined;
  private resultRun = 0;
  /** After a liveness/startup failure: no probing until a new container shows up. */
  private onHold = false;
  private stopped = false;
  private probing = false;
  private triggered = false;
  private timer: TimerHandle | undefined;
  private nextTickAt = 0;
  private readonly labels: ProbeLabels;

  constructor(
    private readonly manager: ManagerForWorkers,
    readonly type: ProbeType,
    private readonly pod: Pod,
    readonly container: Container,
    spec: Probe,
    private readonly logger: Logger,
  ) {
    // The apiserver defaults these; a pod that skipped defaulting still probes sanely.
    this.spec = {
      ...spec,
      initialDelaySeconds: spec.initialDelaySeconds ?? 0,
      periodSeconds: spec.periodSeconds || 10,
      timeoutSeconds: spec.timeoutSeconds || 1,
      successThreshold: spec.successThreshold || 1,
      failureThreshold: spec.failureThreshold || 3,
    };
    this.labels = {
      probe_type: PROBE_TYPE_NAMES[type],
      container: container.name,
      pod: pod.metadata?.name ?? '',
      namespace: pod.metadata?.namespace ?? '',
      pod_uid: pod.metadata?.uid ?? '',
    };
  }

  get podUID(): string {
    return this.pod.metadata?.uid ?? '';
  }

  /** The container ID the worker's last result belongs to ('' before it saw one). */
  get currentContainerID(): string {
    return this.containerID;
  }

  start(): void {
    const { clock } = this.manager;
    const period = this.spec.periodSeconds * 1000;
    // Many workers created right after a kubelet restart would all probe at once: spread them.
    const delay = period > clock.now() - this.manager.startedAt ? Math.floor(this.manager.random() * period) : 0;
    this.nextTickAt = clock.now() + delay;
    this.timer = clock.setTimeout(() => this.tick(), delay);
  }

  /** Probe now (off the ticker), or right after the probe in flight. */
  trigger(): void {
    if (this.stopped) return;
    if (this.probing) {
      this.triggered = true;
      return;
    }
    if (this.timer) this.manager.clock.clearTimeout(this.timer);
    this.timer = undefined;
    void this.runOnce(false);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) this.manager.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.manager.workerStopped(this, this.labels);
  }

  private tick(): void {
    this.timer = undefined;
    void this.runOnce(true);
  }

  private async runOnce(fromTicker: boolean): Promise<void> {
    const { clock } = this.manager;
    if (fromTicker) this.nextTickAt += this.spec.periodSeconds * 1000;
    this.probing = true;
    let keepGoing = true;
    try {
      keepGoing = await this.doProbe();
    } catch (err) {
      this.logger.error({ err, probeType: this.type, container: this.container.name }, 'probe worker failed; continuing');
    }
    this.probing = false;
    if (this.stopped) return;
    if (!keepGoing) {
      this.stop();
      return this.manager.probed(this);
    }
    if (this.triggered) {
      this.triggered = false;
      void this.runOnce(false);
    } else {
      // A ticker keeps its phase; ticks missed while a slow probe ran collapse into one.
      if (this.nextTickAt <= clock.now()) this.nextTickAt = clock.now();
      this.timer = clock.setTimeout(() => this.tick(), this.nextTickAt - clock.now());
    }
    this.manager.probed(this);
  }

  /** One round of worker.go doProbe; false when the worker should end. */
  private async doProbe(): Promise<boolean> {
    const { clock } = this.manager;
    const startMs = clock.now();
    const state = this.manager.podState(this.podUID);
    if (!state) return true; // pod not known yet, or being removed
    const phase = state.pod.status?.phase;
    if (phase === 'Failed' || phase === 'Succeeded') return false;

    const running = state.running.get(this.container.name);
    if (!running) {
      if (!this.containerID) return true; // not created yet
      // The container we probed is gone: not ready, not alive; end if it will never come back.
      this.manager.setResult(this, this.containerID, 'failure');
      return state.pod.spec?.restartPolicy !== 'Never';
    }
    if (running.containerID !== this.containerID) {
      if (this.containerID) this.manager.removeResult(this, this.containerID);
      this.containerID = running.containerID;
      this.lastResult = undefined;
      this.resultRun = 0;
      this.onHold = false;
      this.manager.setResult(this, this.containerID, INITIAL_RESULT[this.type]);
    }
    if (this.onHold) return true;

    // A pod being deleted is not restarted for liveness: report success and stop probing.
    if (state.pod.metadata?.deletionTimestamp && this.type !== 'readiness') {
      this.manager.setResult(this, this.containerID, 'success');
      return false;
    }
    if (Math.floor((clock.now() - running.startedAtMs) / 1000) < this.spec.initialDelaySeconds) return true;

    const started = this.manager.started(this.podUID, this.container.name, this.containerID);
    if (started ? this.type === 'startup' : this.type !== 'startup') return true;

    // Upstream waits while the status manager has no status for the pod; here, while it has no IP.
    if (dialsPodIP(this.spec) && !podIPOf(state.pod)) return true;

    const verdict = await this.manager.prober.probe(this.type, this.spec, state.pod, this.container, this.containerID);
    if (this.stopped) return true;
    if (verdict.error !== undefined) return true; // errored: thrown away, as upstream
    this.manager.metrics.observe(this.labels, verdict.result === 'success' ? 'successful' : 'failed', (clock.now() - startMs) / 1000);

    if (this.lastResult === verdict.result) this.resultRun++;
    else {
      this.lastResult = verdict.result;
      this.resultRun = 1;
    }
    const threshold = verdict.result === 'failure' ? this.spec.failureThreshold : this.spec.successThreshold;
    if (this.resultRun < threshold) return true;

    this.manager.setResult(this, this.containerID, verdict.result);
    if (this.type !== 'readiness' && verdict.result === 'failure') {
      // The container will be restarted: leave it alone until the new one shows up.
      this.onHold = true;
      this.resultRun = 0;
    }
    return true;
  }
}
