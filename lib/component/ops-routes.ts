// The ops endpoints every component serves: /healthz, /livez, /readyz (named checks) and
// Prometheus /metrics. Mounted on the component's own server (the apiserver's main port, as
// kube-apiserver does) or on a small server of their own (startOpsServer).
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { formatHealthReport, type HealthChecks, type HealthEndpoint } from './health.js';

export interface OpsEndpoints {
  health: HealthChecks;
  metrics: Registry;
}

function listOf(v: unknown): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
}

export function mountOpsRoutes(app: FastifyInstance, ops: OpsEndpoints): void {
  const answer = (endpoint: HealthEndpoint) => async (req: FastifyRequest, reply: FastifyReply) => {
    const query = req.query as Record<string, unknown>;
    const only = (req.params as { check?: string }).check;
    const report = await ops.health.run(endpoint, { ...(only !== undefined ? { only } : {}), exclude: listOf(query['exclude']) });
    if (!report) return reply.code(404).type('text/plain').send(`no ${endpoint} check named ${JSON.stringify(only)}\n`);
    const verbose = query['verbose'] !== undefined && query['verbose'] !== 'false';
    const body = only !== undefined ? (report.ok ? 'ok' : `internal server error: ${report.results[0]?.reason ?? 'failed'}\n`) : formatHealthReport(endpoint, report, verbose);
    return reply.code(report.ok ? 200 : 500).type('text/plain; charset=utf-8').header('x-content-type-options', 'nosniff').send(body);
  };
  for (const endpoint of ['healthz', 'livez', 'readyz'] as const) {
    app.get(`/${endpoint}`, answer(endpoint));
    app.get(`/${endpoint}/:check`, answer(endpoint));
  }
  app.get('/metrics', async (_req, reply) => reply.type(ops.metrics.contentType).send(await ops.metrics.metrics()));
}

export interface OpsServer {
  app: FastifyInstance;
  /** http://host:port actually bound (port 0 picks a free one). */
  url: string;
  close(): Promise<void>;
}

export async function startOpsServer(ops: OpsEndpoints, listen: { host: string; port: number }): Promise<OpsServer> {
  const app = Fastify({ logger: false, forceCloseConnections: true });
  mountOpsRoutes(app, ops);
  await app.listen(listen);
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : listen.port;
  return { app, url: `http://${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${port}`, close: () => app.close() };
}
