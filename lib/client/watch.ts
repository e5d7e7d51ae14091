// Watches as one async iterator of {type, object} events over either form the apiserver serves:
// - long-poll (our components): GET …?watch=true&longPoll=true&resourceVersion=N answers with every
//   event newer than N (batched) or an empty batch at timeoutSeconds, plus the revision to poll from
//   next; when that revision moved without events for us (filtered out) it becomes a BOOKMARK;
// - streaming (what kubectl and client-go use): newline-delimited events on one chunked response.
// Either way the iterator resumes from the last resourceVersion it saw after a disconnect, a server
// timeout or a 5xx, with backoff; a 410 Expired (or ERROR event carrying one) ends it with a
// StatusError for which isResourceExpired() is true: the caller must re-list.
import { Backoff } from '../util/backoff.js';
import { realClock, type Clock } from '../util/clock.js';
import type { KubeObject } from '../api/types.js';
import { isStatus } from '../api/status.js';
import { StatusError, errorFromResponse, isResourceExpired, isStatusError } from './errors.js';
import type { RestClient } from './rest.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent<T = KubeObject> {
  type: WatchEventType;
  object: T;
}

export type WatchMode = 'longPoll' | 'stream';

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Start after this revision. Absent or "0": first an ADDED event per current object. */
  resourceVersion?: string;
  mode?: WatchMode;
  /** Per request: how long one poll or stream lasts before it is renewed (seconds). */
  timeoutSeconds?: number;
  /** Resume after disconnects (default). false: end the iterator when the first request ends. */
  resume?: boolean;
  signal?: AbortSignal;
}

export interface WatchDeps {
  rest: RestClient;
  clock?: Clock;
  random?: () => number;
  /** Called on each failed attempt that will be retried (for logs and metrics). */
  onRetry?: (err: unknown, delayMs: number) => void;
}

/** List used to start a long-poll watch without a resourceVersion. */
export type ListFn<T> = (signal?: AbortSignal) => Promise<{ items: T[]; metadata?: { resourceVersion?: string } }>;

/** An object's metadata.resourceVersion, or undefined when it has none. */
export function resourceVersionOf(obj: unknown): string | undefined {
  const rv = (obj as { metadata?: { resourceVersion?: unknown } } | undefined)?.metadata?.resourceVersion;
  return typeof rv === 'string' && rv !== '' ? rv : undefined;
}

/** Errors after which a watch may resume: connection failures, server timeouts, 5xx, 429. */
function resumable(err: unknown): boolean {
  if (!isStatusError(err)) return true;
  if (isResourceExpired(err)) return false;
  return err.code >= 500 || err.code === 429;
}

function errorEvent(object: unknown): StatusError {
  if (isStatus(object)) return new StatusError(object);
  return errorFromResponse(500, `watch ERROR event without a Status: ${JSON.stringify(object).slice(0, 200)}`);
}

/** The events one by one (what most callers want); see watchBatches. */
export async function* watchEvents<T = KubeObject>(deps: WatchDeps, path: string, opts: WatchOptions, list: ListFn<T>): AsyncGenerator<WatchEvent<T>, void, undefined> {
  for await (const batch of watchBatches(deps, path, opts, list)) yield* batch;
}

/**
 * The events as they arrive: one array per long-poll answer or per chunk read off a stream. An
 * informer handles thousands of events a second; taking them a batch at a time spares it an
 * await per event.
 */
export async function* watchBatches<T = KubeObject>(
  deps: WatchDeps,
  path: string,
  opts: WatchOptions,
  list: ListFn<T>,
): AsyncGenerator<WatchEvent<T>[], void, undefined> {
  const clock = deps.clock ?? realClock;
  const mode = opts.mode ?? 'longPoll';
  const timeoutSeconds = opts.timeoutSeconds ?? (mode === 'longPoll' ? 30 : 300);
  const resume = opts.resume ?? true;
  const signal = opts.signal;
  const backoff = new Backoff({ initialMs: 200, factor: 2, capMs: 10_000, jitter: 0.5, random: deps.random ?? Math.random });
  const selectors = {
    ...(opts.labelSelector ? { labelSelector: opts.labelSelector } : {}),
    ...(opts.fieldSelector ? { fieldSelector: opts.fieldSelector } : {}),
  };
  let rv = opts.resourceVersion;

  if (mode === 'longPoll' && (rv === undefined || rv === '' || rv === '0')) {
    // A long poll needs a starting revision: list, replay the state as ADDED, go on from there.
    const l = await list(signal);
    if (l.items.length > 0) yield l.items.map((item) => ({ type: 'ADDED' as const, object: item }));
    rv = l.metadata?.resourceVersion;
    if (!rv) throw new Error(`${path}: the list answered without a resourceVersion`);
  }

  let first = true;
  while (!signal?.aborted) {
    try {
      if (mode === 'longPoll') {
        const body = await deps.rest.json<{ metadata?: { resourceVersion?: string }; events?: { type: string; object: unknown }[] }>({
          method: 'GET',
          path,
          query: { ...selectors, watch: 'true', longPoll: 'true', resourceVersion: rv!, timeoutSeconds },
          ...(signal ? { signal } : {}),
          // One poll after another is what a single stream is to client-go: only the first is throttled.
          noThrottle: !first,
          timeoutMs: (timeoutSeconds + 30) * 1000,
        });
        first = false;
        backoff.reset();
        const batch: WatchEvent<T>[] = [];
        let failed: StatusError | undefined;
        for (const ev of body.events ?? []) {
          if (ev.type === 'ERROR') {
            failed = errorEvent(ev.object);
            break;
          }
          const next = resourceVersionOf(ev.object);
          if (next) rv = next;
          batch.push({ type: ev.type as WatchEventType, object: ev.object as T });
        }
        // rv is the last event's revision by now: a newer one means progress with nothing for us.
        const next = body.metadata?.resourceVersion;
        if (!failed && next && next !== rv) {
          rv = next;
          batch.push({ type: 'BOOKMARK', object: { metadata: { resourceVersion: next } } as T });
        }
        if (batch.length > 0) yield batch;
        if (failed) throw failed;
      } else {
        const res = await deps.rest.stream({
          method: 'GET',
          path,
          query: { ...selectors, watch: 'true', allowWatchBookmarks: 'true', ...(rv !== undefined && rv !== '' ? { resourceVersion: rv } : {}), timeoutSeconds },
          ...(signal ? { signal } : {}),
          noThrottle: !first,
          timeoutMs: 0,
        });
        first = false;
        // A decoder that keeps a multi-byte character split across chunks whole.
        const decoder = new TextDecoder('utf-8');
        let buffered = '';
        let sawEvent = false;
        for await (const chunk of res.body) {
          buffered += decoder.decode(chunk, { stream: true });
          const batch: WatchEvent<T>[] = [];
          let failed: StatusError | undefined;
          let start = 0;
          let nl: number;
          while ((nl = buffered.indexOf('\n', start)) >= 0) {
            const line = buffered.slice(start, nl).trim();
            start = nl + 1;
            if (line === '') continue;
            let ev: { type?: string; object?: unknown };
            try {
              ev = JSON.parse(line) as typeof ev;
            } catch {
              if (batch.length > 0) yield batch;
              throw new Error(`${path}: watch stream sent a line that is not JSON: ${line.slice(0, 200)}`);
            }
            if (ev.type === 'ERROR') {
              failed = errorEvent(ev.object);
              break;
            }
            if (!sawEvent) backoff.reset();
            sawEvent = true;
            const next = resourceVersionOf(ev.object);
            if (next) rv = next;
            batch.push({ type: ev.type as WatchEventType, object: ev.object as T });
          }
          if (batch.length > 0) yield batch;
          if (failed) throw failed;
          buffered = buffered.slice(start);
        }
      }
      if (!resume) return;
    } catch (err) {
      if (signal?.aborted) return;
      if (!resume || !resumable(err)) throw err;
      const delay = backoff.next();
      deps.onRetry?.(err, delay);
      try {
        await clock.sleep(delay, signal);
      } catch {
        return;
      }
    }
  }
}

