// The HTTP layer under the REST client, behind a small interface so tests inject a fake: one
// keep-alive undici Pool per apiserver, TLS and credentials from the RestConfig.
import { Pool } from 'undici';
import type { RestConfig } from './kubeconfig.js';

export type Headers = Record<string, string | string[] | undefined>;

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  /** Path and query, e.g. /api/v1/namespaces/default/pods?limit=500. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface HttpResponse {
  statusCode: number;
  headers: Headers;
  /** The body as it arrives; consume it (or dump it) to free the connection. */
  body: AsyncIterable<Uint8Array>;
}

export interface HttpTransport {
  request(server: string, req: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

export async function readBody(body: AsyncIterable<Uint8Array>, limit = 256 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body) {
    size += c.length;
    if (size > limit) throw new Error(`response body larger than ${limit} bytes`);
    chunks.push(Buffer.from(c));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads and discards a body (keeps the connection reusable). */
export async function dumpBody(body: AsyncIterable<Uint8Array>): Promise<void> {
  const b = body as { dump?: () => Promise<void> };
  if (typeof b.dump === 'function') return b.dump().catch(() => undefined);
  try {
    for await (const _ of body) void _;
  } catch {
    // the connection is gone anyway
  }
}

export interface UndiciTransportOptions {
  tls?: RestConfig['tls'];
  /** Connections per apiserver (watches hold one each for their lifetime). */
  connections?: number;
  connectTimeoutMs?: number;
}

/** The real transport: a keep-alive Pool per server. */
export class UndiciTransport implements HttpTransport {
  private readonly pools = new Map<string, Pool>();
  constructor(private readonly opts: UndiciTransportOptions = {}) {}

  private pool(server: string): Pool {
    let p = this.pools.get(server);
    if (!p) {
      const tls = this.opts.tls;
      p = new Pool(server, {
        connections: this.opts.connections ?? 64,
        keepAliveTimeout: 30_000,
        // Watches and log streams last as long as the caller wants; timeouts are the client's job.
        headersTimeout: 0,
        bodyTimeout: 0,
        connect: {
          timeout: this.opts.connectTimeoutMs ?? 5000,
          ...(tls?.ca ? { ca: tls.ca } : {}),
          ...(tls?.cert ? { cert: tls.cert, key: tls.key } : {}),
          ...(tls?.insecureSkipVerify ? { rejectUnauthorized: false } : {}),
          ...(tls?.serverName ? { servername: tls.serverName } : {}),
        },
      });
      this.pools.set(server, p);
    }
    return p;
  }

  async request(server: string, req: HttpRequest): Promise<HttpResponse> {
    const res = await this.pool(server).request({
      method: req.method,
      path: req.path,
      headers: req.headers,
      ...(req.body !== undefined ? { body: req.body } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
    });
    return { statusCode: res.statusCode, headers: res.headers, body: res.body };
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.destroy().catch(() => undefined)));
  }
}
