// The watch cache's window of recent changes: a fixed-capacity ring in revision order. Pushing past
// capacity evicts the oldest change; lookups by revision are binary searches.
import type { CachedObject } from './watch-event.js';

/** One change to one key, as the store reported it. */
export interface CacheChange {
  revision: number;
  key: string;
  /** ADDED: new key; MODIFIED: existing key; DELETED: key removed. */
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** The new version (absent for DELETED). */
  current: CachedObject | undefined;
  /** The version before the change (absent for ADDED). */
  previous: CachedObject | undefined;
  /** `previous` at this change's revision: what a DELETED event carries (made on first use). */
  deleted?: CachedObject;
}

export class EventWindow {
  private readonly ring: (CacheChange | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`event window capacity must be a positive integer, got ${capacity}`);
    this.ring = new Array<CacheChange | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Appends a change (revisions must not decrease); returns the change it evicted, if any. */
  push(change: CacheChange): CacheChange | undefined {
    let evicted: CacheChange | undefined;
    if (this.count === this.capacity) {
      evicted = this.ring[this.start];
      this.ring[this.start] = undefined;
      this.start = (this.start + 1) % this.capacity;
      this.count--;
    }
    this.ring[(this.start + this.count) % this.capacity] = change;
    this.count++;
    return evicted;
  }

  at(i: number): CacheChange {
    if (i < 0 || i >= this.count) throw new RangeError(`event window index ${i} out of range 0..${this.count - 1}`);
    return this.ring[(this.start + i) % this.capacity]!;
  }

  /** Index of the first change with revision > `revision` (size when none). */
  indexAfter(revision: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Every change with revision > `revision`, oldest first. */
  *since(revision: number): Generator<CacheChange> {
    for (let i = this.indexAfter(revision); i < this.count; i++) yield this.at(i);
  }

  clear(): void {
    this.ring.fill(undefined);
    this.start = 0;
    this.count = 0;
  }
}
