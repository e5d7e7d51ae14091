// CrashLoopBackOff (kuberuntime_manager.go doBackOff): a container that exited is restarted at
// once the first time, then only after a delay that doubles per restart (10 s → 5 min by
// default), measured from when it last exited; a container that ran for 10 minutes (twice the cap)
// starts over at the initial delay.
import type { Container, Pod } from '../../lib/api/types.js';
import { KeyedBackoff } from '../images/backoff.js';
import { formatPod, goDuration } from '../pod/format.js';
import { hashContainer } from './container-hash.js';
import type { RuntimeContainer } from './pod-status.js';

export type CrashBackoffDecision = { inBackOff: false } | { inBackOff: true; message: string; remainingMs: number };

export class CrashLoopBackoff {
  constructor(readonly backoff: KeyedBackoff) {}

  private key(pod: Pod, c: Container): string {
    const m = pod.metadata ?? {};
    return `${m.name}_${m.namespace}_${m.uid}_${c.name}_${hashContainer(c)}`;
  }

  /**
   * Decides for a container about to be (re)started, given its newest instance. When it may start,
   * the next delay is recorded, as upstream does.
   */
  check(pod: Pod, spec: Container, latest: RuntimeContainer | undefined): CrashBackoffDecision {
    if (!latest || latest.state !== 'exited') return { inBackOff: false };
    const key = this.key(pod, spec);
    const exitedAt = latest.finishedAtMs;
    if (this.backoff.isInBackOffSince(key, exitedAt)) {
      return {
        inBackOff: true,
        message: `back-off ${goDuration(this.backoff.get(key))} restarting failed container=${spec.name} pod=${formatPod(pod)}`,
        remainingMs: this.backoff.remaining(key, exitedAt),
      };
    }
    this.backoff.next(key, exitedAt);
    return { inBackOff: false };
  }
}
