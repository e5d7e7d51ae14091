// The status manager (pkg/kubelet/status/status_manager.go): pod workers hand it each generated
// status; it keeps the latest per pod, preserves lastTransitionTime of unchanged conditions, and
// writes to the apiserver in the background — only when something changed, retrying with backoff
// while the apiserver is away — so a pod worker never waits on the network. Once a deleted pod is
// fully stopped it writes the final status and then the final DELETE (grace 0, UID precondition).
import type { KubeClient } from '../../lib/client/client.js';
import { isConflict, isInvalid, isNotFound } from '../../lib/client/errors.js';
import type { Pod, PodCondition, PodStatus } from '../../lib/api/types.js';
import { metaTime } from '../../lib/events/recorder.js';
import type { Clock, TimerHandle } from '../../lib/util/clock.js';
import type { Logger } from '../../lib/util/logger.js';

export interface PodKey {
  namespace: string;
  name: string;
  uid: string;
}

/** The narrow API the status manager writes through. */
export interface PodStatusWriter {
  /** PATCH pods/status; the pod's UID in the patch makes it fail on a re-created pod of that name. */
  patchStatus(pod: PodKey, status: PodStatus): Promise<void>;
  /** DELETE with gracePeriodSeconds 0 and a UID precondition. */
  deletePod(pod: PodKey): Promise<void>;
}

export function clientPodStatusWriter(client: KubeClient): PodStatusWriter {
  const pods = client.resource<Pod>('pods');
  return {
    async patchStatus(pod, status) {
      // Fields we may have set before and no longer have are nulled, or the merge would keep them.
      const body = { metadata: { uid: pod.uid }, status: { reason: null, message: null, ...status } };
      await pods.patch(pod.name, 'merge', body, { namespace: pod.namespace, subresource: 'status' });
    },
    async deletePod(pod) {
      await pods.delete(pod.name, { namespace: pod.namespace, gracePeriodSeconds: 0, preconditions: { uid: pod.uid } });
    },
  };
}

interface Entry {
  key: PodKey;
  status: PodStatus;
  /** JSON of the last status the apiserver accepted ('' = none yet). */
  sent: string;
  deleteWhenWritten: boolean;
  failures: number;
}

export interface StatusManagerOptions {
  writer: PodStatusWriter;
  clock: Clock;
  log: Logger;
  retryInitialMs?: number;
  retryMaxMs?: number;
}

export function podKey(pod: Pod): PodKey {
  return { namespace: pod.metadata?.namespace ?? 'default', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' };
}

export class StatusManager {
  private readonly entries = new Map<string, Entry>();
  private readonly dirty = new Set<string>();
  private running = false;
  private retryTimer: TimerHandle | undefined;
  private idleWaiters: Array<() => void> = [];
  private stopped = false;

  constructor(private readonly opts: StatusManagerOptions) {}

  /** The latest status we generated for the pod (what the kubelet believes). */
  getPodStatus(uid: string): PodStatus | undefined {
    return this.entries.get(uid)?.status;
  }

  /**
   * Records the pod's new status. `pod.status` (the API's) seeds condition transition times and
   * tells whether a write is needed at all.
   */
  setPodStatus(pod: Pod, status: PodStatus): void {
    const key = podKey(pod);
    const prior = this.entries.get(key.uid);
    const base = prior?.status ?? pod.status ?? {};
    // A pod never leaves Succeeded or Failed (upstream refuses the transition): a kubelet that
    // finds a finished pod's containers gone — a new runtime, a reboot — must not make it Pending.
    if (isTerminal(base.phase) && status.phase !== base.phase) {
      this.opts.log.debug({ pod: `${key.namespace}/${key.name}`, phase: base.phase, wanted: status.phase }, 'status update of a finished pod ignored');
      if (!prior) this.entries.set(key.uid, { key, status: base, sent: JSON.stringify(normalise(base)), deleteWhenWritten: false, failures: 0 });
      return;
    }
    const merged = { ...status, conditions: withTransitionTimes(status.conditions ?? [], base.conditions ?? [], this.opts.clock.now()) };
    const entry: Entry = prior ?? { key, status: merged, sent: prior === undefined && pod.status ? JSON.stringify(normalise(pod.status)) : '', deleteWhenWritten: false, failures: 0 };
    entry.status = merged;
    entry.key = key;
    this.entries.set(key.uid, entry);
    if (JSON.stringify(normalise(merged)) !== entry.sent || entry.deleteWhenWritten) this.markDirty(key.uid);
  }

  /** The pod is stopped and its API object is being deleted: after the final status, DELETE it. */
  deleteWhenWritten(pod: Pod): void {
    const key = podKey(pod);
    const entry = this.entries.get(key.uid) ?? { key, status: pod.status ?? {}, sent: '', deleteWhenWritten: true, failures: 0 };
    entry.deleteWhenWritten = true;
    this.entries.set(key.uid, entry);
    this.markDirty(key.uid);
  }

  /** Forget a pod the kubelet no longer has (it left the API). */
  removePod(uid: string): void {
    this.entries.delete(uid);
    this.dirty.delete(uid);
  }

  /** Resolves when nothing is left to write, or only failed writes wait for their retry. */
  idle(): Promise<void> {
    if (!this.running && (this.dirty.size === 0 || this.retryTimer !== undefined)) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer !== undefined) this.opts.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private markDirty(uid: string): void {
    this.dirty.add(uid);
    if (!this.running && this.retryTimer === undefined) void this.syncAll();
  }

  private async syncAll(): Promise<void> {
    if (this.stopped) return;
    this.running = true;
    let failedDelay = 0;
    try {
      // Bounded: each pass handles every dirty pod once; new ones come in the next pass.
      for (let pass = 0; pass < 1000 && this.dirty.size > 0 && !this.stopped; pass++) {
        const uids = [...this.dirty];
        this.dirty.clear();
        let progressed = false;
        for (const uid of uids) {
          const delay = await this.syncOne(uid);
          if (delay > 0) failedDelay = Math.max(failedDelay, delay);
          else progressed = true;
        }
        if (!progressed && failedDelay > 0) break;
      }
    } finally {
      this.running = false;
    }
    if (failedDelay > 0 && !this.stopped && this.dirty.size > 0) {
      this.retryTimer = this.opts.clock.setTimeout(() => {
        this.retryTimer = undefined;
        void this.syncAll();
      }, failedDelay);
    }
    if (this.dirty.size > 0 && this.retryTimer === undefined && !this.stopped) {
      void this.syncAll();
      return;
    }
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** 0 when done, else the delay before retrying this pod. */
  private async syncOne(uid: string): Promise<number> {
    const entry = this.entries.get(uid);
    if (!entry) return 0;
    const json = JSON.stringify(normalise(entry.status));
    try {
      if (json !== entry.sent) {
        await this.opts.writer.patchStatus(entry.key, entry.status);
        entry.sent = json;
      }
      if (entry.deleteWhenWritten) {
        await this.opts.writer.deletePod(entry.key);
        this.opts.log.info({ pod: `${entry.key.namespace}/${entry.key.name}` }, 'pod fully terminated and removed from the API');
        this.entries.delete(uid);
      }
      entry.failures = 0;
      return 0;
    } catch (err) {
      if (isNotFound(err) || isConflict(err) || isInvalid(err)) {
        // Gone, or a different pod now has that name: nothing of ours left to write.
        this.opts.log.debug({ pod: `${entry.key.namespace}/${entry.key.name}`, err: (err as Error).message }, 'pod status not written: pod gone or replaced');
        this.entries.delete(uid);
        return 0;
      }
      entry.failures++;
      this.dirty.add(uid);
      const initial = this.opts.retryInitialMs ?? 1000;
      const delay = Math.min(this.opts.retryMaxMs ?? 30_000, initial * 2 ** Math.min(entry.failures - 1, 20));
      this.opts.log.warn({ pod: `${entry.key.namespace}/${entry.key.name}`, err: (err as Error).message, retryInMs: delay }, 'writing pod status failed');
      return delay;
    }
  }
}

/** Keeps lastTransitionTime of conditions whose status did not change; new or changed ones get now. */
export function withTransitionTimes(next: readonly PodCondition[], prior: readonly PodCondition[], nowMs: number): PodCondition[] {
  return next.map((c) => {
    const before = prior.find((p) => p.type === c.type);
    const lastTransitionTime = before && before.status === c.status && before.lastTransitionTime ? before.lastTransitionTime : c.lastTransitionTime ?? metaTime(nowMs);
    return { ...c, lastProbeTime: c.lastProbeTime ?? null, lastTransitionTime } as PodCondition;
  });
}

/** Key order does not matter when comparing statuses. */
function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = normalise(x);
    }
    return out;
  }
  return v;
}

function isTerminal(phase: string | undefined): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}
