// An EventRecorder like client-go's tools/record: `event(object, type, reason, message)` turns into a
// core/v1 Event about the object, written asynchronously so that recording never blocks the caller.
// Identical events within 10 minutes bump `count` on the existing Event (a strategic-merge PATCH
// of count/lastTimestamp/message) instead of creating another; a flood about one object is dropped
// by the correlator's spam filter; when the apiserver is down or the queue is full, events are
// dropped with a log line rather than held forever.
import type { Event } from '../api/types.js';
import type { KubeClient, ApiObject } from '../client/client.js';
import { isNotFound } from '../client/errors.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { EventCorrelator, type CorrelatorOptions } from './correlator.js';

export type EventType = 'Normal' | 'Warning';

/** The narrow API an EventRecorder writes through (lib/client in production, a fake in tests). */
export interface EventSink {
  create(namespace: string, event: Event): Promise<Event>;
  patch(namespace: string, name: string, patch: { count: number; lastTimestamp: string; message: string }): Promise<Event>;
}

export function clientEventSink(client: KubeClient): EventSink {
  const events = client.resource<Event>('events');
  return {
    create: (namespace, event) => events.create(event, { namespace }),
    patch: (namespace, name, patch) => events.patch(name, 'strategic', patch, { namespace }),
  };
}

/** What an event is about: an object (its metadata is read) or an explicit reference. */
export interface InvolvedObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ApiObject['metadata'];
}

export interface EventOptions {
  /** A part of the object, e.g. `spec.containers{web}`. */
  fieldPath?: string;
}

export interface EventRecorder {
  event(object: InvolvedObject, type: EventType, reason: string, message: string, opts?: EventOptions): void;
}

export interface RecorderOptions {
  sink: EventSink;
  clock: Clock;
  log: Logger;
  /** source.component and reportingComponent, e.g. 'kubelet'. */
  component: string;
  /** source.host (a node name) and reportingInstance. */
  host?: string;
  /** Events waiting to be written; past this, new ones are dropped (client-go: 1000). */
  queueSize?: number;
  /** Attempts per event before it is dropped (client-go retries 12 times, 10 s apart). */
  maxAttempts?: number;
  retryDelayMs?: number;
  correlator?: Omit<CorrelatorOptions, 'clock'>;
}

interface Pending {
  namespace: string;
  key: string;
  objectKey: string;
  event: Event;
}

/** metav1.Time: RFC 3339 with seconds. */
export function metaTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export class Recorder implements EventRecorder {
  private readonly queue: Pending[] = [];
  private readonly correlator: EventCorrelator;
  private writing = false;
  private idleWaiters: Array<() => void> = [];
  private seq = 0;
  dropped = 0;

  constructor(private readonly opts: RecorderOptions) {
    this.correlator = new EventCorrelator({ ...(opts.correlator ?? {}), clock: opts.clock });
  }

  event(object: InvolvedObject, type: EventType, reason: string, message: string, eo: EventOptions = {}): void {
    const meta = object.metadata ?? {};
    const name = meta.name ?? '';
    const namespace = meta.namespace || 'default';
    const now = this.opts.clock.now();
    const involvedObject = {
      kind: object.kind,
      namespace: meta.namespace,
      name,
      uid: meta.uid,
      apiVersion: object.apiVersion,
      resourceVersion: meta.resourceVersion,
      ...(eo.fieldPath ? { fieldPath: eo.fieldPath } : {}),
    };
    const source = { component: this.opts.component, ...(this.opts.host ? { host: this.opts.host } : {}) };
    // Nanoseconds in hex as client-go names events; the sequence keeps two in one millisecond apart.
    const nanos = BigInt(now) * 1_000_000n + BigInt(this.seq++ % 1_000_000);
    const event: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${name}.${nanos.toString(16)}`, namespace },
      involvedObject,
      reason,
      message,
      source,
      firstTimestamp: metaTime(now),
      lastTimestamp: metaTime(now),
      count: 1,
      type,
      reportingComponent: this.opts.component,
      reportingInstance: this.opts.host ?? '',
    } as Event;
    const objectKey = [involvedObject.kind, namespace, name, involvedObject.uid].join('/');
    const key = JSON.stringify([source.component, source.host, involvedObject, type, reason, message]);
    if (this.queue.length >= (this.opts.queueSize ?? 1000)) {
      this.drop(event, 'queue full');
      return;
    }
    this.queue.push({ namespace, key, objectKey, event });
    if (!this.writing) void this.drain();
  }

  /** Resolves once every queued event was written or dropped (tests and shutdown). */
  idle(): Promise<void> {
    if (!this.writing && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) await this.write(next);
    } finally {
      this.writing = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private async write(p: Pending): Promise<void> {
    const decision = this.correlator.correlate({ key: p.key, objectKey: p.objectKey });
    if (decision.action === 'drop') {
      this.drop(p.event, 'too many events about this object');
      return;
    }
    const attempts = Math.max(1, this.opts.maxAttempts ?? 3);
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        if (decision.action === 'patch') {
          const lastTimestamp = p.event.lastTimestamp!;
          try {
            await this.opts.sink.patch(p.namespace, decision.name, { count: decision.count, lastTimestamp, message: p.event.message ?? '' });
            this.correlator.recorded(p.key, decision.name, decision.count, decision.firstTimestampMs);
            return;
          } catch (err) {
            if (!isNotFound(err)) throw err;
            // The aggregated Event expired or was deleted: start a new one.
            this.correlator.forget(p.key);
          }
        }
        await this.opts.sink.create(p.namespace, p.event);
        this.correlator.recorded(p.key, p.event.metadata!.name!, 1, this.opts.clock.now());
        return;
      } catch (err) {
        if (attempt === attempts) {
          this.drop(p.event, (err as Error).message);
          return;
        }
        await this.opts.clock.sleep(this.opts.retryDelayMs ?? 1000);
      }
    }
  }

  private drop(event: Event, why: string): void {
    this.dropped++;
    this.opts.log.warn({ reason: event.reason, object: `${event.involvedObject.namespace ?? ''}/${event.involvedObject.name ?? ''}`, why }, `dropping event: ${event.message}`);
  }
}
