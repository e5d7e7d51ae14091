// Prometheus metrics of an apiserver, registered on the registry /metrics serves (the process
// harness's in main.ts, which also collects the default process metrics; a fresh one in tests).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface WatchCacheSize {
  resource: string;
  size: number;
}

export class ApiMetrics {
  readonly requests: Counter<'verb' | 'group' | 'resource' | 'subresource' | 'code'>;
  readonly latency: Histogram<'verb' | 'group' | 'resource' | 'subresource'>;
  readonly watchers: Gauge<'group' | 'resource'>;
  readonly watchCacheSize: Gauge<'resource'>;
  /** Read at every scrape to fill apiserver_watch_cache_events. */
  watchCacheSizes: () => WatchCacheSize[] = () => [];

  constructor(readonly registry: Registry = new Registry()) {
    this.requests = new Counter({
      name: 'apiserver_request_total',
      help: 'Requests by verb, resource, subresource and HTTP code.',
      labelNames: ['verb', 'group', 'resource', 'subresource', 'code'],
      registers: [registry],
    });
    this.latency = new Histogram({
      name: 'apiserver_request_duration_seconds',
      help: 'Request latency by verb and resource (watches excluded).',
      labelNames: ['verb', 'group', 'resource', 'subresource'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    this.watchers = new Gauge({ name: 'apiserver_registered_watchers', help: 'Open watches by resource.', labelNames: ['group', 'resource'], registers: [registry] });
    const sizes = () => this.watchCacheSizes();
    this.watchCacheSize = new Gauge({
      name: 'apiserver_watch_cache_events',
      help: 'Events held in each watch cache window.',
      labelNames: ['resource'],
      registers: [registry],
      collect() {
        this.reset();
        for (const c of sizes()) this.set({ resource: c.resource }, c.size);
      },
    });
  }
}
