// The LeaseLock over the apiserver: a coordination.k8s.io/v1 Lease read with GET, taken with POST,
// renewed with a PUT that carries the resourceVersion last read (compare-and-swap: a stale renew
// gets 409 Conflict, which the elector treats as "someone else wrote it").
import type { Lease } from '../api/types.js';
import type { KubeClient } from '../client/client.js';
import { isNotFound } from '../client/errors.js';
import type { LeaseLock, LockSnapshot } from './lock.js';
import { leaseSpecFromRecord, recordFromLeaseSpec, type LeaderElectionRecord } from './record.js';

export class RestLeaseLock implements LeaseLock {
  private lease: Lease | undefined;

  constructor(
    private readonly client: KubeClient,
    readonly namespace: string,
    readonly name: string,
  ) {}

  private get leases() {
    return this.client.resource<Lease>('leases.coordination.k8s.io');
  }

  async get(signal?: AbortSignal): Promise<LockSnapshot | null> {
    try {
      this.lease = await this.leases.get(this.name, { namespace: this.namespace, ...(signal ? { signal } : {}) });
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
    return { record: recordFromLeaseSpec(this.lease.spec), resourceVersion: this.lease.metadata?.resourceVersion ?? '' };
  }

  async create(record: LeaderElectionRecord, signal?: AbortSignal): Promise<void> {
    this.lease = await this.leases.create(
      { metadata: { name: this.name, namespace: this.namespace }, spec: leaseSpecFromRecord(record) },
      { namespace: this.namespace, ...(signal ? { signal } : {}) },
    );
  }

  async update(record: LeaderElectionRecord, resourceVersion: string, signal?: AbortSignal): Promise<void> {
    // Keep the rest of the Lease (labels, owner references) as last read.
    const base = this.lease?.metadata?.name === this.name ? this.lease : { metadata: { name: this.name, namespace: this.namespace } };
    this.lease = await this.leases.update(
      { ...base, metadata: { ...base.metadata, name: this.name, namespace: this.namespace, resourceVersion }, spec: leaseSpecFromRecord(record) },
      { namespace: this.namespace, ...(signal ? { signal } : {}) },
    );
  }

  describe(): string {
    return `${this.namespace}/${this.name}`;
  }
}
