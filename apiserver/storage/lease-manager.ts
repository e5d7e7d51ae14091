// Leases for objects with a TTL (Events). Granting one lease per object would make every Event
// cost an extra replicated write, so — like Kubernetes' etcd3 leaseManager — a lease is reused
// for a short while: it is granted a little longer than asked, and handed out again as long as it
// still outlives the requested TTL by no more than that extra. An object may so live up to
// ~5% (at most 60 s) longer than its TTL, never shorter.
import type { Clock } from '../../lib/util/clock.js';
import type { KvBackend } from './interfaces.js';

/** Fraction of the TTL a lease may be reused for, and the cap on that (Kubernetes' defaults). */
const REUSE_FRACTION = 0.05;
const MAX_REUSE_SECONDS = 60;

export class LeaseManager {
  private prevId = 0;
  private prevExpiresAt = 0;

  constructor(
    private readonly kv: Pick<KvBackend, 'leaseGrant'>,
    private readonly clock: Clock,
  ) {}

  /** A lease id that lives at least `ttlSeconds` more (and at most a little longer). */
  async leaseFor(ttlSeconds: number): Promise<number> {
    const now = this.clock.now();
    const reuse = Math.min(MAX_REUSE_SECONDS, Math.floor(ttlSeconds * REUSE_FRACTION));
    const longEnough = now + ttlSeconds * 1000 < this.prevExpiresAt;
    const notTooLong = now + (ttlSeconds + reuse) * 1000 >= this.prevExpiresAt;
    if (this.prevId !== 0 && longEnough && notTooLong) return this.prevId;
    const granted = ttlSeconds + reuse;
    const res = await this.kv.leaseGrant(granted);
    this.prevId = res.id;
    this.prevExpiresAt = now + granted * 1000;
    return res.id;
  }

  /** Forgets the cached lease (after the store reported it missing). */
  forget(id: number): void {
    if (this.prevId === id) {
      this.prevId = 0;
      this.prevExpiresAt = 0;
    }
  }
}
