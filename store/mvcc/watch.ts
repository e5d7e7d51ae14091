// Watchers over the MVCC store (etcd's watchableStore, simplified for one thread).
//
// A watcher is either catching up (it reads old revisions from the revision log, a batch per
// delivery round) or synced (apply pushes each new revision's matching events into its queue).
// Delivery never happens inside apply: apply only enqueues and schedules a round, so neither a slow
// nor a throwing listener can delay or break the state machine.
//
// Flow control: a listener that returns `false` pauses its watcher until `handle.resume()`. While
// paused, events pile up in the watcher's queue; once the queue passes its bound (events or bytes)
// the watcher is cancelled with code 'slowWatcher' and its onCancel listener is told — the client
// must re-watch from the revision after the last one it received (and re-list on 'compacted').
// A watcher that is not paused but whose queue overflows anyway (the driver applied a large batch
// without yielding) is not cancelled: it drops its queue and catches up from the revision log.
//
// Guarantees: events arrive in revision order (sub-revision order within one), each exactly once,
// and all events of one revision in the same call.

import { CompactedError, MvccError } from './errors.js';
import { previousLive, type KeyHistory, type KeyVersion } from './key-history.js';
import { resolveSpan, spanContains, type KeySpan } from './keys.js';
import { changesOf, type RevisionLog } from './revision-log.js';
import type { WatchEvent, WatchRequest } from './types.js';

/**
 * Receives events in revision order. `revision` is the newest revision this call accounts for:
 * every matching event up to it has now been delivered. Return false to pause (backpressure).
 * Event objects may be shared with other watchers: treat them as read-only.
 */
export type WatchListener = (events: WatchEvent[], revision: number) => boolean | void;

/** Told when the store (not the client) ends the watch: 'compacted', 'slowWatcher' or 'watchListenerFailed'. */
export type WatchCancelListener = (reason: MvccError) => void;

export interface WatchHandle {
  readonly id: number;
  readonly cancelled: boolean;
  /** Why the store cancelled it; undefined while active or after a client cancel. */
  readonly cancelReason: MvccError | undefined;
  cancel(): void;
  /** Continue delivering after the listener returned false. */
  resume(): void;
}

export interface WatchOptions {
  /** Queued events per paused watcher before it is cancelled as slow (default 50 000). */
  maxBufferedEvents?: number;
  /** Queued key+value characters per paused watcher before it is cancelled as slow (default 64 Mi). */
  maxBufferedBytes?: number;
  /** Events per catch-up batch (default 1000); a revision is never split. */
  replayBatchEvents?: number;
  /** Revisions a catch-up batch may scan before yielding (default 50 000). */
  replayScanRevisions?: number;
  /** Runs a delivery round later (default setImmediate). Tests pass a manual scheduler. */
  schedule?: (run: () => void) => void;
}

/** What the hub needs from the store. */
export interface WatchSource {
  readonly currentRevision: number;
  readonly compactRevision: number;
  readonly log: RevisionLog;
  history(key: string): KeyHistory | undefined;
}

interface QueuedBatch {
  revision: number;
  events: WatchEvent[];
}

class Watcher implements WatchHandle {
  readonly span: KeySpan;
  readonly withPrevKv: boolean;
  readonly noPut: boolean;
  readonly noDelete: boolean;
  /** Catch-up: next revision to read from the log. Synced: events below it are skipped. */
  nextRev: number;
  synced: boolean;
  queue: QueuedBatch[] = [];
  queuedEvents = 0;
  queuedBytes = 0;
  paused = false;
  cancelled = false;
  cancelReason: MvccError | undefined = undefined;

  constructor(
    readonly id: number,
    req: WatchRequest,
    startRev: number,
    synced: boolean,
    readonly listener: WatchListener,
    readonly onCancel: WatchCancelListener | undefined,
    private readonly hub: WatchHub,
  ) {
    this.span = resolveSpan(req.key, req.rangeEnd, req.prefix);
    this.withPrevKv = req.prevKv === true;
    this.noPut = req.filters?.includes('noPut') ?? false;
    this.noDelete = req.filters?.includes('noDelete') ?? false;
    this.nextRev = startRev;
    this.synced = synced;
  }

  wants(v: KeyVersion): boolean {
    if (v.isTombstone ? this.noDelete : this.noPut) return false;
    return spanContains(this.span, v.key);
  }

  cancel(): void {
    this.hub.remove(this, undefined);
  }

  resume(): void {
    if (this.cancelled || !this.paused) return;
    this.paused = false;
    this.hub.scheduleRound();
  }
}

export class WatchHub {
  private readonly watchers = new Map<number, Watcher>();
  private nextId = 1;
  private roundScheduled = false;
  private readonly maxBufferedEvents: number;
  private readonly maxBufferedBytes: number;
  private readonly replayBatchEvents: number;
  private readonly replayScanRevisions: number;
  private readonly schedule: (run: () => void) => void;
  /** Watchers cancelled as slow since start (for metrics). */
  slowCancellations = 0;

  constructor(
    private readonly source: WatchSource,
    options: WatchOptions = {},
  ) {
    this.maxBufferedEvents = options.maxBufferedEvents ?? 50_000;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 64 * 1024 * 1024;
    this.replayBatchEvents = Math.max(1, options.replayBatchEvents ?? 1000);
    this.replayScanRevisions = Math.max(1, options.replayScanRevisions ?? 50_000);
    this.schedule = options.schedule ?? ((run) => void setImmediate(run));
  }

  get size(): number {
    return this.watchers.size;
  }

  /** Throws CompactedError when startRevision is older than the compaction point. */
  add(req: WatchRequest, listener: WatchListener, onCancel?: WatchCancelListener): WatchHandle {
    const current = this.source.currentRevision;
    const compact = this.source.compactRevision;
    const requested = req.startRevision ?? 0;
    if (requested > 0 && requested < compact) throw new CompactedError(requested, compact, current);
    const startRev = requested > 0 ? requested : current + 1;
    const synced = startRev > current;
    const w = new Watcher(this.nextId++, req, startRev, synced, listener, onCancel, this);
    this.watchers.set(w.id, w);
    if (!synced) this.scheduleRound();
    return w;
  }

  /** Called by the store after each revision that changed something. */
  publish(revision: number, changes: readonly KeyVersion[], prevs: readonly (KeyVersion | undefined)[]): void {
    if (this.watchers.size === 0) return;
    let plain: WatchEvent[] | undefined;
    let withPrev: WatchEvent[] | undefined;
    let any = false;
    for (const w of this.watchers.values()) {
      if (!w.synced || revision < w.nextRev) continue;
      let events: WatchEvent[] | undefined;
      let bytes = 0;
      for (let i = 0; i < changes.length; i++) {
        const v = changes[i]!;
        if (!w.wants(v)) continue;
        let ev: WatchEvent;
        if (w.withPrevKv) {
          withPrev ??= new Array<WatchEvent>(changes.length);
          ev = withPrev[i] ??= makeEvent(v, prevs[i]);
        } else {
          plain ??= new Array<WatchEvent>(changes.length);
          ev = plain[i] ??= makeEvent(v, undefined);
        }
        (events ??= []).push(ev);
        bytes += eventBytes(ev);
      }
      if (!events) continue;
      w.queue.push({ revision, events });
      w.queuedEvents += events.length;
      w.queuedBytes += bytes;
      any = true;
      if (w.queuedEvents > this.maxBufferedEvents || w.queuedBytes > this.maxBufferedBytes) this.overflow(w);
    }
    if (any) this.scheduleRound();
  }

  /** Called by the store after compaction: catching-up watchers that fell behind it are cancelled. */
  compacted(compactRevision: number): void {
    for (const w of [...this.watchers.values()]) {
      if (!w.synced && w.nextRev < compactRevision) {
        this.remove(w, new CompactedError(w.nextRev, compactRevision, this.source.currentRevision));
      }
    }
  }

  /** Delivers what is pending right now (one catch-up batch per watcher). The scheduler calls it. */
  deliver(): void {
    this.roundScheduled = false;
    let more = false;
    for (const w of [...this.watchers.values()]) {
      if (w.cancelled || w.paused) continue;
      if (w.queue.length > 0) {
        const batches = w.queue;
        w.queue = [];
        w.queuedEvents = 0;
        w.queuedBytes = 0;
        const events = batches.length === 1 ? batches[0]!.events : batches.flatMap((b) => b.events);
        this.call(w, events, batches[batches.length - 1]!.revision);
      } else if (!w.synced) {
        this.replayBatch(w);
      }
      if (!w.cancelled && !w.paused && (w.queue.length > 0 || !w.synced)) more = true;
    }
    if (more) this.scheduleRound();
  }

  scheduleRound(): void {
    if (this.roundScheduled) return;
    this.roundScheduled = true;
    if (!this.safeSchedule(() => this.deliver())) this.roundScheduled = false;
  }

  /** The scheduler is injected code running inside apply: it must not be able to break it. */
  private safeSchedule(run: () => void): boolean {
    try {
      this.schedule(run);
      return true;
    } catch {
      return false;
    }
  }

  remove(w: Watcher, reason: MvccError | undefined): void {
    if (w.cancelled) return;
    w.cancelled = true;
    w.cancelReason = reason;
    w.queue = [];
    this.watchers.delete(w.id);
    if (reason && w.onCancel) {
      const notify = w.onCancel;
      // Never run client code inside apply or compaction: tell it on the next round.
      this.safeSchedule(() => {
        try {
          notify(reason);
        } catch {
          // The watcher is gone either way; a throwing cancel listener must not affect the store.
        }
      });
    }
  }

  private overflow(w: Watcher): void {
    if (w.paused) {
      this.slowCancellations++;
      this.remove(
        w,
        new MvccError(
          'slowWatcher',
          `watcher ${w.id} cancelled: its consumer fell ${w.queuedEvents} events behind (limit ${this.maxBufferedEvents} events / ${this.maxBufferedBytes} bytes); re-watch from the next revision`,
        ),
      );
      return;
    }
    // Not the consumer's fault: everything queued is still in the revision log, read it from there.
    w.nextRev = w.queue[0]!.revision;
    w.synced = false;
    w.queue = [];
    w.queuedEvents = 0;
    w.queuedBytes = 0;
  }

  private replayBatch(w: Watcher): void {
    const log = this.source.log;
    const current = this.source.currentRevision;
    const events: WatchEvent[] = [];
    let rev = Math.max(w.nextRev, log.firstRevision);
    const scanLimit = rev + this.replayScanRevisions;
    for (; rev <= current && rev < scanLimit && events.length < this.replayBatchEvents; rev++) {
      const entry = log.at(rev);
      if (entry === undefined) continue;
      for (const v of changesOf(entry)) {
        if (!w.wants(v)) continue;
        let prev: KeyVersion | undefined;
        if (w.withPrevKv) {
          const history = this.source.history(v.key);
          prev = history ? previousLive(history, v) : undefined;
        }
        events.push(makeEvent(v, prev));
      }
    }
    const lastCovered = rev - 1;
    w.nextRev = rev;
    if (rev > current) w.synced = true;
    if (events.length > 0) this.call(w, events, lastCovered);
  }

  private call(w: Watcher, events: WatchEvent[], revision: number): void {
    let result: boolean | void;
    try {
      result = w.listener(events, revision);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.remove(w, new MvccError('watchListenerFailed', `watcher ${w.id} cancelled: its listener threw: ${message}`));
      return;
    }
    if (result === false && !w.cancelled) w.paused = true;
  }
}

function makeEvent(v: KeyVersion, prev: KeyVersion | undefined): WatchEvent {
  const ev: WatchEvent = { type: v.isTombstone ? 'DELETE' : 'PUT', kv: v.toKeyValue() };
  if (prev) ev.prevKv = prev.toKeyValue();
  return ev;
}

function eventBytes(ev: WatchEvent): number {
  return ev.kv.key.length + ev.kv.value.length + (ev.prevKv ? ev.prevKv.value.length : 0) + 64;
}
