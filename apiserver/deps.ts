// Everything the request handlers need, injected: per-resource storage, watch caches, strategies,
// admission, clock and randomness. build-deps.ts wires them for main.ts and the test helper alike.
import type { Logger } from '../lib/util/logger.js';
import type { Clock } from '../lib/util/clock.js';
import type { ResourceInfo } from '../lib/api/registry.js';
import type { HealthChecks } from '../lib/component/health.js';
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
  /** The checks /healthz, /livez and /readyz answer (the store's reachability among them). */
  health: HealthChecks;
  /** Seconds an Event lives (a store lease), as kube-apiserver --event-ttl. */
  eventTtlSeconds: number;
}
