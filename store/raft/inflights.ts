// Bounded window of MsgApp messages sent to one follower but not yet acknowledged: the leader's
// flow control. A ring buffer of (last index, bytes) so add/free cost O(1) amortised.

export class Inflights {
  private start = 0;
  private count = 0;
  private bytes = 0;
  private readonly indexes: number[];
  private readonly sizes: number[];

  /** `maxCount` messages and `maxBytes` payload bytes may be in flight (maxBytes 0 = unlimited). */
  constructor(
    readonly maxCount: number,
    readonly maxBytes = 0,
  ) {
    if (!(maxCount > 0)) throw new Error(`raft inflights: maxCount must be positive, got ${maxCount}`);
    this.indexes = new Array<number>(maxCount).fill(0);
    this.sizes = new Array<number>(maxCount).fill(0);
  }

  /** Records a sent MsgApp whose last entry is `index`. Indexes must increase. */
  add(index: number, bytes: number): void {
    if (this.full()) throw new Error('raft inflights: add on a full window');
    let next = this.start + this.count;
    if (next >= this.maxCount) next -= this.maxCount;
    this.indexes[next] = index;
    this.sizes[next] = bytes;
    this.count++;
    this.bytes += bytes;
  }

  /** Frees every in-flight message whose last index is <= `to` (they were acknowledged). */
  freeLE(to: number): void {
    if (this.count === 0 || to < this.indexes[this.start]!) return;
    let i = 0;
    let idx = this.start;
    let freedBytes = 0;
    for (; i < this.count; i++) {
      if (to < this.indexes[idx]!) break;
      freedBytes += this.sizes[idx]!;
      idx++;
      if (idx >= this.maxCount) idx -= this.maxCount;
    }
    this.count -= i;
    this.bytes -= freedBytes;
    this.start = this.count === 0 ? 0 : idx;
  }

  full(): boolean {
    return this.count === this.maxCount || (this.maxBytes > 0 && this.bytes >= this.maxBytes);
  }

  size(): number {
    return this.count;
  }

  byteSize(): number {
    return this.bytes;
  }

  reset(): void {
    this.start = 0;
    this.count = 0;
    this.bytes = 0;
  }
}
