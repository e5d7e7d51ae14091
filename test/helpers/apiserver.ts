// An apiserver wired to an in-process store (the real MVCC state machine, no Raft or HTTP) for
// tests through fastify's inject() — and listen() on an ephemeral port for streaming watches.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../../lib/util/logger.js';
import { FakeClock, realClock, type Clock } from '../../lib/util/clock.js';
import { preloadSchemas } from '../../lib/api/schema.js';
import type { ResourceInfo } from '../../lib/api/registry.js';
import { buildApiServer } from '../../apiserver/server.js';
import { ApiMetrics } from '../../apiserver/metrics.js';
import type { ApiDeps } from '../../apiserver/deps.js';
import { KvResourceStore } from '../../apiserver/storage/resource-store.js';
import { WatchCacheSet } from '../../apiserver/storage/watch-cache.js';
import { strategyFor } from '../../apiserver/registry/strategies.js';
import { createAdmission } from '../../apiserver/registry/admission.js';
import { bootstrapOnce } from '../../apiserver/bootstrap.js';
import type { ResourceStore } from '../../apiserver/storage/interfaces.js';
import { MvccKv } from './mvcc-kv.js';

export interface TestApiServer {
  app: FastifyInstance;
  deps: ApiDeps;
  kv: MvccKv;
  close(): Promise<void>;
}

export async function buildTestApiServer(opts: { clock?: Clock; kv?: MvccKv; watchWindow?: number } = {}): Promise<TestApiServer> {
  await preloadSchemas();
  const kv = opts.kv ?? new MvccKv();
  const clock = opts.clock ?? realClock;
  const logger = createLogger('apiserver-test', { level: 'silent' });
  const stores = new Map<string, ResourceStore>();
  const storeFor = (res: ResourceInfo): ResourceStore => {
    const key = `${res.group}/${res.plural}`;
    let s = stores.get(key);
    if (!s) stores.set(key, (s = new KvResourceStore(kv, res)));
    return s;
  };
  const caches = new WatchCacheSet(kv, { clock, logger, ...(opts.watchWindow ? { windowSize: opts.watchWindow } : {}) });
  const deps: ApiDeps = {
    storeFor,
    cacheFor: (res) => caches.cacheFor(res),
    strategyFor,
    admission: createAdmission({ kv, storeFor, serviceCIDR: '10.96.0.0/12', nodePortRange: { min: 30000, max: 32767 } }),
    clock,
    newUid: randomUUID,
    random: Math.random,
    logger,
    metrics: new ApiMetrics(false),
    watchCacheSizes: () => caches.all().map((c) => ({ resource: `${c.resource.plural}${c.resource.group ? `.${c.resource.group}` : ''}`, size: c.size })),
    eventTtlSeconds: 3600,
    storeHealthy: async () => true,
  };
  await bootstrapOnce(deps, '10.96.0.1');
  const app = buildApiServer(deps);
  await app.ready();
  return {
    app,
    deps,
    kv,
    async close() {
      await app.close();
      caches.stopAll();
    },
  };
}

export { FakeClock };
