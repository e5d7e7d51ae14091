// Request execution under the typed client (client-go's rest.Request): client-side rate limiting,
// failover across apiservers, retries with jittered backoff, deadlines, and errors as StatusError.
//
// What is retried, and why:
// - 429 and 503 on any verb: the apiserver answers them before doing anything (throttled, or its
//   store is unreachable) and says when to come back (Retry-After), which we honour.
// - other 5xx and connection failures after the request was sent: only on reads. A POST whose
//   connection dropped (or a 504, "the store may or may not have applied it") may have happened;
//   repeating it blindly could create twice.
// - connection failures before anything was sent (refused, unreachable, connect timeout): on any
//   verb, against the next apiserver.
import { Backoff } from '../util/backoff.js';
import { realClock, type Clock } from '../util/clock.js';
import { TokenBucket } from '../util/token-bucket.js';
import { errorFromResponse, isStatusError } from './errors.js';
import { dumpBody, readBody, type HttpRequest, type HttpResponse, type HttpTransport } from './transport.js';

export interface RestOptions {
  servers: string[];
  transport: HttpTransport;
  /** e.g. "kube-scheduler/v0.1.0 (linux/x64) k8ts". */
  userAgent: string;
  token?: string;
  basicAuth?: { username: string; password: string };
  /** Requests per second after the burst; <= 0 disables the limiter. */
  qps?: number;
  burst?: number;
  /** Deadline for one call including its retries (ms); 0 = none. Streams are exempt once open. */
  timeoutMs?: number;
  maxRetries?: number;
  clock?: Clock;
  random?: () => number;
}

export interface CallOptions {
  method: HttpRequest['method'];
  path: string;
  query?: Record<string, string | number | boolean | string[] | undefined>;
  body?: unknown;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
  /** Safe to repeat after an unknown outcome (reads). Defaults to GET/HEAD. */
  idempotent?: boolean;
  /** Skip the rate limiter (continuations of a watch, which client-go's stream never re-requests). */
  noThrottle?: boolean;
  /** Overrides the client's deadline for this call (ms; 0 = none). */
  timeoutMs?: number;
}

/** A connection-level failure (no HTTP answer), after retries and failover ran out. */
export class ConnectionError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, cause !== undefined ? { cause } : undefined);
    this.name = 'ConnectionError';
  }
}
export const isConnectionError = (err: unknown): err is ConnectionError => err instanceof ConnectionError;

/** The call's deadline passed (client side). */
export class ClientTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClientTimeoutError';
  }
}
export const isClientTimeout = (err: unknown): err is ClientTimeoutError => err instanceof ClientTimeoutError;

// Error codes of failures that happened before the request left this process.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'EADDRNOTAVAIL']);

function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export function encodeQuery(query: CallOptions['query']): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    const values = Array.isArray(v) ? v : [v];
    for (const one of values) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(one))}`);
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

function header(headers: HttpResponse['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export class RestClient {
  readonly servers: string[];
  private current = 0;
  private readonly limiter: TokenBucket;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly maxRetries: number;
  private readonly authorization: string | undefined;

  constructor(private readonly opts: RestOptions) {
    if (opts.servers.length === 0) throw new Error('rest client: at least one apiserver URL is required');
    this.servers = opts.servers.map((s) => s.replace(/\/+$/, ''));
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? Math.random;
    this.maxRetries = opts.maxRetries ?? 10;
    this.limiter = new TokenBucket(opts.qps ?? 5, opts.burst ?? 10, this.clock);
    this.authorization = opts.token
      ? `Bearer ${opts.token}`
      : opts.basicAuth
        ? `Basic ${Buffer.from(`${opts.basicAuth.username}:${opts.basicAuth.password}`).toString('base64')}`
        : undefined;
  }

  /** The apiserver requests go to now. */
  get server(): string {
    return this.servers[this.current]!;
  }

  private failover(from: number): void {
    // Only move if nobody else moved already, so concurrent failures advance one step.
    if (this.current === from && this.servers.length > 1) this.current = (from + 1) % this.servers.length;
  }

  /**
   * Sends a request and returns the open response for any 2xx answer (the caller reads the body);
   * a non-2xx answer becomes a StatusError.
   */
  async stream(call: CallOptions): Promise<HttpResponse> {
    const idempotent = call.idempotent ?? (call.method === 'GET' || call.method === 'HEAD');
    const timeoutMs = call.timeoutMs ?? this.opts.timeoutMs ?? 0;
    const deadline = new AbortController();
    const onAbort = () => deadline.abort(call.signal!.reason);
    if (call.signal?.aborted) throw call.signal.reason;
    call.signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer = timeoutMs > 0 ? this.clock.setTimeout(() => { timedOut = true; deadline.abort(new ClientTimeoutError(`${call.method} ${call.path}: no answer within ${timeoutMs} ms`)); }, timeoutMs) : undefined;
    const unlink = () => call.signal?.removeEventListener('abort', onAbort);
    const cleanup = () => {
      if (timer) this.clock.clearTimeout(timer);
      unlink();
    };
    const signal = deadline.signal;
    const headers: Record<string, string> = { 'user-agent': this.opts.userAgent, accept: call.accept ?? 'application/json' };
    if (this.authorization) headers['authorization'] = this.authorization;
    let body: string | undefined;
    if (call.body !== undefined) {
      body = typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
      headers['content-type'] = call.contentType ?? 'application/json';
    }
    const path = call.path + encodeQuery(call.query);
    const backoff = new Backoff({ initialMs: 100, factor: 2, capMs: 5000, jitter: 0.5, random: this.random });
    let lastError: unknown;
    try {
      if (!call.noThrottle) await this.limiter.wait(signal);
      for (let attempt = 0; ; attempt++) {
        const serverIndex = this.current;
        const server = this.servers[serverIndex]!;
        let res: HttpResponse;
        try {
          res = await this.opts.transport.request(server, { method: call.method, path, headers, ...(body !== undefined ? { body } : {}), signal });
        } catch (err) {
          if (signal.aborted) throw timedOut ? signal.reason : (call.signal?.reason ?? err);
          lastError = err;
          const notSent = NOT_SENT.has(errorCode(err) ?? '');
          this.failover(serverIndex);
          if ((!notSent && !idempotent) || attempt >= this.maxRetries) {
            throw new ConnectionError(`${call.method} ${server}${call.path}: ${(err as Error).message}${notSent ? '' : ' (the request may have reached the server)'}`, err);
          }
          // A refused connection with another server to try is retried at once; a lone server backs off.
          if (!(notSent && this.servers.length > 1 && attempt < this.servers.length)) await this.clock.sleep(backoff.next(), signal);
          continue;
        }
        if (res.statusCode >= 200 && res.statusCode < 300) {
          // The deadline covers the answer's arrival; the caller's signal still ends the body (a
          // watch or a followed log is stopped by aborting it), and is let go once the body ends.
          if (timer) this.clock.clearTimeout(timer);
          return { ...res, body: releasing(res.body, unlink) };
        }
        const text = await readBody(res.body, 4 * 1024 * 1024).catch(() => '');
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : text;
        } catch {
          // not JSON: errorFromResponse keeps the text as the message
        }
        const error = errorFromResponse(res.statusCode, parsed);
        lastError = error;
        const code = res.statusCode;
        const retryable = code === 429 || code === 503 || (idempotent && (code === 500 || code === 502 || code === 504));
        if (!retryable || attempt >= this.maxRetries) throw error;
        if (code === 503 || code === 502) this.failover(serverIndex);
        const retryAfter = Number(header(res.headers, 'retry-after') ?? error.status.details?.retryAfterSeconds);
        const wait = Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 60) * 1000 : backoff.next();
        await this.clock.sleep(wait, signal);
      }
    } catch (err) {
      cleanup();
      if (timedOut && signal.aborted) throw signal.reason;
      if (call.signal?.aborted) throw call.signal.reason;
      if (isStatusError(err) || err instanceof ConnectionError) throw err;
      throw lastError instanceof Error ? lastError : err;
    }
  }

  /** Sends a request and parses the JSON answer. */
  async json<T = unknown>(call: CallOptions): Promise<T> {
    const res = await this.stream(call);
    const text = await readBody(res.body);
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(`${call.method} ${call.path}: the server answered ${res.statusCode} with a body that is not JSON: ${text.slice(0, 200)}`);
    }
  }

  /** Sends a request and returns the answer's text (pods/log). */
  async text(call: CallOptions): Promise<string> {
    const res = await this.stream(call);
    return readBody(res.body);
  }

  async discard(call: CallOptions): Promise<void> {
    const res = await this.stream(call);
    await dumpBody(res.body);
  }

  close(): Promise<void> {
    return this.opts.transport.close();
  }
}

/** The body as it arrives; `release` runs once it ends, fails or is abandoned. */
async function* releasing(body: AsyncIterable<Uint8Array>, release: () => void): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of body) yield chunk;
  } finally {
    release();
  }
}
