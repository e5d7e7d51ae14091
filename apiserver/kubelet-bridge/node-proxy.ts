// /api/v1/nodes/{name}[:{port}]/proxy/{path}: plain HTTP to the node's kubelet (or another port
// on its address), streamed both ways, as `kubectl get --raw /api/v1/nodes/n/proxy/stats/summary`
// and dashboards use it.
import { request, type IncomingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { status } from '../../lib/api/status.js';
import { ApiError } from '../../lib/api/errors.js';
import type { ApiDeps } from '../deps.js';
import { unreachable } from './backend-errors.js';
import { baseUrl, getNode, kubeletLocationOf } from './kubelet-location.js';

// Hop-by-hop headers are the proxy's own business (RFC 9110 §7.6.1).
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length']);

function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k.toLowerCase())) out[k] = v;
  return out;
}

/** `name`, `name:port` (SplitSchemeNamePort without the scheme). */
function splitNamePort(id: string): { name: string; port?: number } {
  const parts = id.split(':');
  if (parts.length === 1 && parts[0]) return { name: parts[0] };
  if (parts.length === 2 && parts[0] && /^\d{1,5}$/.test(parts[1]!) && Number(parts[1]) <= 65535) return { name: parts[0], port: Number(parts[1]) };
  throw new ApiError(status.badRequest(`invalid node request ${JSON.stringify(id)}`));
}

export function nodeProxyHandler(deps: ApiDeps, sendError: (reply: FastifyReply, err: unknown) => FastifyReply) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const params = req.params as { name: string; '*'?: string };
    let url: string;
    try {
      const { name, port } = splitNamePort(params.name);
      const loc = kubeletLocationOf(await getNode(deps, name));
      const search = new URL(req.url, 'http://apiserver').search;
      url = `${baseUrl({ host: loc.host, port: port ?? loc.port })}/${params['*'] ?? ''}${search}`;
    } catch (err) {
      return sendError(reply, err);
    }
    const body = typeof req.body === 'string' || Buffer.isBuffer(req.body) ? req.body : undefined;
    return new Promise<FastifyReply>((resolve) => {
      const upstream = request(url, { method: req.method, headers: forwardable(req.headers) }, (res) => {
        reply.hijack();
        reply.raw.writeHead(res.statusCode ?? 502, forwardable(res.headers));
        res.pipe(reply.raw);
        reply.raw.on('close', () => res.destroy());
        res.on('close', () => resolve(reply));
      });
      upstream.on('error', (err) => {
        if (reply.sent) {
          reply.raw.end();
          return resolve(reply);
        }
        resolve(sendError(reply, new ApiError(unreachable(req.method, url, err))));
      });
      upstream.end(body);
    });
  };
}
