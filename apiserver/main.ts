// apiserver entry point: flags table → wiring → run(signal), on the process harness.
import { runComponent, untilAborted, type ContextOf } from '../lib/component/index.js';
import { StoreClient } from '../lib/store-client/client.js';
import { preloadSchemas } from '../lib/api/schema.js';
import { API_FLAGS, DESCRIPTION, firstServiceIP, parseNodePortRange } from './config.js';
import { buildApiServer } from './server.js';
import { buildApiDeps } from './build-deps.js';
import { bootstrap } from './bootstrap.js';

async function run({ flags, logger, signal, health, metrics }: ContextOf<typeof API_FLAGS>): Promise<void> {
  // A bounded retry budget: with the store down, clients get 503 + Retry-After in seconds, not a hang.
  const kv = new StoreClient({ endpoints: flags.storeEndpoints, timeoutMs: 5000, retryBudgetMs: 3000 });
  const wiring = buildApiDeps({
    kv,
    logger,
    metrics,
    health,
    serviceCIDR: flags.serviceClusterIpRange,
    nodePortRange: parseNodePortRange(flags.serviceNodePortRange)!,
    eventTtlSeconds: flags.eventTtl,
  });
  await preloadSchemas();
  const app = buildApiServer(wiring.deps);
  await app.listen({ host: flags.bindAddress, port: flags.port });
  logger.info({ address: `http://${flags.bindAddress}:${flags.port}`, store: flags.storeEndpoints }, 'apiserver serving');
  const bootstrapping = bootstrap(wiring.deps, firstServiceIP(flags.serviceClusterIpRange), signal);

  await untilAborted(signal);
  await app.close().catch(() => undefined);
  wiring.stop();
  await bootstrapping.catch(() => undefined);
  await kv.close();
}

await runComponent({ name: 'apiserver', description: DESCRIPTION, flags: API_FLAGS, ops: 'mounted', run });
