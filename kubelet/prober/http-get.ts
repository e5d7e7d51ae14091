// The HTTP GET that httpGet probes and httpGet lifecycle hooks share (pkg/probe/http/request.go and
// http.go): the request built from an HTTPGetAction (host defaults to the pod IP, named ports,
// headers, `kube-<purpose>/1.32` User-Agent, Accept */*), sent on a fresh connection, redirects
// followed only while they stay on the same host (at most 10), the body read up to 10 KiB, and a
// timeout on the injected clock. Failures carry Go's texts (`Get "http://…": dial tcp …`).
import { Agent, request, type Dispatcher } from 'undici';
import type { Container } from '../../lib/api/types.js';
import type { Clock } from '../../lib/util/clock.js';
import { GoError, goDialError, joinHostPort } from './go-format.js';
import { resolveContainerPort } from './port.js';

type HTTPGetAction = NonNullable<NonNullable<Container['livenessProbe']>['httpGet']>;

/** The Kubernetes minor version the kubelet announces in its User-Agent. */
export const KUBE_VERSION = '1.32';
export const MAX_BODY_BYTES = 10 * 1024;
const MAX_REDIRECTS = 10;

export interface HttpGetRequest {
  /** As Go prints it in errors: no trailing slash added to an empty path. */
  url: string;
  /** Lower-cased names; several values are sent as several header lines. */
  headers: Record<string, string[]>;
}

/** pkg/probe/http NewRequestForHTTPGetAction. Throws (GoError) when the port cannot be resolved. */
export function newRequestForHttpGetAction(action: HTTPGetAction, container: Container, podIP: string, purpose: 'probe' | 'lifecycle'): HttpGetRequest {
  const scheme = (action.scheme ?? '').toLowerCase() || 'http';
  const host = action.host || podIP;
  const port = resolveContainerPort(action.port, container);
  const path = action.path ?? '';
  const url = `${scheme}://${joinHostPort(host, port)}${path === '' || path.startsWith('/') ? path : '/' + path}`;
  const headers: Record<string, string[]> = {};
  for (const h of action.httpHeaders ?? []) (headers[h.name.toLowerCase()] ??= []).push(h.value);
  if (!headers['user-agent']) headers['user-agent'] = [`kube-${purpose}/${KUBE_VERSION}`];
  if (!headers['accept']) headers['accept'] = ['*/*'];
  else if (headers['accept'].every((v) => v === '')) delete headers['accept'];
  return { url, headers };
}

/** The client probes use: TLS without verification (the kubelet cannot know the pod's CA). */
export function newProbeDispatcher(): Agent {
  return new Agent({ connect: { rejectUnauthorized: false } });
}

export interface HttpGetOptions {
  dispatcher: Dispatcher;
  clock: Clock;
  /** 0 = no timeout (lifecycle hooks, bounded by the caller's signal instead). */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HttpGetResponse {
  statusCode: number;
  /** At most MAX_BODY_BYTES, decoded as UTF-8. */
  body: string;
}

/** Reading the body failed after the status arrived: the prober reports this as an error, not a failure. */
export class HttpBodyError extends GoError {}

/** Sends the GET; resolves with the final response, throws GoError for transport errors. */
export async function httpGet(req: HttpGetRequest, opts: HttpGetOptions): Promise<HttpGetResponse> {
  const abort = new AbortController();
  let why: 'timeout' | 'canceled' | undefined;
  const onAbort = () => {
    why ??= 'canceled';
    abort.abort();
  };
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = opts.timeoutMs > 0 ? opts.clock.setTimeout(() => ((why ??= 'timeout'), abort.abort()), opts.timeoutMs) : undefined;
  const headers = { ...req.headers };
  const hostHeader = headers['host']?.[0];
  delete headers['host'];
  let url = req.url;
  const firstHost = new URL(url).hostname;
  try {
    for (let redirects = 0; ; redirects++) {
      const target = new URL(url);
      let res: Dispatcher.ResponseData;
      try {
        if (why) throw new Error('aborted');
        res = await request(target, {
          method: 'GET',
          headers: hostHeader ? { ...headers, host: hostHeader } : headers,
          dispatcher: opts.dispatcher,
          signal: abort.signal,
          reset: true, // Connection: close, like the prober's DisableKeepAlives
        });
      } catch (err) {
        throw new GoError(`Get ${JSON.stringify(url)}: ${transportCause(err, target, why, 'awaiting headers')}`);
      }
      const location = res.headers['location'];
      const next = isFollowedRedirect(res.statusCode) && typeof location === 'string' ? new URL(location, target) : undefined;
      // Redirects to another host end here: the 3xx itself is the answer (a probe warning).
      if (!next || next.hostname !== firstHost) return { statusCode: res.statusCode, body: await readAtMost(res.body) };
      await res.body.dump().catch(() => {});
      if (redirects + 1 >= MAX_REDIRECTS) throw new GoError(`Get ${JSON.stringify(next.href)}: stopped after ${MAX_REDIRECTS} redirects`);
      url = next.href;
    }
  } finally {
    if (timer) opts.clock.clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }

  async function readAtMost(body: Dispatcher.ResponseData['body']): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= MAX_BODY_BYTES) break; // Go's ReadAtMost: truncation is not an error
      }
    } catch (err) {
      const cause = why === 'timeout' ? 'context deadline exceeded (Client.Timeout or context cancellation while reading body)' : why === 'canceled' ? 'context canceled' : errorText(err);
      throw new HttpBodyError(cause);
    } finally {
      body.destroy();
    }
    return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
  }
}

// Go's client follows these (with a Location); 300 and 304 are answers.
function isFollowedRedirect(code: number): boolean {
  return code === 301 || code === 302 || code === 303 || code === 307 || code === 308;
}

function transportCause(err: unknown, target: URL, why: 'timeout' | 'canceled' | undefined, phase: string): string {
  if (why === 'timeout') return `context deadline exceeded (Client.Timeout exceeded while ${phase})`;
  if (why === 'canceled') return 'context canceled';
  const code = errnoOf(err);
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
  if (code && ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL'].includes(code)) {
    return goDialError(joinHostPort(target.hostname.replace(/^\[|\]$/g, ''), port), { code });
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG') return 'http: server gave HTTP response to HTTPS client';
  if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') return 'EOF';
  return errorText(err);
}

function errnoOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const own = typeof e?.code === 'string' ? e.code : undefined;
  const cause = typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
  // undici wraps socket failures in UND_ERR_SOCKET; the cause names the errno.
  return own === 'UND_ERR_SOCKET' ? (cause ?? own) : (own ?? cause);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
