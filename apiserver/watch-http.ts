// The two watch forms over one watch cache (DESIGN §4):
// - streaming: chunked newline-delimited {"type","object"} events, headers flushed at once, as
//   kubectl and client-go expect; Table-form objects when the client asked for Tables;
// - long-poll (`longPoll=true`, our components): answers as soon as events newer than
//   resourceVersion exist (all of them, batched) or an empty batch at timeoutSeconds.
import type { ServerResponse } from 'node:http';
import { status, type Status } from '../lib/api/status.js';
import type { KubeObject } from '../lib/api/types.js';
import type { FieldSelector } from '../lib/api/fields.js';
import { tableFor } from '../lib/api/printers/index.js';
import type { ApiDeps } from './deps.js';
import { responseForm } from './negotiation.js';
import { q, selectorsFrom, type Reply, type RequestInfo } from './request.js';
import { ApiError } from '../lib/api/errors.js';
import type { WatchEvent, WatchOptions } from './storage/interfaces.js';

/** Unsent bytes after which a streaming watcher is cut off (it re-lists and watches again). */
const MAX_BUFFERED = 16 * 1024 * 1024;
/** kube-apiserver's default --min-request-timeout: watches last 30–60 minutes unless asked otherwise. */
const DEFAULT_TIMEOUT_SECONDS = 1800;
const MAX_LONG_POLL_SECONDS = 600;

function timeoutSeconds(req: RequestInfo, random: () => number): number {
  const t = q(req.query, 'timeoutSeconds');
  if (t === undefined || t === '') return Math.floor(DEFAULT_TIMEOUT_SECONDS * (1 + random()));
  const n = Number(t);
  if (!Number.isFinite(n) || n < 0) throw new ApiError(status.badRequest(`invalid timeoutSeconds ${JSON.stringify(t)}`));
  return n;
}

function watchOptions(req: RequestInfo): WatchOptions {
  const opts: WatchOptions = selectorsFrom(req, req.path.resource);
  const rv = q(req.query, 'resourceVersion');
  if (rv !== undefined && rv !== '') {
    if (!/^\d+$/.test(rv)) throw new ApiError(status.badRequest(`invalid resourceVersion ${JSON.stringify(rv)}: must be a number`));
    opts.resourceVersion = rv;
  }
  // A watch on one named object (GET …/pods/x?watch=true) is a watch with a name field selector.
  if (req.path.name !== undefined) {
    const existing: FieldSelector | undefined = opts.fieldSelector;
    opts.fieldSelector = {
      requirements: [...(existing?.requirements ?? []), { field: 'metadata.name', operator: '=', value: req.path.name }],
      ...(existing?.matchesNothing ? { matchesNothing: true } : {}),
    };
  }
  return opts;
}

/** Long-poll: one JSON answer. */
export async function longPoll(deps: ApiDeps, req: RequestInfo, signal: AbortSignal): Promise<Reply> {
  const res = req.path.resource;
  const opts = watchOptions(req);
  if (opts.resourceVersion === undefined) throw new ApiError(status.badRequest('a long-poll watch needs resourceVersion: list first, then poll from the list\'s resourceVersion'));
  const cache = deps.cacheFor(res);
  await cache.ready();
  const seconds = Math.min(timeoutSeconds(req, deps.random), MAX_LONG_POLL_SECONDS);
  const result = await cache.poll(req.path.namespace, { ...opts, resourceVersion: opts.resourceVersion }, seconds * 1000, signal);
  return {
    code: 200,
    body: { kind: 'WatchEventList', apiVersion: 'k8ts.io/v1', metadata: { resourceVersion: result.resourceVersion }, events: result.events.map((e) => ({ type: e.type, object: e.object })) },
  };
}

function encodeEvent(ev: WatchEvent, table: boolean, deps: ApiDeps, kind: string): string {
  if (table && ev.type !== 'ERROR' && ev.type !== 'BOOKMARK') {
    const t = tableFor(kind, [ev.object as KubeObject], { now: deps.clock.now(), noHeaders: true });
    return `{"type":"${ev.type}","object":${JSON.stringify(t)}}\n`;
  }
  const cached = (ev as WatchEvent & { json?: string }).json;
  return `{"type":"${ev.type}","object":${cached ?? JSON.stringify(ev.object)}}\n`;
}

/** Streaming watch: writes to the raw response until timeout, client close, or a slow client. */
export async function streamWatch(deps: ApiDeps, req: RequestInfo, raw: ServerResponse): Promise<void> {
  const res = req.path.resource;
  const opts = watchOptions(req);
  const seconds = timeoutSeconds(req, deps.random);
  const table = responseForm(typeof req.headers['accept'] === 'string' ? req.headers['accept'] : undefined) === 'table';
  const cache = deps.cacheFor(res);
  await cache.ready();

  raw.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private', 'transfer-encoding': 'chunked' });
  raw.flushHeaders();
  const gauge = deps.metrics.watchers.labels({ group: res.group, resource: res.plural });
  gauge.inc();
  let closed = false;
  let cancel: (() => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const done = new Promise<void>((resolve) => {
    const finish = () => {
      if (closed) return;
      closed = true;
      cancel?.();
      if (timer) clearTimeout(timer);
      gauge.dec();
      raw.end();
      resolve();
    };
    raw.on('close', finish);
    raw.on('error', finish);
    timer = setTimeout(finish, seconds * 1000);
    try {
      cancel = cache.watch(req.path.namespace, opts, (events) => {
        if (closed) return false;
        let chunk = '';
        for (const ev of events) chunk += encodeEvent(ev, table, deps, res.kind);
        raw.write(chunk);
        // An ERROR event (410 after a relist, 503 on shutdown) is the last thing a watch sends.
        if (events.some((e) => e.type === 'ERROR') || raw.writableLength > MAX_BUFFERED) {
          finish();
          return false;
        }
        return true;
      });
      if (closed) cancel();
    } catch (err) {
      const st: Status = err instanceof ApiError ? err.status : status.internalError(err);
      raw.write(`${JSON.stringify({ type: 'ERROR', object: st })}\n`);
      finish();
    }
  });
  await done;
}
