// Mounts what the apiserver relays to kubelets: pods/log, pods/exec and pods/attach (WebSocket
// upgrades), nodes/proxy, and the metrics.k8s.io API. Specific routes win over the generic
// /api/* handler; upgrades arrive on the HTTP server's 'upgrade' event, which fastify leaves alone.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { nodeMetricsHandler, podMetricsHandler, METRICS_GROUP, METRICS_VERSION } from './metrics-api.js';
import { nodeProxyHandler } from './node-proxy.js';
import { podLogHandler } from './pod-log.js';
import { handlePodStreamUpgrade } from './pod-stream.js';
import { httpSummaryFetcher, SummaryCache, type SummaryFetcher } from './summary-cache.js';

export interface KubeletBridgeOptions {
  /** How summaries are fetched from kubelets (HTTP by default). */
  summaryFetcher?: SummaryFetcher;
  summaryTtlMs?: number;
}

export type SendError = (reply: FastifyReply, err: unknown) => FastifyReply;

const ANY = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

export function mountKubeletBridges(app: FastifyInstance, deps: ApiDeps, sendError: SendError, opts: KubeletBridgeOptions = {}): void {
  app.get('/api/v1/namespaces/:namespace/pods/:name/log', podLogHandler(deps, sendError));

  const proxy = nodeProxyHandler(deps, sendError);
  app.route({ method: [...ANY], url: '/api/v1/nodes/:name/proxy', handler: proxy });
  app.route({ method: [...ANY], url: '/api/v1/nodes/:name/proxy/*', handler: proxy });

  const cache = new SummaryCache(opts.summaryFetcher ?? httpSummaryFetcher(), deps.clock, deps.logger, opts.summaryTtlMs);
  const base = `/apis/${METRICS_GROUP}/${METRICS_VERSION}`;
  const nodes = nodeMetricsHandler(deps, cache, sendError);
  const pods = podMetricsHandler(deps, cache, sendError);
  app.get(`${base}/nodes`, nodes);
  app.get(`${base}/nodes/:name`, nodes);
  app.get(`${base}/pods`, pods);
  app.get(`${base}/namespaces/:namespace/pods`, pods);
  app.get(`${base}/namespaces/:namespace/pods/:name`, pods);

  app.server.on('upgrade', (req, socket, head) => void handlePodStreamUpgrade(deps, req, socket, head));
}
