// The apiserver's HTTP surface (fastify): discovery, health, metrics, and every resource path.
// Bodies are read as bounded text and decoded per Content-Type by the handlers, so every bad
// request gets a metav1.Status — no input a client sends produces a 5xx or crashes the process.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { status, type Status } from '../lib/api/status.js';
import type { ApiDeps } from './deps.js';
import { MAX_BODY_BYTES } from './decode.js';
import {
  aggregatedContentType,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  openApiGroupVersion,
  openApiIndex,
  VERSION_INFO,
} from './discovery.js';
import { wantsAggregatedDiscovery } from './negotiation.js';
import { parseResourcePath } from './request-path.js';
import { handleResourceRequest } from './dispatch.js';
import { q, type RequestInfo } from './request.js';
import { ApiError } from '../lib/api/errors.js';
import { longPoll, streamWatch } from './watch-http.js';
import { mountOpsRoutes } from '../lib/component/ops-routes.js';
import { mountKubeletBridges } from './kubelet-bridge/routes.js';

function verbOf(method: string, named: boolean, watch: boolean): string {
  switch (method) {
    case 'GET':
      return watch ? 'WATCH' : named ? 'GET' : 'LIST';
    case 'POST':
      return 'POST';
    case 'PUT':
      return 'PUT';
    case 'PATCH':
      return 'PATCH';
    case 'DELETE':
      return named ? 'DELETE' : 'DELETECOLLECTION';
    default:
      return method;
  }
}

function sendStatus(reply: FastifyReply, st: Status): FastifyReply {
  if (st.code === 503 || st.code === 429) reply.header('retry-after', String(st.details?.retryAfterSeconds ?? 1));
  return reply.code(st.code).type('application/json').send(st);
}

export function toStatus(err: unknown, deps: ApiDeps): Status {
  if (err instanceof ApiError) return err.status;
  const e = err as { code?: string; statusCode?: number; message?: string };
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return status.requestEntityTooLarge(MAX_BODY_BYTES);
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || e.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') return status.badRequest(e.message ?? 'bad request');
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return status.badRequest(e.message ?? 'bad request');
  deps.logger.error({ err }, 'internal error');
  return status.internalError(err);
}

export function buildApiServer(deps: ApiDeps): FastifyInstance {
  const app = Fastify({
    bodyLimit: MAX_BODY_BYTES,
    logger: false,
    // Watches stay open for their timeoutSeconds; the server must not cut them.
    requestTimeout: 0,
    forceCloseConnections: true,
    routerOptions: { maxParamLength: 1000 },
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, (_req, body, done) => done(null, body));
  // Protobuf bodies are binary: keep the bytes.
  app.addContentTypeParser('application/vnd.kubernetes.protobuf', { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err, _req, reply) => sendStatus(reply, toStatus(err, deps)));
  app.setNotFoundHandler((_req, reply) => sendStatus(reply, status.pathNotFound()));

  app.get('/version', async () => VERSION_INFO);
  // /healthz, /livez, /readyz (the store check among them) and /metrics on the API port, as kube-apiserver.
  mountOpsRoutes(app, { health: deps.health, metrics: deps.metrics.registry });

  const discovery = (core: boolean) => async (req: FastifyRequest, reply: FastifyReply) => {
    const aggregated = wantsAggregatedDiscovery(req.headers.accept);
    if (aggregated) {
      // kubectl needs this exact Content-Type (docs/kubectl-wire.md §0.5); fastify would rewrite
      // its parameters, so write the response directly.
      const body = JSON.stringify(aggregatedDiscovery(core, aggregated));
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': aggregatedContentType(aggregated), 'content-length': Buffer.byteLength(body) });
      reply.raw.end(body);
      return reply;
    }
    return core ? apiVersions() : apiGroupList();
  };
  app.get('/api', discovery(true));
  app.get('/apis', discovery(false));
  app.get('/api/:version', async (req, reply) => {
    const list = apiResourceList('', (req.params as { version: string }).version);
    return list ?? sendStatus(reply, status.pathNotFound());
  });
  app.get('/apis/:group', async (req, reply) => apiGroup((req.params as { group: string }).group) ?? sendStatus(reply, status.pathNotFound()));
  app.get('/apis/:group/:version', async (req, reply) => {
    const p = req.params as { group: string; version: string };
    return apiResourceList(p.group, p.version) ?? sendStatus(reply, status.pathNotFound());
  });
  app.get('/openapi/v3', async () => openApiIndex());
  app.get('/openapi/v3/*', async (req, reply) => {
    const rest = (req.params as { '*': string })['*'].split('/');
    const doc = rest[0] === 'api' ? openApiGroupVersion('', rest[1] ?? '') : rest[0] === 'apis' ? openApiGroupVersion(rest[1] ?? '', rest[2] ?? '') : undefined;
    return doc ?? sendStatus(reply, status.pathNotFound());
  });

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const started = process.hrtime.bigint();
    const url = new URL(req.url, 'http://apiserver');
    const parsed = parseResourcePath(url.pathname);
    if (parsed.kind === 'notFound') return sendStatus(reply, status.pathNotFound(parsed.message));
    const path = parsed.path;
    const query = req.query as RequestInfo['query'];
    const info: RequestInfo = {
      method: req.method,
      path,
      query,
      headers: req.headers,
      body: typeof req.body === 'string' || Buffer.isBuffer(req.body) ? (req.body as string | Buffer) : undefined,
    };
    const watch = path.legacyWatch || q(query, 'watch') === 'true' || q(query, 'watch') === '1';
    const labels = { verb: verbOf(req.method, path.name !== undefined, watch), group: path.group, resource: path.resource.plural, subresource: path.subresource ?? '' };
    let code = 500;
    try {
      const result = await handleResourceRequest(deps, info);
      if (result === 'watch') {
        if (q(query, 'longPoll') === 'true') {
          const ac = new AbortController();
          reply.raw.on('close', () => ac.abort());
          const r = await longPoll(deps, info, ac.signal);
          code = r.code;
          return reply.code(r.code).send(r.body);
        }
        code = 200;
        reply.hijack();
        await streamWatch(deps, info, reply.raw);
        return reply;
      }
      code = result.code;
      if (result.headers) reply.headers(result.headers);
      return reply.code(result.code).send(result.body);
    } catch (err) {
      const st = toStatus(err, deps);
      code = st.code;
      if (reply.raw.headersSent) {
        reply.raw.end();
        return reply;
      }
      if (reply.sent) {
        // A hijacked (watch) reply: fastify no longer sends for us.
        reply.raw.writeHead(st.code, { 'content-type': 'application/json' });
        reply.raw.end(JSON.stringify(st));
        return reply;
      }
      return sendStatus(reply, st);
    } finally {
      deps.metrics.requests.inc({ ...labels, code: String(code) });
      if (!watch) deps.metrics.latency.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    }
  };
  // pods/log, pods/exec, pods/attach, nodes/proxy and metrics.k8s.io: relayed to kubelets.
  mountKubeletBridges(app, deps, (reply, err) => sendStatus(reply, toStatus(err, deps)));
  for (const prefix of ['/api/*', '/apis/*']) {
    app.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], url: prefix, handler });
  }
  return app;
}
