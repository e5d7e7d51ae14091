// An apiserver wired to an in-process store (the real MVCC state machine, no Raft or HTTP) for
// tests through fastify's inject() — and listen() on an ephemeral port for streaming watches.
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../../lib/util/logger.js';
import { FakeClock, realClock, type Clock } from '../../lib/util/clock.js';
import { preloadSchemas } from '../../lib/api/schema.js';
import { buildApiServer } from '../../apiserver/server.js';
import { buildApiDeps } from '../../apiserver/build-deps.js';
import type { ApiDeps } from '../../apiserver/deps.js';
import { bootstrapOnce } from '../../apiserver/bootstrap.js';
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
  const wiring = buildApiDeps({
    kv,
    logger: createLogger('apiserver-test', { level: 'silent' }),
    clock: opts.clock ?? realClock,
    ...(opts.watchWindow ? { watchWindow: opts.watchWindow } : {}),
  });
  const deps = wiring.deps;
  await bootstrapOnce(deps, '127.96.0.1');
  const app = buildApiServer(deps);
  await app.ready();
  return {
    app,
    deps,
    kv,
    async close() {
      await app.close();
      wiring.stop();
    },
  };
}

export { FakeClock };
