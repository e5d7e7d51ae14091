// Lease expiry bookkeeping for the leader (etcd's lessor, the volatile half). It never changes the
// replicated state itself: the driver mirrors applied leaseGrant/leaseRevoke/leaseCheckpoint
// commands into it on every member, and on the leader asks expired() and proposes leaseRevoke
// through the log for each id it returns.
//
// Deadlines only run on the primary (leader). A follower keeps every lease with no deadline, and
// promote() starts all clocks afresh at now + TTL (or the last checkpointed remaining TTL), so a
// leader change never expires a lease early just because the old leader's renewals were not seen.

import type { Clock } from '../../lib/util/clock.js';
import { MvccError } from './errors.js';
import type { LeaseCheckpoint } from './types.js';

export interface LessorOptions {
  clock: Clock;
  /** Granted TTLs below this are raised to it (etcd: ~1.5 × election timeout). Default 1 s. */
  minTtlSeconds?: number;
}

export interface LeaseTimeToLive {
  id: number;
  /** TTL the lease was granted with (after the minimum was applied), seconds. */
  grantedTtl: number;
  /** Seconds left, rounded up; 0 once expired but not yet revoked. */
  ttl: number;
}

interface TrackedLease {
  id: number;
  ttl: number;
  /** Checkpointed remaining seconds (0 = none): used instead of ttl on promote. */
  remainingTtl: number;
  /** Epoch ms; Infinity when not primary. */
  deadline: number;
  /** Bumped whenever the deadline changes; heap entries with an older stamp are stale. */
  stamp: number;
}

interface HeapEntry {
  id: number;
  deadline: number;
  stamp: number;
}

export class Lessor {
  private readonly clock: Clock;
  private readonly minTtl: number;
  private readonly leases = new Map<number, TrackedLease>();
  /** Min-heap on (deadline, id) with lazy deletion. */
  private heap: HeapEntry[] = [];
  private primary = false;

  constructor(options: LessorOptions) {
    this.clock = options.clock;
    this.minTtl = Math.max(1, options.minTtlSeconds ?? 1);
  }

  get isPrimary(): boolean {
    return this.primary;
  }

  get size(): number {
    return this.leases.size;
  }

  /** Tracks a lease (called when a leaseGrant is applied). Returns the effective TTL. */
  grant(id: number, ttlSeconds: number, remainingTtl = 0): { id: number; ttl: number } {
    const ttl = Math.max(this.minTtl, ttlSeconds);
    const lease: TrackedLease = { id, ttl, remainingTtl, deadline: Infinity, stamp: 0 };
    this.leases.set(id, lease);
    if (this.primary) this.setDeadline(lease, this.clock.now() + ttl * 1000);
    return { id, ttl };
  }

  /** Keepalive: on the leader, restarts the lease's clock. Returns its TTL in seconds. */
  renew(id: number, now = this.clock.now()): number {
    if (!this.primary) throw new MvccError('notPrimary', 'lease keepalive must go to the leader');
    const lease = this.leases.get(id);
    // An expired lease waiting for its revoke to commit cannot be saved any more (as etcd).
    if (!lease || lease.deadline <= now) throw new MvccError('leaseNotFound', `lease ${id} not found`);
    lease.remainingTtl = 0;
    this.setDeadline(lease, now + lease.ttl * 1000);
    return lease.ttl;
  }

  /** Stops tracking (called when a leaseRevoke is applied). */
  remove(id: number): boolean {
    const found = this.leases.delete(id);
    if (found) this.maybeRebuildHeap();
    return found;
  }

  /** Records a checkpointed remaining TTL (called when a leaseCheckpoint is applied). */
  checkpoint(id: number, remainingTtl: number): void {
    const lease = this.leases.get(id);
    if (lease) lease.remainingTtl = remainingTtl;
  }

  /**
   * Becoming leader: every lease gets a full fresh deadline — now + extendMs + (checkpointed
   * remaining TTL, else its TTL) — so none expires merely because leadership moved.
   */
  promote(now = this.clock.now(), extendMs = 0): void {
    this.primary = true;
    this.heap = [];
    for (const lease of this.leases.values()) {
      const seconds = lease.remainingTtl > 0 ? lease.remainingTtl : lease.ttl;
      lease.stamp++;
      lease.deadline = now + extendMs + seconds * 1000;
      this.heap.push({ id: lease.id, deadline: lease.deadline, stamp: lease.stamp });
    }
    this.heap.sort(compareEntries); // a sorted array is a valid heap
  }

  /** Losing leadership: stop every clock. */
  demote(): void {
    this.primary = false;
    this.heap = [];
    for (const lease of this.leases.values()) {
      lease.stamp++;
      lease.deadline = Infinity;
    }
  }

  /**
   * Ids whose deadline has passed, earliest first (at most `limit`). Read-only: an id keeps being
   * reported until remove() is called for it, so the driver should remember which revokes it has
   * in flight and re-propose only after a timeout.
   */
  expired(now = this.clock.now(), limit = Infinity): number[] {
    if (!this.primary) return [];
    const due: HeapEntry[] = [];
    // Walk only the part of the heap at or before `now`: a node later than now has no earlier child.
    const stack = this.heap.length > 0 ? [0] : [];
    while (stack.length > 0) {
      const i = stack.pop()!;
      const e = this.heap[i]!;
      if (e.deadline > now) continue;
      if (this.leases.get(e.id)?.stamp === e.stamp) due.push(e);
      const left = 2 * i + 1;
      if (left < this.heap.length) stack.push(left);
      if (left + 1 < this.heap.length) stack.push(left + 1);
    }
    due.sort(compareEntries);
    return due.slice(0, limit).map((e) => e.id);
  }

  /** Remaining time of a lease on the leader; undefined for an unknown id. */
  timeToLive(id: number, now = this.clock.now()): LeaseTimeToLive | undefined {
    if (!this.primary) throw new MvccError('notPrimary', 'lease time-to-live must be asked of the leader');
    const lease = this.leases.get(id);
    if (!lease) return undefined;
    return { id, grantedTtl: lease.ttl, ttl: Math.max(0, Math.ceil((lease.deadline - now) / 1000)) };
  }

  /** Remaining TTLs to propose as a leaseCheckpoint command, so a new leader does not restart them in full. */
  checkpoints(now = this.clock.now()): LeaseCheckpoint[] {
    if (!this.primary) return [];
    const out: LeaseCheckpoint[] = [];
    for (const lease of this.leases.values()) {
      if (lease.deadline > now) out.push({ id: lease.id, remainingTtl: Math.ceil((lease.deadline - now) / 1000) });
    }
    return out.sort((a, b) => a.id - b.id);
  }

  private setDeadline(lease: TrackedLease, deadline: number): void {
    lease.stamp++;
    lease.deadline = deadline;
    this.heapPush({ id: lease.id, deadline, stamp: lease.stamp });
    this.maybeRebuildHeap();
  }

  /** Stale entries pile up with every renew; rebuild once they outnumber live ones. */
  private maybeRebuildHeap(): void {
    if (this.heap.length <= 2 * this.leases.size + 64) return;
    this.heap = [];
    if (!this.primary) return;
    for (const lease of this.leases.values()) this.heap.push({ id: lease.id, deadline: lease.deadline, stamp: lease.stamp });
    this.heap.sort(compareEntries);
  }

  private heapPush(e: HeapEntry): void {
    const heap = this.heap;
    heap.push(e);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (compareEntries(heap[parent]!, e) <= 0) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = e;
  }
}

function compareEntries(a: HeapEntry, b: HeapEntry): number {
  return a.deadline - b.deadline || a.id - b.id;
}
