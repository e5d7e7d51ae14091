// apiserver entry point: flags → wiring → run(signal).
import { randomUUID } from 'node:crypto';
import { createLogger } from '../lib/util/logger.js';
import { runMain, untilAborted } from '../lib/util/main.js';
import { realClock } from '../lib/util/clock.js';
import { StoreClient } from '../lib/store-client/client.js';
import { preloadSchemas } from '../lib/api/schema.js';
import type { ResourceInfo } from '../lib/api/registry.js';
import { USAGE, firstServiceIP, parseApiFlags, type ApiFlags } from './config.js';
import { buildApiServer } from './server.js';
import { ApiMetrics } from './metrics.js';
import type { ApiDeps } from './deps.js';
import { KvResourceStore } from './storage/resource-store.js';
import { WatchCacheSet } from './storage/watch-cache.js';
import { strategyFor } from './registry/strategies.js';
import { createAdmission } from './registry/admission.js';
import { bootstrap } from './bootstrap.js';
import type { ResourceStore } from './storage/interfaces.js';

export async function run(flags: ApiFlags, signal: AbortSignal): Promise<void> {
  const logger = createLogger('apiserver', flags.logLevel !== undefined ? { level: flags.logLevel } : {});
  // A bounded retry budget: with the store down, clients get 503 + Retry-After in seconds, not a hang.
  const kv = new StoreClient({ endpoints: flags.storeEndpoints, timeoutMs: 5000, retryBudgetMs: 3000 });
  const metrics = new ApiMetrics();
  // One storage object per resource; all versions of a resource share the preferred version's.
  const stores = new Map<string, ResourceStore>();
  const storeFor = (res: ResourceInfo): ResourceStore => {
    const key = `${res.group}/${res.plural}`;
    let s = stores.get(key);
    if (!s) stores.set(key, (s = new KvResourceStore(kv, res)));
    return s;
  };
  const caches = new WatchCacheSet(kv, { clock: realClock, logger });
  const admission = createAdmission({ kv, storeFor, serviceCIDR: flags.serviceCIDR, nodePortRange: flags.nodePortRange });
  const deps: ApiDeps = {
    storeFor,
    cacheFor: (res) => caches.cacheFor(res),
    strategyFor,
    admission,
    clock: realClock,
    newUid: randomUUID,
    random: Math.random,
    logger,
    metrics,
    watchCacheSizes: () => caches.all().map((c) => ({ resource: `${c.resource.plural}${c.resource.group ? `.${c.resource.group}` : ''}`, size: c.size })),
    eventTtlSeconds: flags.eventTtlSeconds,
    storeHealthy: async () => {
      await kv.range({ key: '/registry/health', serializable: false });
      return true;
    },
  };
  await preloadSchemas();
  const app = buildApiServer(deps);
  await app.listen({ host: flags.bindAddress, port: flags.port });
  logger.info({ address: `http://${flags.bindAddress}:${flags.port}`, store: flags.storeEndpoints }, 'apiserver serving');
  const bootstrapping = bootstrap(deps, firstServiceIP(flags.serviceCIDR), signal);

  await untilAborted(signal);
  logger.info('shutting down');
  await app.close().catch(() => undefined);
  caches.stopAll();
  await bootstrapping.catch(() => undefined);
  await kv.close();
}

await runMain({ name: 'apiserver', usage: USAGE, parse: parseApiFlags, run });
