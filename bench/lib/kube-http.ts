// A thin HTTP client for benchmarking the Kubernetes REST API: one undici Pool (keep-alive, a
// fixed number of connections) so N closed-loop workers get N connections, and no client-side
// machinery (retries, decoding layers) between the timer and the wire.
import { Pool } from 'undici';

export class KubeHttpError extends Error {
  override name = 'KubeHttpError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly statusCode: number,
    body: string,
  ) {
    super(`${method} ${path}: HTTP ${statusCode}: ${summarizeStatus(body)}`);
  }
}

/** The message of a metav1.Status body, or the start of whatever else came back. */
export function summarizeStatus(body: string): string {
  try {
    const st = JSON.parse(body) as { reason?: unknown; message?: unknown };
    if (typeof st.message === 'string') return typeof st.reason === 'string' && st.reason ? `${st.reason}: ${st.message}` : st.message;
  } catch {
    // Not JSON.
  }
  return body.length > 200 ? `${body.slice(0, 200)}…` : body;
}

export class KubeHttp {
  private readonly pool: Pool;

  constructor(
    readonly baseUrl: string,
    readonly connections: number,
    private readonly timeoutMs = 30_000,
  ) {
    if (!(Number.isInteger(connections) && connections >= 1)) throw new RangeError(`connections must be an integer >= 1, got ${connections}`);
    this.pool = new Pool(baseUrl, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  }

  /** Sends one request and returns the raw body text; non-2xx answers throw KubeHttpError. */
  async text(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<string> {
    const res = await this.pool.request({
      method,
      path,
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    const text = await res.body.text();
    if (res.statusCode < 200 || res.statusCode > 299) throw new KubeHttpError(method, path, res.statusCode, text);
    return text;
  }

  /** As text(), parsed. */
  async json<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
    return JSON.parse(await this.text(method, path, body)) as T;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
