// One serialized worker per pod UID (upstream pkg/kubelet/pod_workers.go): never two syncs of one
// pod at once, the latest desired spec wins, updates that arrive during a sync coalesce into one
// more sync. A pod moves syncing → terminating → terminated: terminating when its API object gets
// a deletionTimestamp, is removed, is killed by the kubelet, or finishes (Succeeded/Failed);
// terminated once every container is stopped. The worker resyncs periodically and on requeue()
// (runtime events, probe results, backoff ends).
import type { Pod } from '../../lib/api/types.js';
import type { Clock, TimerHandle } from '../../lib/util/clock.js';
import type { Logger } from '../../lib/util/logger.js';

export type WorkerState = 'syncing' | 'terminating' | 'terminated';

export interface SyncOutcome {
  /** The pod reached Succeeded or Failed: stop it. */
  terminal: boolean;
  /** Sync again after at most this long. */
  requeueAfterMs?: number;
}

export interface PodSyncer {
  syncPod(pod: Pod, signal: AbortSignal): Promise<SyncOutcome>;
  /** Stop every container and the sandbox within the grace period. */
  syncTerminatingPod(pod: Pod, gracePeriodSeconds: number): Promise<void>;
  /** Clean up after a stopped pod (volumes, final status, the final DELETE if it was deleted). */
  syncTerminatedPod(pod: Pod): Promise<void>;
  /** The pod left the kubelet entirely. */
  forgetPod(uid: string): void;
}

interface Worker {
  uid: string;
  pod: Pod;
  state: WorkerState;
  pending: boolean;
  running: boolean;
  terminateRequested: boolean;
  gracePeriodSeconds?: number;
  removed: boolean;
  cleanedUp: boolean;
  deletionHandled: boolean;
  abort?: AbortController;
  timer?: TimerHandle;
}

export interface PodWorkersOptions {
  syncer: PodSyncer;
  clock: Clock;
  log: Logger;
  /** Periodic resync of a healthy pod (upstream: 1 min). */
  resyncIntervalMs?: number;
  /** Retry after a sync that threw (upstream: 10 s with jitter). */
  errorBackoffMs?: number;
}

export function podGracePeriodSeconds(pod: Pod): number {
  return pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
}

export class PodWorkers {
  private readonly workers = new Map<string, Worker>();
  private idleWaiters: Array<() => void> = [];
  private stopped = false;

  constructor(private readonly opts: PodWorkersOptions) {}

  /** A pod from a source (API or static): sync it, or terminate it if it is being deleted. */
  updatePod(pod: Pod): void {
    const uid = pod.metadata?.uid;
    if (!uid || this.stopped) return;
    let w = this.workers.get(uid);
    if (!w) {
      w = { uid, pod, state: 'syncing', pending: false, running: false, terminateRequested: false, removed: false, cleanedUp: false, deletionHandled: false };
      this.workers.set(uid, w);
    }
    w.pod = pod;
    if (pod.metadata?.deletionTimestamp) this.requestTermination(w, podGracePeriodSeconds(pod));
    this.kick(w);
  }

  /** The pod's API object is gone: stop it (if still running) and forget it. */
  removePod(pod: Pod): void {
    const w = this.workers.get(pod.metadata?.uid ?? '');
    if (!w) return;
    w.removed = true;
    this.requestTermination(w, podGracePeriodSeconds(w.pod));
    this.kick(w);
  }

  /** The kubelet itself stops the pod (rejection, eviction), with an optional grace period. */
  killPod(pod: Pod, gracePeriodSeconds?: number): void {
    const uid = pod.metadata?.uid ?? '';
    if (!this.workers.has(uid)) this.updatePod(pod);
    const w = this.workers.get(uid);
    if (!w) return;
    this.requestTermination(w, gracePeriodSeconds ?? podGracePeriodSeconds(w.pod));
    this.kick(w);
  }

  /** Sync the pod again after `afterMs` (0: as soon as its worker is free). */
  requeue(uid: string, afterMs = 0): void {
    const w = this.workers.get(uid);
    if (!w || this.stopped) return;
    if (afterMs <= 0) {
      this.kick(w);
      return;
    }
    this.schedule(w, afterMs);
  }

  state(uid: string): WorkerState | undefined {
    return this.workers.get(uid)?.state;
  }

  /** Pods not yet terminated: the ones that count against the node's resources. */
  activePods(): Pod[] {
    return [...this.workers.values()].filter((w) => w.state !== 'terminated').map((w) => w.pod);
  }

  /** Every pod the workers know, with its state. */
  pods(): Array<{ pod: Pod; state: WorkerState }> {
    return [...this.workers.values()].map((w) => ({ pod: w.pod, state: w.state }));
  }

  /** Resolves when no worker is busy or has work due now (tests, shutdown). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.workers.values()) {
      w.abort?.abort(new Error('kubelet stopping'));
      if (w.timer !== undefined) this.opts.clock.clearTimeout(w.timer);
      w.timer = undefined;
    }
  }

  private isIdle(): boolean {
    for (const w of this.workers.values()) if (w.running || w.pending) return false;
    return true;
  }

  private requestTermination(w: Worker, gracePeriodSeconds: number): void {
    if (w.state === 'terminated') return;
    // A shorter grace period (a second delete with less grace) wins, never a longer one.
    w.gracePeriodSeconds = w.gracePeriodSeconds === undefined ? gracePeriodSeconds : Math.min(w.gracePeriodSeconds, gracePeriodSeconds);
    if (!w.terminateRequested) {
      w.terminateRequested = true;
      w.abort?.abort(new Error('pod is terminating'));
    }
  }

  private schedule(w: Worker, afterMs: number): void {
    if (w.timer !== undefined) this.opts.clock.clearTimeout(w.timer);
    w.timer = this.opts.clock.setTimeout(() => {
      w.timer = undefined;
      this.kick(w);
    }, afterMs);
  }

  private kick(w: Worker): void {
    w.pending = true;
    if (!w.running && !this.stopped) void this.run(w);
  }

  private async run(w: Worker): Promise<void> {
    w.running = true;
    try {
      // Bounded: each step changes state or ends; a handful covers syncing → terminated.
      for (let step = 0; step < 8 && w.pending && !this.stopped; step++) {
        w.pending = false;
        await this.step(w);
      }
    } finally {
      w.running = false;
      if (w.pending && !this.stopped) void this.run(w);
      else if (this.isIdle()) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const r of waiters) r();
      }
    }
  }

  private async step(w: Worker): Promise<void> {
    const { syncer, log } = this.opts;
    const pod = w.pod;
    const name = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    try {
      if (w.state === 'syncing' && w.terminateRequested) w.state = 'terminating';
      if (w.state === 'syncing') {
        w.abort = new AbortController();
        const out = await syncer.syncPod(pod, w.abort.signal);
        w.abort = undefined;
        if (out.terminal || w.terminateRequested) {
          if (out.terminal) this.requestTermination(w, podGracePeriodSeconds(pod));
          w.state = 'terminating';
          w.pending = true;
          return;
        }
        const resync = this.opts.resyncIntervalMs ?? 60_000;
        // 0: more to do right away (the next sidecar in line).
        if (out.requeueAfterMs !== undefined && out.requeueAfterMs <= 0) w.pending = true;
        else this.schedule(w, Math.min(resync, out.requeueAfterMs ?? resync));
        return;
      }
      if (w.state === 'terminating') {
        await syncer.syncTerminatingPod(pod, w.gracePeriodSeconds ?? podGracePeriodSeconds(pod));
        w.state = 'terminated';
        w.pending = true;
        return;
      }
      // terminated
      const deleting = pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
      if (!w.cleanedUp || (deleting && !w.deletionHandled)) {
        await syncer.syncTerminatedPod(pod);
        w.cleanedUp = true;
        if (deleting) w.deletionHandled = true;
      }
      if (w.removed) {
        if (w.timer !== undefined) this.opts.clock.clearTimeout(w.timer);
        this.workers.delete(w.uid);
        syncer.forgetPod(w.uid);
      }
    } catch (err) {
      w.abort = undefined;
      log.warn({ pod: name, state: w.state, err: (err as Error).message }, 'pod sync failed; will retry');
      this.schedule(w, this.opts.errorBackoffMs ?? 10_000);
    }
  }
}
