// Work queue metrics with client-go's names (workqueue_*), labelled by queue name. They live in a
// Registry the caller passes, so each process and each test owns its own; many queues share one
// set of metric families per registry.
import { Counter, Gauge, Histogram, exponentialBuckets, type Registry } from 'prom-client';
import type { Clock } from '../util/clock.js';

/** What a queue reports as items move through it. */
export interface QueueMetrics<T> {
  add(item: T): void;
  get(item: T): void;
  done(item: T): void;
  retry(): void;
}

export const noQueueMetrics: QueueMetrics<unknown> = { add() {}, get() {}, done() {}, retry() {} };

// client-go's buckets: 10 ns up to 10 s, ×10 each.
const DURATION_BUCKETS = exponentialBuckets(10e-9, 10, 10);

/** Reads a queue's in-flight work at scrape time (the gauges client-go refreshes every 500 ms). */
interface InFlight {
  unfinishedSeconds(): number;
  longestRunningSeconds(): number;
}

class MetricFamilies {
  /** The newest queue of each name: a queue re-created under the same name replaces the old one. */
  readonly inFlight = new Map<string, InFlight>();
  readonly depth: Gauge;
  readonly adds: Counter;
  readonly queueDuration: Histogram;
  readonly workDuration: Histogram;
  readonly retries: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    const labelNames = ['name'];
    const inFlight = this.inFlight;
    this.depth = new Gauge({ name: 'workqueue_depth', help: 'Current depth of workqueue', labelNames, registers });
    this.adds = new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by workqueue', labelNames, registers });
    this.queueDuration = new Histogram({
      name: 'workqueue_queue_duration_seconds',
      help: 'How long in seconds an item stays in workqueue before being requested.',
      labelNames,
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.workDuration = new Histogram({
      name: 'workqueue_work_duration_seconds',
      help: 'How long in seconds processing an item from workqueue takes.',
      labelNames,
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.retries = new Counter({ name: 'workqueue_retries_total', help: 'Total number of retries handled by workqueue', labelNames, registers });
    new Gauge({
      name: 'workqueue_unfinished_work_seconds',
      help:
        'How many seconds of work has been done that is in progress and has not been observed by work_duration. ' +
        'Large values indicate stuck workers.',
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const [name, q] of inFlight) this.set({ name }, q.unfinishedSeconds());
      },
    });
    new Gauge({
      name: 'workqueue_longest_running_processor_seconds',
      help: 'How many seconds has the longest running processor for workqueue been running.',
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const [name, q] of inFlight) this.set({ name }, q.longestRunningSeconds());
      },
    });
  }
}

const familiesByRegistry = new WeakMap<Registry, MetricFamilies>();

function familiesOf(registry: Registry): MetricFamilies {
  let families = familiesByRegistry.get(registry);
  if (!families) {
    families = new MetricFamilies(registry);
    familiesByRegistry.set(registry, families);
  }
  return families;
}

class QueueMetricsRecorder<T> implements QueueMetrics<T>, InFlight {
  private readonly addedAt = new Map<T, number>();
  private readonly startedAt = new Map<T, number>();

  constructor(
    private readonly families: MetricFamilies,
    private readonly name: string,
    private readonly clock: Clock,
  ) {
    families.inFlight.set(name, this);
    // Zero-valued series from the start, so a dashboard sees the queue before its first add.
    families.depth.set({ name }, 0);
    families.adds.inc({ name }, 0);
    families.retries.inc({ name }, 0);
  }

  add(item: T): void {
    this.families.adds.inc({ name: this.name });
    this.families.depth.inc({ name: this.name });
    if (!this.addedAt.has(item)) this.addedAt.set(item, this.clock.now());
  }

  get(item: T): void {
    this.families.depth.dec({ name: this.name });
    const now = this.clock.now();
    const addedAt = this.addedAt.get(item);
    if (addedAt !== undefined) {
      this.families.queueDuration.observe({ name: this.name }, (now - addedAt) / 1000);
      this.addedAt.delete(item);
    }
    this.startedAt.set(item, now);
  }

  done(item: T): void {
    const startedAt = this.startedAt.get(item);
    if (startedAt === undefined) return;
    this.families.workDuration.observe({ name: this.name }, (this.clock.now() - startedAt) / 1000);
    this.startedAt.delete(item);
  }

  retry(): void {
    this.families.retries.inc({ name: this.name });
  }

  unfinishedSeconds(): number {
    const now = this.clock.now();
    let total = 0;
    for (const started of this.startedAt.values()) total += now - started;
    return total / 1000;
  }

  longestRunningSeconds(): number {
    const now = this.clock.now();
    let longest = 0;
    for (const started of this.startedAt.values()) longest = Math.max(longest, now - started);
    return longest / 1000;
  }
}

/** The recorder for one queue; a no-op without a registry. */
export function queueMetrics<T>(registry: Registry | undefined, name: string, clock: Clock): QueueMetrics<T> {
  if (!registry) return noQueueMetrics as QueueMetrics<T>;
  return new QueueMetricsRecorder<T>(familiesOf(registry), name, clock);
}
