// The work queue behind every level-triggered controller (DESIGN §3 pattern 4), as client-go's
// workqueue.Type. Three rules make it safe for many workers:
//  - a key waiting in the queue is there once, however often it is added (the dirty set);
//  - a key handed to a worker is not handed out again until that worker calls done(key) (the
//    processing set); adds during processing are remembered and the key comes back after done;
//  - after shutdown no adds are accepted; get() still hands out what is queued, then undefined.
import type { Registry } from 'prom-client';
import { realClock, type Clock } from '../util/clock.js';
import { queueMetrics, type QueueMetrics } from './metrics.js';

export interface WorkQueueOptions {
  /** Names the queue in metrics (the `name` label) and logs. */
  name?: string;
  clock?: Clock;
  /** Where the queue's metrics go; nothing is recorded without one. */
  registry?: Registry;
}

/** A FIFO with O(1) push and shift. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    // Drop the consumed prefix once it is the larger half, so memory stays bounded by the length.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

export class WorkQueue<T = string> {
  readonly name: string;
  protected readonly clock: Clock;
  protected readonly metrics: QueueMetrics<T>;
  private readonly queue = new Fifo<T>();
  /** Keys that need processing: queued, or added again while being processed. */
  private readonly dirty = new Set<T>();
  /** Keys a worker holds between get() and done(). */
  private readonly processing = new Set<T>();
  /** get() calls waiting for a key (only while the queue is empty). */
  private waiters: Array<(item: T | undefined) => void> = [];
  /** shutDownWithDrain() calls waiting for processing to empty. */
  private drainWaiters: Array<() => void> = [];
  private stopped = false;

  constructor(opts: WorkQueueOptions = {}) {
    this.name = opts.name ?? '';
    this.clock = opts.clock ?? realClock;
    this.metrics = queueMetrics<T>(opts.registry, this.name, this.clock);
  }

  /** Marks `item` as needing processing. A no-op when it is already waiting or after shutdown. */
  add(item: T): void {
    if (this.stopped || this.dirty.has(item)) return;
    this.metrics.add(item);
    this.dirty.add(item);
    // A worker holds it: done() queues it again, so two workers never hold the same key.
    if (this.processing.has(item)) return;
    this.enqueue(item);
  }

  /**
   * The next key to process, waiting for one if the queue is empty; undefined once the queue is
   * shut down and empty. The caller must call done(key) when finished with it.
   */
  get(): Promise<T | undefined> {
    if (this.queue.length > 0) return Promise.resolve(this.take());
    if (this.stopped) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Ends processing of `item`; if it was added meanwhile it goes back in the queue. */
  done(item: T): void {
    if (!this.processing.delete(item)) return;
    this.metrics.done(item);
    if (this.dirty.has(item)) this.enqueue(item);
    else if (this.processing.size === 0) this.wakeDrainers();
  }

  /** Keys waiting to be handed out (not counting those being processed). */
  len(): number {
    return this.queue.length;
  }

  get shuttingDown(): boolean {
    return this.stopped;
  }

  /** Refuses further adds and wakes every waiting get() with undefined. Does not wait for workers. */
  shutDown(): void {
    this.stop();
    // As client-go: a plain shutdown also ends a drain in progress.
    this.wakeDrainers();
  }

  /** Like shutDown, then resolves once every key handed out has been marked done. */
  shutDownWithDrain(): Promise<void> {
    this.stop();
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Subclasses stop their timers here. */
  protected onShutDown(): void {}

  private stop(): void {
    if (!this.stopped) {
      this.stopped = true;
      this.onShutDown();
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake(undefined);
  }

  private enqueue(item: T): void {
    this.queue.push(item);
    // Waiters exist only while the queue was empty; hand keys over in arrival order.
    while (this.waiters.length > 0 && this.queue.length > 0) this.waiters.shift()!(this.take());
  }

  private take(): T {
    const item = this.queue.shift() as T;
    this.metrics.get(item);
    this.processing.add(item);
    this.dirty.delete(item);
    return item;
  }

  private wakeDrainers(): void {
    const drainers = this.drainWaiters;
    this.drainWaiters = [];
    for (const wake of drainers) wake();
  }
}
