// The client-facing HTTP API of a store member (documented in store/README.md). Bodies are
// size-bounded and schema-checked before they reach the member; every failure is a stable
// `{error: {code, message}}` body, never a crash.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type * as p from '../lib/store-client/protocol.js';
import { ERROR_SHAPE_OPTIONS, installErrorShape } from './http-errors.js';
import { ServiceError, type KvService } from './service.js';

/** etcd accepts requests up to ~1.5 MiB; JSON escaping can inflate a value, so allow some slack. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;
/** A watcher whose socket has this much unsent data is cut off (the client re-watches). */
const WATCH_MAX_BUFFERED = 8 * 1024 * 1024;

const str = { type: 'string' } as const;
const int = { type: 'integer', minimum: 0 } as const;
const bool = { type: 'boolean' } as const;
const leaseId = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
const obj = (properties: Record<string, unknown>, required: string[]) => ({ type: 'object', properties, required, additionalProperties: false });
const rangeSchema = obj({ key: str, rangeEnd: str, prefix: bool, limit: int, revision: int, countOnly: bool, keysOnly: bool, serializable: bool, sortOrder: str, sortTarget: str }, ['key']);
const putSchema = obj({ key: str, value: str, lease: leaseId, prevKv: bool, ignoreValue: bool, ignoreLease: bool }, ['key', 'value']);
const deleteSchema = obj({ key: str, rangeEnd: str, prefix: bool, prevKv: bool }, ['key']);
// Txn ops are checked in depth by the MVCC command parser (same rules on every replica).
const txnSchema = obj({ compare: { type: 'array', maxItems: 1024 }, success: { type: 'array', maxItems: 1024 }, failure: { type: 'array', maxItems: 1024 } }, []);
const watchSchema = obj({ key: str, rangeEnd: str, prefix: bool, startRevision: int, prevKv: bool, filters: { type: 'array', items: str } }, ['key']);

export interface HttpOptions {
  service: KvService;
  registry?: Registry;
  /** Mounts /healthz, /livez, /readyz and /metrics instead of the built-in ones (the process harness's). */
  ops?: (app: FastifyInstance) => void;
  /** Extra routes (the peer transport) mounted on the same server. */
  extraRoutes?: (app: FastifyInstance) => void;
  logger?: boolean | object;
}

export function buildHttp(opts: HttpOptions): FastifyInstance {
  const app = Fastify({
    ...ERROR_SHAPE_OPTIONS,
    bodyLimit: MAX_BODY_BYTES,
    logger: opts.logger ?? false,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
  });
  const svc = opts.service;
  installErrorShape(app, { bodyLimit: MAX_BODY_BYTES });

  const post = <Req, Res>(path: string, schema: object, handler: (body: Req) => Promise<Res>) =>
    app.post(path, { schema: { body: schema } }, async (req) => handler(req.body as Req));

  post('/v3/kv/range', rangeSchema, (b: p.RangeRequest) => svc.range(b));
  post('/v3/kv/put', putSchema, (b: p.PutRequest) => svc.put(b));
  post('/v3/kv/deleterange', deleteSchema, (b: p.DeleteRangeRequest) => svc.deleteRange(b));
  post('/v3/kv/txn', txnSchema, (b: p.TxnRequest) => svc.txn({ compare: b.compare ?? [], success: b.success ?? [], failure: b.failure ?? [] }));
  post('/v3/kv/compaction', obj({ revision: int }, ['revision']), (b: p.CompactionRequest) => svc.compact(b));
  post('/v3/lease/grant', obj({ ttl: { type: 'integer', minimum: 1, maximum: 9_000_000_000 }, id: leaseId }, ['ttl']), (b: p.LeaseGrantRequest) => svc.leaseGrant(b));
  post('/v3/lease/revoke', obj({ id: leaseId }, ['id']), (b: p.LeaseIdRequest) => svc.leaseRevoke(b));
  post('/v3/lease/keepalive', obj({ id: leaseId }, ['id']), (b: p.LeaseIdRequest) => svc.leaseKeepAlive(b));
  post('/v3/lease/timetolive', obj({ id: leaseId, keys: bool }, ['id']), (b: p.LeaseIdRequest & { keys?: boolean }) => svc.leaseTimeToLive(b));

  app.post('/v3/watch', { schema: { body: watchSchema } }, (req, reply) => {
    const body = req.body as p.WatchRequest;
    const raw = reply.raw;
    let cancel: (() => void) | undefined;
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      cancel?.();
      raw.end();
    };
    // Headers go out first so a client sees the watch established; a compacted start revision is
    // then reported in-stream as a canceled response carrying compactRevision (as etcd does).
    reply.hijack();
    raw.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-cache' });
    raw.flushHeaders();
    req.raw.socket.on('close', close);
    raw.on('close', close);
    try {
      cancel = svc.watch(body, {
        send(msg) {
          if (closed) return false;
          raw.write(`${JSON.stringify(msg)}\n`);
          if (raw.writableLength > WATCH_MAX_BUFFERED) {
            raw.write(`${JSON.stringify({ ...msg, events: [], canceled: true, cancelReason: 'watcher too slow: buffer limit exceeded; re-watch from the last revision received' })}\n`);
            close();
            return false;
          }
          return true;
        },
        close,
      });
      if (closed) cancel();
    } catch (err) {
      const e = err instanceof ServiceError ? err : new ServiceError('internal', String((err as Error)?.message ?? err));
      const header = svc.status().header;
      const msg: p.WatchResponse = { header, events: [], canceled: true, cancelReason: e.message };
      if (e.extra.compactRevision !== undefined) msg.compactRevision = e.extra.compactRevision;
      raw.write(`${JSON.stringify(msg)}\n`);
      close();
    }
    return reply;
  });

  app.get('/status', async () => svc.status());
  if (opts.ops) opts.ops(app);
  else {
    app.get('/healthz', async (_req, reply) => reply.type('text/plain').send('ok'));
    app.get('/readyz', async (_req, reply) => {
      const r = svc.ready();
      return reply.code(r.ok ? 200 : 503).type('text/plain').send(r.ok ? 'ok' : `not ready: ${r.reason ?? 'unknown'}`);
    });
    if (opts.registry) {
      const registry = opts.registry;
      app.get('/metrics', async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()));
    }
  }
  opts.extraRoutes?.(app);
  return app;
}
