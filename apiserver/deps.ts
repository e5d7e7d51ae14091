// Everything the request handlers need, injected: per-resource storage, watch caches, strategies,
// admission, clock and randomness. main.ts wires the real ones; tests wire in-process ones.
import type { Logger } from '../lib/util/logger.js';
import type { Clock } from '../lib/util/clock.js';
import type { ResourceInfo } from '../lib/api/registry.js';
import type { ResourceStore, WatchCache } from './storage/interfaces.js';
import type { Admission, Strategy } from './registry/interfaces.js';
import type { ApiMetrics } from './metrics.js';

export interface ApiDeps {
  storeFor(res: ResourceInfo): ResourceStore;
  cacheFor(res: ResourceInfo): WatchCache;
  strategyFor(res: ResourceInfo): Strategy;
  admission: Admission;
  clock: Clock;
  newUid(): string;
  random(): number;
  logger: Logger;
  metrics: ApiMetrics;
  /** Answers /readyz: can the store be reached? */
  storeHealthy(): Promise<boolean>;
  /** Events held by each resource's watch cache (for /metrics). */
  watchCacheSizes(): { resource: string; size: number }[];
  /** Seconds an Event lives (a store lease), as kube-apiserver --event-ttl. */
  eventTtlSeconds: number;
}
