// GET /api/v1/namespaces/{ns}/pods/{name}/log (pkg/registry/core/pod/rest/log.go): validates
// the PodLogOptions, picks the container, and streams the kubelet's /containerLogs back as
// text/plain — flushed as it arrives when following, and cut when the client goes away.
import { request } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { fieldError } from '../../lib/api/field-errors.js';
import { status } from '../../lib/api/status.js';
import { ApiError } from '../../lib/api/errors.js';
import type { StatusCause } from '../../lib/api/field-errors.js';
import type { ApiDeps } from '../deps.js';
import { q, type RequestInfo } from '../request.js';
import { statusFromKubelet, unreachable } from './backend-errors.js';
import { baseUrl, getNode, getPod, kubeletLocationOf, validateContainer } from './kubelet-location.js';

const MAX_ERROR_BODY = 50_000;

function boolParam(query: RequestInfo['query'], name: string): boolean {
  const v = q(query, name);
  if (v === undefined || v === '' || v === 'false' || v === '0') return false;
  if (v === 'true' || v === '1') return true;
  throw new ApiError(status.badRequest(`${name}: invalid value ${JSON.stringify(v)}: want true or false`));
}

function intParam(query: RequestInfo['query'], name: string): number | undefined {
  const v = q(query, name);
  if (v === undefined || v === '') return undefined;
  if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new ApiError(status.badRequest(`${name}: invalid value ${JSON.stringify(v)}: want an integer`));
  return Number(v);
}

/** The query the kubelet gets, after ValidatePodLogOptions (422 Invalid on PodLogOptions). */
export function kubeletLogQuery(query: RequestInfo['query'], podName: string): URLSearchParams {
  const follow = boolParam(query, 'follow');
  const previous = boolParam(query, 'previous');
  const timestamps = boolParam(query, 'timestamps');
  const tailLines = intParam(query, 'tailLines');
  const limitBytes = intParam(query, 'limitBytes');
  const sinceSeconds = intParam(query, 'sinceSeconds');
  const sinceTime = q(query, 'sinceTime');
  const causes: StatusCause[] = [];
  if (tailLines !== undefined && tailLines < 0) causes.push(fieldError.invalid('tailLines', tailLines, 'must be greater than or equal to 0'));
  if (limitBytes !== undefined && limitBytes < 1) causes.push(fieldError.invalid('limitBytes', limitBytes, 'must be greater than 0'));
  if (sinceSeconds !== undefined && sinceTime) causes.push(fieldError.forbidden('', 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
  else if (sinceSeconds !== undefined && sinceSeconds < 1) causes.push(fieldError.invalid('sinceSeconds', sinceSeconds, 'must be greater than 0'));
  let sinceIso: string | undefined;
  if (sinceTime && sinceSeconds === undefined) {
    const ms = Date.parse(sinceTime);
    if (Number.isNaN(ms)) throw new ApiError(status.badRequest(`sinceTime: invalid value ${JSON.stringify(sinceTime)}: want an RFC3339 time`));
    sinceIso = new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  if (causes.length > 0) throw new ApiError(status.invalid('PodLogOptions', podName, causes));
  const out = new URLSearchParams();
  if (follow) out.set('follow', 'true');
  if (previous) out.set('previous', 'true');
  if (timestamps) out.set('timestamps', 'true');
  if (sinceSeconds !== undefined) out.set('sinceSeconds', String(sinceSeconds));
  if (sinceIso) out.set('sinceTime', sinceIso);
  if (tailLines !== undefined) out.set('tailLines', String(tailLines));
  if (limitBytes !== undefined) out.set('limitBytes', String(limitBytes));
  return out;
}

export function podLogHandler(deps: ApiDeps, sendError: (reply: FastifyReply, err: unknown) => FastifyReply) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const { namespace, name } = req.params as { namespace: string; name: string };
    const query = req.query as RequestInfo['query'];
    let url: string;
    let follow: boolean;
    try {
      const params = kubeletLogQuery(query, name);
      follow = params.get('follow') === 'true';
      const pod = await getPod(deps, namespace, name);
      const container = validateContainer(pod, q(query, 'container'));
      // An unscheduled pod has no logs anywhere yet: an empty answer, as the real apiserver gives.
      if (!pod.spec?.nodeName) return reply.code(200).type('text/plain').send('');
      const loc = kubeletLocationOf(await getNode(deps, pod.spec.nodeName));
      const qs = params.toString();
      url = `${baseUrl(loc)}/containerLogs/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/${encodeURIComponent(container)}${qs ? `?${qs}` : ''}`;
    } catch (err) {
      return sendError(reply, err);
    }
    return proxyLog(reply, url, name, follow, (err) => sendError(reply, err));
  };
}

function proxyLog(reply: FastifyReply, url: string, podName: string, follow: boolean, fail: (err: unknown) => void): Promise<FastifyReply> {
  return new Promise((resolve) => {
    const upstream = request(url, { method: 'GET' }, (res) => {
      const code = res.statusCode ?? 500;
      if (code < 200 || code > 206) {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          if (body.length < MAX_ERROR_BODY) body += d;
        });
        res.on('end', () => {
          fail(new ApiError(statusFromKubelet(code, body, 'pods/log', podName)));
          resolve(reply);
        });
        res.on('error', (err) => {
          fail(err);
          resolve(reply);
        });
        return;
      }
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
      if (follow) raw.flushHeaders();
      res.pipe(raw);
      res.on('error', () => raw.end());
      raw.on('close', () => res.destroy());
      res.on('end', () => resolve(reply));
      res.on('close', () => resolve(reply));
    });
    upstream.on('error', (err) => {
      if (reply.sent) {
        reply.raw.end();
        return resolve(reply);
      }
      fail(new ApiError(unreachable('GET', url, err)));
      resolve(reply);
    });
    reply.raw.on('close', () => upstream.destroy());
    upstream.end();
  });
}
