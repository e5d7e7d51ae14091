// The one wiring of an apiserver's dependencies over a key-value backend: the real store client
// in main.ts, an in-process MVCC store in test/helpers/apiserver.ts.
import { randomUUID } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { ResourceInfo } from '../lib/api/registry.js';
import { realClock, type Clock } from '../lib/util/clock.js';
import type { Logger } from '../lib/util/logger.js';
import { HealthChecks } from '../lib/component/health.js';
import type { ApiDeps } from './deps.js';
import { ApiMetrics } from './metrics.js';
import { createAdmission } from './registry/admission.js';
import { strategyFor } from './registry/strategies.js';
import type { KvBackend, ResourceStore } from './storage/interfaces.js';
import { KvResourceStore } from './storage/resource-store.js';
import { WatchCacheSet } from './storage/watch-cache.js';

export interface ApiDepsOptions {
  kv: KvBackend;
  logger: Logger;
  clock?: Clock;
  /** The registry /metrics serves (the harness's); a fresh one when absent. */
  metrics?: Registry;
  /** The harness's health checks; a fresh set when absent. */
  health?: HealthChecks;
  serviceCIDR?: string;
  nodePortRange?: { min: number; max: number };
  eventTtlSeconds?: number;
  /** Events each watch cache holds (its window). */
  watchWindow?: number;
}

export interface ApiWiring {
  deps: ApiDeps;
  /** Stops the watch caches' store watches. */
  stop(): void;
}

export function buildApiDeps(opts: ApiDepsOptions): ApiWiring {
  const { kv, logger } = opts;
  const clock = opts.clock ?? realClock;
  // One storage object per resource; all versions of a resource share the preferred version's.
  const stores = new Map<string, ResourceStore>();
  const storeFor = (res: ResourceInfo): ResourceStore => {
    const key = `${res.group}/${res.plural}`;
    let s = stores.get(key);
    if (!s) stores.set(key, (s = new KvResourceStore(kv, res)));
    return s;
  };
  const caches = new WatchCacheSet(kv, { clock, logger, ...(opts.watchWindow ? { windowSize: opts.watchWindow } : {}) });
  const metrics = new ApiMetrics(opts.metrics);
  metrics.watchCacheSizes = () => caches.all().map((c) => ({ resource: `${c.resource.plural}${c.resource.group ? `.${c.resource.group}` : ''}`, size: c.size }));
  const health = opts.health ?? new HealthChecks();
  // Ready while a linearizable read reaches the store (through its leader).
  health.addReadyz('store', async () => {
    await kv.range({ key: '/registry/health', serializable: false });
  });
  const deps: ApiDeps = {
    storeFor,
    cacheFor: (res) => caches.cacheFor(res),
    strategyFor,
    admission: createAdmission({ kv, storeFor, serviceCIDR: opts.serviceCIDR ?? '127.96.0.0/16', nodePortRange: opts.nodePortRange ?? { min: 30000, max: 32767 } }),
    clock,
    newUid: randomUUID,
    random: Math.random,
    logger,
    metrics,
    health,
    eventTtlSeconds: opts.eventTtlSeconds ?? 3600,
  };
  return { deps, stop: () => caches.stopAll() };
}
