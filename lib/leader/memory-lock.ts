// An in-memory Lease for tests: MemoryLease is the stored object (compare-and-swap on a counter
// resourceVersion, as the apiserver does), and each candidate campaigns through its own
// MemoryLeaseLock, which can be made slow or failing to play a partitioned or lagging client.
import { status } from '../api/status.js';
import { StatusError } from '../client/errors.js';
import { realClock, type Clock } from '../util/clock.js';
import type { LeaseLock, LockSnapshot } from './lock.js';
import type { LeaderElectionRecord } from './record.js';

export type LockOperation = 'get' | 'create' | 'update';

export class MemoryLease {
  private current: LockSnapshot | null = null;
  private revision = 0;
  /** Every successful write, oldest first: the lease's history for assertions. */
  readonly writes: LockSnapshot[] = [];

  constructor(
    readonly namespace = 'kube-system',
    readonly name = 'test-lease',
  ) {}

  read(): LockSnapshot | null {
    return this.current && { record: { ...this.current.record }, resourceVersion: this.current.resourceVersion };
  }

  create(record: LeaderElectionRecord): void {
    if (this.current) throw new StatusError(status.alreadyExists(this.target()));
    this.store(record);
  }

  update(record: LeaderElectionRecord, resourceVersion: string): void {
    if (!this.current) throw new StatusError(status.notFound(this.target()));
    if (this.current.resourceVersion !== resourceVersion) throw new StatusError(status.staleResourceVersion(this.target()));
    this.store(record);
  }

  describe(): string {
    return `${this.namespace}/${this.name}`;
  }

  private store(record: LeaderElectionRecord): void {
    this.current = { record: { ...record }, resourceVersion: String(++this.revision) };
    this.writes.push(this.read()!);
  }

  private target() {
    return { resource: 'leases', group: 'coordination.k8s.io', name: this.name };
  }
}

export interface LockFaults {
  /** Before an operation reaches the lease: an error returned fails it (the lease is untouched). */
  failBefore?: (op: LockOperation) => Error | undefined;
  /** After an operation was applied: an error returned is what the caller gets (a lost answer). */
  failAfter?: (op: LockOperation) => Error | undefined;
  /** Milliseconds on the lock's clock before an operation reaches the lease. */
  requestDelayMs?: number;
  /** Milliseconds on the lock's clock between applying an operation and the caller hearing of it. */
  responseDelayMs?: number;
}

export interface MemoryLeaseLockOptions extends LockFaults {
  /** Runs the delays; default the real clock. */
  clock?: Clock;
}

export class MemoryLeaseLock implements LeaseLock {
  private readonly clock: Clock;
  /** Change at any time to make this client's calls slow or failing. */
  faults: LockFaults;

  constructor(
    readonly lease: MemoryLease = new MemoryLease(),
    opts: MemoryLeaseLockOptions = {},
  ) {
    const { clock, ...faults } = opts;
    this.clock = clock ?? realClock;
    this.faults = faults;
  }

  get(signal?: AbortSignal): Promise<LockSnapshot | null> {
    return this.call('get', () => this.lease.read(), signal);
  }

  create(record: LeaderElectionRecord, signal?: AbortSignal): Promise<void> {
    return this.call('create', () => this.lease.create(record), signal);
  }

  update(record: LeaderElectionRecord, resourceVersion: string, signal?: AbortSignal): Promise<void> {
    return this.call('update', () => this.lease.update(record, resourceVersion), signal);
  }

  describe(): string {
    return this.lease.describe();
  }

  private async call<R>(op: LockOperation, apply: () => R, signal?: AbortSignal): Promise<R> {
    await this.delay(this.faults.requestDelayMs, signal);
    const before = this.faults.failBefore?.(op);
    if (before) throw before;
    const result = apply();
    await this.delay(this.faults.responseDelayMs, signal);
    const after = this.faults.failAfter?.(op);
    if (after) throw after;
    return result;
  }

  private async delay(ms: number | undefined, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (ms && ms > 0) await this.clock.sleep(ms, signal);
  }
}
