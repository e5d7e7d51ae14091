// Prometheus metrics of an apiserver, one registry per instance.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class ApiMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'apiserver_request_total',
    help: 'Requests by verb, resource, subresource and HTTP code.',
    labelNames: ['verb', 'group', 'resource', 'subresource', 'code'],
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'Request latency by verb and resource (watches excluded).',
    labelNames: ['verb', 'group', 'resource', 'subresource'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly watchers = new Gauge({ name: 'apiserver_registered_watchers', help: 'Open watches by resource.', labelNames: ['group', 'resource'], registers: [this.registry] });
  readonly watchCacheSize = new Gauge({ name: 'apiserver_watch_cache_events', help: 'Events held in each watch cache window.', labelNames: ['resource'], registers: [this.registry] });

  constructor(defaultMetrics = true) {
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }
}
