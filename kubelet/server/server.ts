// The kubelet's HTTP API (pkg/kubelet/server): /healthz and /metrics, /pods, /containerLogs,
// /exec and /attach (WebSocket upgrades), /stats/summary and /metrics/resource. Plain HTTP on the
// node IP: the apiserver is its only intended client (authentication comes later).
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { HealthChecks } from '../../lib/component/health.js';
import { mountOpsRoutes } from '../../lib/component/ops-routes.js';
import { buildSummary } from '../stats/summary.js';
import { resourceMetricsText } from '../stats/resource-metrics.js';
import { containerLogsHandler } from './container-logs.js';
import type { KubeletServerDeps } from './deps.js';
import { podList } from './pods.js';
import { StreamingServer, UPGRADE_REQUIRED } from './streaming.js';

export interface KubeletServer {
  app: FastifyInstance;
  /** Binds and returns the URL actually served (port 0 picks a free one). */
  listen(host: string, port: number): Promise<string>;
  close(): Promise<void>;
}

export function buildKubeletServer(deps: KubeletServerDeps): KubeletServer {
  const app = Fastify({ logger: false, forceCloseConnections: true, requestTimeout: 0, routerOptions: { maxParamLength: 1000 } });
  mountOpsRoutes(app, { health: deps.health ?? new HealthChecks(), metrics: deps.metrics ?? new Registry() });

  const summary = () =>
    buildSummary({
      nodeName: deps.nodeName,
      runtime: deps.runtime,
      clock: deps.clock,
      nodeStartTimeMs: deps.nodeStartTimeMs,
      memoryCapacityBytes: deps.memoryCapacityBytes,
      fsPath: deps.podLogsRoot,
    });

  app.get('/pods', async () => podList(deps.pods()));
  app.get('/containerLogs/:namespace/:pod/:container', containerLogsHandler(deps));
  app.get('/stats/summary', async () => summary());
  app.get('/metrics/resource', async (_req, reply) => {
    let text: string;
    try {
      text = resourceMetricsText(await summary());
    } catch (err) {
      deps.logger.warn({ err }, 'resource metrics scrape failed');
      text = resourceMetricsText(undefined);
    }
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(text);
  });
  // Exec and attach are upgrades only; a plain request gets the same checks, then is told so.
  const streaming = new StreamingServer(deps);
  for (const kind of ['exec', 'attach']) {
    app.route({
      method: ['GET', 'POST'],
      url: `/${kind}/*`,
      handler: async (req, reply) => {
        const checked = await streaming.check(req.url);
        if (!checked.ok) return reply.code(checked.code).type('text/plain; charset=utf-8').send(checked.body);
        return reply.code(400).type('text/plain; charset=utf-8').send(UPGRADE_REQUIRED);
      },
    });
  }

  app.server.on('upgrade', (req, socket, head) => void streaming.handleUpgrade(req, socket, head));
  app.addHook('onClose', async () => streaming.closeAll());

  return {
    app,
    async listen(host, port) {
      await app.listen({ host, port });
      const addr = app.server.address();
      const bound = typeof addr === 'object' && addr ? addr.port : port;
      return `http://${host}:${bound}`;
    },
    close: () => app.close(),
  };
}
