// A scripted HTTP transport for client tests: each request is recorded and answered by a handler
// (a status + JSON body, a stream of chunks, or a thrown connection error), no sockets involved.
import type { FakeClock } from '../../lib/util/clock.js';
import type { HttpRequest, HttpResponse, HttpTransport } from '../../lib/client/transport.js';

export interface Recorded extends HttpRequest {
  server: string;
}

export type Answer =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { status: number; chunks: AsyncIterable<string | Uint8Array> | (string | Uint8Array)[]; headers?: Record<string, string> };

export type Handler = (req: Recorded, n: number) => Answer | Promise<Answer>;

export class FakeTransport implements HttpTransport {
  readonly requests: Recorded[] = [];
  closed = false;
  constructor(public handler: Handler) {}

  async request(server: string, req: HttpRequest): Promise<HttpResponse> {
    const rec = { ...req, server };
    this.requests.push(rec);
    if (req.signal?.aborted) throw req.signal.reason;
    const a = await this.handler(rec, this.requests.length - 1);
    const headers = { 'content-type': 'application/json', ...(a.headers ?? {}) };
    if ('chunks' in a) {
      const chunks = a.chunks;
      const signal = req.signal;
      async function* body(): AsyncGenerator<Uint8Array> {
        for await (const c of chunks as AsyncIterable<string | Uint8Array>) {
          if (signal?.aborted) throw signal.reason;
          yield typeof c === 'string' ? Buffer.from(c) : c;
        }
      }
      return { statusCode: a.status, headers, body: body() };
    }
    const text = a.body === undefined ? '' : typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
    return { statusCode: a.status, headers, body: (async function* () { if (text) yield Buffer.from(text); })() };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** An error shaped like undici's for a refused connection (never sent). */
export function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
}
/** An error shaped like a connection reset after the request went out. */
export function reset(): Error {
  return Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
}

export function status(code: number, reason: string, message = reason, extra: Record<string, unknown> = {}): Answer {
  return { status: code, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code, ...extra } };
}

/**
 * Settles `p` while moving the fake clock: flush pending promise work, then jump to the next timer,
 * until p settles. Bounded in steps so a bug cannot spin forever.
 */
export async function drive<T>(clock: FakeClock, p: Promise<T>, maxSteps = 10_000): Promise<T> {
  let settled = false;
  const watched = p.finally(() => {
    settled = true;
  });
  watched.catch(() => undefined);
  for (let i = 0; i < maxSteps && !settled; i++) {
    await flush();
    if (settled) break;
    const at = clock.nextTimerAt();
    if (at !== undefined) clock.advance(Math.max(0, at - clock.now()));
  }
  if (!settled) throw new Error(`drive: promise did not settle within ${maxSteps} steps`);
  return watched;
}

export async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}

/** The error p rejects with (fails loudly if it resolves). */
export async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
