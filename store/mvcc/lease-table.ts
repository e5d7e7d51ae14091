// The replicated part of leases: which leases exist, their TTL, and which keys hang off each one.
// Expiry timing is not here (it needs a clock): that is the leader-only Lessor.

import { compareKeys } from './keys.js';
import type { LeaseInfo } from './types.js';

export interface LeaseState {
  readonly id: number;
  readonly ttl: number;
  /** Last checkpointed remaining seconds, 0 when none. */
  remainingTtl: number;
  readonly keys: Set<string>;
}

export class LeaseTable {
  private readonly leases = new Map<number, LeaseState>();

  get size(): number {
    return this.leases.size;
  }

  has(id: number): boolean {
    return this.leases.has(id);
  }

  get(id: number): LeaseState | undefined {
    return this.leases.get(id);
  }

  grant(id: number, ttl: number, remainingTtl = 0): LeaseState {
    const lease: LeaseState = { id, ttl, remainingTtl, keys: new Set() };
    this.leases.set(id, lease);
    return lease;
  }

  delete(id: number): void {
    this.leases.delete(id);
  }

  attach(id: number, key: string): void {
    this.leases.get(id)?.keys.add(key);
  }

  detach(id: number, key: string): void {
    this.leases.get(id)?.keys.delete(key);
  }

  /** Attached keys in key order: revocation deletes them in this order on every replica. */
  sortedKeys(id: number): string[] {
    const lease = this.leases.get(id);
    return lease ? [...lease.keys].sort(compareKeys) : [];
  }

  info(id: number): LeaseInfo | undefined {
    const lease = this.leases.get(id);
    if (!lease) return undefined;
    return { id, ttl: lease.ttl, remainingTtl: lease.remainingTtl, keys: this.sortedKeys(id) };
  }

  /** All leases by ascending id (deterministic order for snapshots). */
  all(): LeaseState[] {
    return [...this.leases.values()].sort((a, b) => a.id - b.id);
  }
}
