// The store client: speaks the protocol in protocol.ts to a list of members. It sticks to one
// member while it works, moves to the next on connection failure or "no leader", retries
// operations that are safe to repeat, and never blindly retries a write whose outcome is unknown.
import { Agent, request, type Dispatcher } from 'undici';
import { Backoff } from '../util/backoff.js';
import { realClock, type Clock } from '../util/clock.js';
import { StoreError, type ClientErrorCode } from './errors.js';
import type * as p from './protocol.js';

export interface StoreClientOptions {
  /** Base URLs of the members, e.g. ['http://127.0.0.1:2379']. */
  endpoints: string[];
  /** Per-request deadline. */
  timeoutMs?: number;
  /** Total time a retried operation may take before giving up. */
  retryBudgetMs?: number;
  dispatcher?: Dispatcher;
  clock?: Clock;
  random?: () => number;
}

type Op = { path: string; idempotent: boolean };
const OPS = {
  range: { path: '/v3/kv/range', idempotent: true },
  put: { path: '/v3/kv/put', idempotent: false },
  deleteRange: { path: '/v3/kv/deleterange', idempotent: false },
  txn: { path: '/v3/kv/txn', idempotent: false },
  compact: { path: '/v3/kv/compaction', idempotent: true },
  leaseGrant: { path: '/v3/lease/grant', idempotent: false },
  leaseRevoke: { path: '/v3/lease/revoke', idempotent: true },
  leaseKeepAlive: { path: '/v3/lease/keepalive', idempotent: true },
  leaseTimeToLive: { path: '/v3/lease/timetolive', idempotent: true },
} satisfies Record<string, Op>;

// Errors raised before a request reached the server: safe to retry anything elsewhere.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export class StoreClient {
  private readonly endpoints: string[];
  private readonly timeoutMs: number;
  private readonly retryBudgetMs: number;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly clock: Clock;
  private readonly random: () => number;
  private current = 0;
  private closed = false;

  constructor(opts: StoreClientOptions) {
    if (opts.endpoints.length === 0) throw new Error('store client: at least one endpoint is required');
    this.endpoints = opts.endpoints.map((e) => e.replace(/\/+$/, ''));
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.retryBudgetMs = opts.retryBudgetMs ?? 15_000;
    this.ownsDispatcher = !opts.dispatcher;
    this.dispatcher = opts.dispatcher ?? new Agent({ keepAliveTimeout: 30_000, pipelining: 1 });
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? Math.random;
  }

  get endpoint(): string {
    return this.endpoints[this.current]!;
  }

  range(req: p.RangeRequest): Promise<p.RangeResponse> {
    return this.call(OPS.range, req);
  }
  get(key: string, opts: Omit<p.RangeRequest, 'key'> = {}): Promise<p.KeyValue | undefined> {
    return this.range({ ...opts, key }).then((r) => r.kvs[0]);
  }
  put(req: p.PutRequest): Promise<p.PutResponse> {
    return this.call(OPS.put, req);
  }
  deleteRange(req: p.DeleteRangeRequest): Promise<p.DeleteRangeResponse> {
    return this.call(OPS.deleteRange, req);
  }
  txn(req: p.TxnRequest): Promise<p.TxnResponse> {
    return this.call(OPS.txn, req);
  }
  compact(revision: number): Promise<p.CompactionResponse> {
    return this.call(OPS.compact, { revision });
  }
  leaseGrant(ttl: number, id?: number): Promise<p.LeaseGrantResponse> {
    return this.call(OPS.leaseGrant, id === undefined ? { ttl } : { ttl, id });
  }
  leaseRevoke(id: number): Promise<{ header: p.ResponseHeader }> {
    return this.call(OPS.leaseRevoke, { id });
  }
  leaseKeepAlive(id: number): Promise<p.LeaseKeepAliveResponse> {
    return this.call(OPS.leaseKeepAlive, { id });
  }
  leaseTimeToLive(id: number, keys = false): Promise<p.LeaseTimeToLiveResponse> {
    return this.call(OPS.leaseTimeToLive, { id, keys });
  }

  /** Status of one member (default: the current one); no failover, so callers see who answered. */
  async status(endpoint = this.endpoint): Promise<p.StatusResponse> {
    const res = await this.send('GET', endpoint, '/status', undefined);
    return res as p.StatusResponse;
  }

  /**
   * Watches from `startRevision` and yields batches of events in revision order, each exactly once.
   * A broken stream is resumed on another member from the next revision. A compacted start
   * revision throws StoreError('compacted') carrying compactRevision.
   */
  async *watch(req: p.WatchRequest, signal?: AbortSignal): AsyncGenerator<p.WatchResponse> {
    let next = req.startRevision;
    const backoff = new Backoff({ initialMs: 50, capMs: 2000, random: this.random });
    let failures = 0;
    while (!signal?.aborted && !this.closed) {
      const endpoint = this.endpoint;
      let body: Dispatcher.ResponseData['body'] | undefined;
      try {
        const res = await request(`${endpoint}/v3/watch`, {
          method: 'POST',
          dispatcher: this.dispatcher,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(next === undefined ? req : { ...req, startRevision: next }),
          signal,
          headersTimeout: this.timeoutMs,
          bodyTimeout: 0,
        });
        body = res.body;
        if (res.statusCode !== 200) throw errorFromBody(res.statusCode, await res.body.json().catch(() => undefined));
        let buffered = '';
        for await (const chunk of res.body) {
          buffered += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
          let nl: number;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl);
            buffered = buffered.slice(nl + 1);
            if (line.trim() === '') continue;
            const msg = JSON.parse(line) as p.WatchResponse;
            if (msg.canceled) {
              if (msg.compactRevision !== undefined) {
                throw new StoreError('compacted', msg.cancelReason ?? `required revision ${next} has been compacted`, { compactRevision: msg.compactRevision });
              }
              throw new StoreError('unavailable', msg.cancelReason ?? 'watch canceled by the server');
            }
            failures = 0;
            backoff.reset();
            if (msg.created) {
              // Anchor the resume point: nothing before the creation revision is owed to us.
              if (next === undefined) next = msg.header.revision + 1;
              continue;
            }
            if (msg.events.length > 0) next = msg.events[msg.events.length - 1]!.kv.modRevision + 1;
            yield msg;
          }
        }
        throw new StoreError('unavailable', 'watch stream ended');
      } catch (err) {
        body?.destroy();
        if (signal?.aborted) return;
        if (err instanceof StoreError && (err.code === 'compacted' || err.code === 'badRequest')) throw err;
        if (++failures > 50) throw err;
        this.rotate();
        await this.clock.sleep(backoff.next(), signal).catch(() => undefined);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private rotate(): void {
    this.current = (this.current + 1) % this.endpoints.length;
  }

  private async call<T>(op: Op, body: unknown): Promise<T> {
    const deadline = this.clock.now() + this.retryBudgetMs;
    const backoff = new Backoff({ initialMs: 25, capMs: 1000, random: this.random });
    for (let attempt = 0; ; attempt++) {
      try {
        return (await this.send('POST', this.endpoint, op.path, body)) as T;
      } catch (err) {
        const e = asStoreError(err);
        const retriable = e.code === 'unavailable' || e.code === 'noLeader' || e.code === 'stopped' || e.code === 'timeout' || e.code === 'notLeader';
        if (!retriable || (e.outcomeUnknown && !op.idempotent) || this.closed) throw e;
        if (this.clock.now() >= deadline || attempt > 100) throw e;
        this.rotate();
        await this.clock.sleep(backoff.next());
      }
    }
  }

  private async send(method: 'GET' | 'POST', endpoint: string, path: string, body: unknown): Promise<unknown> {
    let sent = false;
    try {
      const res = await request(`${endpoint}${path}`, {
        method,
        dispatcher: this.dispatcher,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? null : JSON.stringify(body),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      sent = true;
      const text = await res.body.text();
      let parsed: unknown;
      try {
        parsed = text.length > 0 ? JSON.parse(text) : undefined;
      } catch {
        parsed = text;
      }
      if (res.statusCode >= 200 && res.statusCode < 300) return parsed;
      throw errorFromBody(res.statusCode, parsed);
    } catch (err) {
      if (err instanceof StoreError) throw err;
      const code = (err as { code?: string }).code ?? '';
      // Not sent for sure → the server never saw it. Otherwise it may have.
      const notSent = !sent && NOT_SENT.has(code);
      throw new StoreError('unavailable', `store ${endpoint}${path}: ${(err as Error).message}${code ? ` (${code})` : ''}`, {
        outcomeUnknown: !notSent,
        cause: err,
      });
    }
  }
}

function errorFromBody(httpStatus: number, body: unknown): StoreError {
  const e = (body as Partial<p.StoreErrorBody> | undefined)?.error;
  if (e && typeof e.code === 'string') {
    const opts: { httpStatus: number; compactRevision?: number; outcomeUnknown?: boolean } = { httpStatus };
    if (e.compactRevision !== undefined) opts.compactRevision = e.compactRevision;
    // A commit timeout means the proposal may still be applied later.
    if (e.code === 'timeout') opts.outcomeUnknown = true;
    return new StoreError(e.code as ClientErrorCode, e.message ?? e.code, opts);
  }
  return new StoreError(httpStatus >= 500 ? 'unavailable' : 'badRequest', `store answered HTTP ${httpStatus}: ${String(body ?? '').slice(0, 200)}`, {
    httpStatus,
    outcomeUnknown: httpStatus >= 500,
  });
}

function asStoreError(err: unknown): StoreError {
  return err instanceof StoreError ? err : new StoreError('internal', String(err), { outcomeUnknown: true, cause: err });
}
