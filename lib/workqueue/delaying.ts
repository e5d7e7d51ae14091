// A work queue with delayed adds, as client-go's DelayingQueue: addAfter(key, ms) adds the key once
// `ms` have passed on the injected clock. A key waiting twice keeps the earlier due time. One timer
// is armed, for the earliest due key.
import type { TimerHandle } from '../util/clock.js';
import { WorkQueue, type WorkQueueOptions } from './queue.js';

interface Due<T> {
  item: T;
  at: number;
  /** Breaks ties between equal due times in the order keys were scheduled. */
  seq: number;
}

/** A binary min-heap of due entries, earliest first. */
class DueHeap<T> {
  private readonly entries: Due<T>[] = [];

  get size(): number {
    return this.entries.length;
  }

  peek(): Due<T> | undefined {
    return this.entries[0];
  }

  push(entry: Due<T>): void {
    const a = this.entries;
    a.push(entry);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(a[i], a[parent])) break;
      [a[i], a[parent]] = [a[parent], a[i]];
      i = parent;
    }
  }

  pop(): Due<T> | undefined {
    const a = this.entries;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let min = i;
        if (l < a.length && this.before(a[l], a[min])) min = l;
        if (r < a.length && this.before(a[r], a[min])) min = r;
        if (min === i) break;
        [a[i], a[min]] = [a[min], a[i]];
        i = min;
      }
    }
    return top;
  }

  clear(): void {
    this.entries.length = 0;
  }

  private before(x: Due<T>, y: Due<T>): boolean {
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }
}

export class DelayingQueue<T = string> extends WorkQueue<T> {
  /** The due time of each waiting key; heap entries that disagree with it are stale and skipped. */
  private readonly dueAt = new Map<T, number>();
  private readonly heap = new DueHeap<T>();
  private seq = 0;
  private timer: TimerHandle | undefined;
  private timerAt = Infinity;

  constructor(opts: WorkQueueOptions = {}) {
    super(opts);
  }

  /** Adds `item` after `ms` (at once when ms <= 0). Counted as a retry in metrics, as client-go does. */
  addAfter(item: T, ms: number): void {
    if (this.shuttingDown) return;
    this.metrics.retry();
    if (!(ms > 0)) {
      this.add(item);
      return;
    }
    const at = this.clock.now() + ms;
    const current = this.dueAt.get(item);
    if (current !== undefined && current <= at) return;
    this.dueAt.set(item, at);
    this.heap.push({ item, at, seq: this.seq++ });
    this.arm();
  }

  /** Keys waiting for their delay to pass. */
  waitingLen(): number {
    return this.dueAt.size;
  }

  protected override onShutDown(): void {
    this.disarm();
    this.dueAt.clear();
    this.heap.clear();
  }

  private arm(): void {
    this.dropStale();
    const next = this.heap.peek();
    if (!next) return this.disarm();
    if (next.at === this.timerAt) return;
    this.disarm();
    this.timerAt = next.at;
    this.timer = this.clock.setTimeout(() => this.fire(), Math.max(0, next.at - this.clock.now()));
  }

  private disarm(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.clock.now();
    for (let next = this.heap.peek(); next && next.at <= now; next = this.heap.peek()) {
      this.heap.pop();
      if (this.dueAt.get(next.item) !== next.at) continue;
      this.dueAt.delete(next.item);
      this.add(next.item);
    }
    // A real timer may fire a fraction early; arm() then simply waits for the rest.
    this.arm();
  }

  private dropStale(): void {
    for (let top = this.heap.peek(); top && this.dueAt.get(top.item) !== top.at; top = this.heap.peek()) this.heap.pop();
  }
}
