// An in-process KvBackend for tests: the real MVCC state machine (store/mvcc) behind the store
// client's method shapes, without Raft or HTTP. Errors come out as the client's StoreError with the
// server's codes; watch() is an async generator of batches that resumes after an interruption from
// the next revision, as lib/store-client does. Test hooks: interleave every call with other work,
// fail the next calls of an operation, interrupt and resume watch streams, revoke (expire) leases.
import { MvccStore, isMvccError, type MvccStoreOptions } from '../../store/mvcc/index.js';
import type { Command, CommandResult } from '../../store/mvcc/index.js';
import { StoreError } from '../../lib/store-client/errors.js';
import type * as p from '../../lib/store-client/protocol.js';
import type { KvBackend } from '../../apiserver/storage/interfaces.js';

export type KvOperation = 'range' | 'put' | 'txn' | 'deleteRange' | 'leaseGrant' | 'compact' | 'watch';

export interface MvccKvOptions {
  mvcc?: MvccStoreOptions;
  /**
   * Awaited before every operation. The default yields one macrotask, so concurrent callers
   * really interleave (read, other writer's txn, own txn...) as they would against a server.
   */
  beforeOp?: (op: KvOperation) => Promise<void>;
}

interface Subscription {
  end(): void;
}

const yieldMacrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class MvccKv implements KvBackend {
  readonly store: MvccStore;
  /** Calls per operation, for assertions about how much work something did. */
  readonly calls: Record<KvOperation, number> = { range: 0, put: 0, txn: 0, deleteRange: 0, leaseGrant: 0, compact: 0, watch: 0 };
  private readonly beforeOp: (op: KvOperation) => Promise<void>;
  private readonly failures = new Map<KvOperation, StoreError[]>();
  private readonly subs = new Set<Subscription>();
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;
  private nextLeaseId = 1000;

  constructor(opts: MvccKvOptions = {}) {
    this.store = new MvccStore(opts.mvcc);
    this.beforeOp = opts.beforeOp ?? yieldMacrotask;
  }

  get revision(): number {
    return this.store.currentRevision;
  }

  /** The next `count` calls of `op` fail with `err` (before reaching the store: nothing is applied). */
  failNext(op: KvOperation, err: StoreError, count = 1): void {
    const list = this.failures.get(op) ?? [];
    for (let i = 0; i < count; i++) list.push(err);
    this.failures.set(op, list);
  }

  /** Breaks every open watch stream (events not yet read are dropped) and keeps them down until resumeWatches(). */
  interruptWatches(): void {
    if (!this.gate) this.gate = new Promise<void>((resolve) => (this.openGate = resolve));
    for (const s of [...this.subs]) s.end();
  }

  /** Lets interrupted streams reconnect; each resumes from the revision after the last one it yielded. */
  resumeWatches(): void {
    const open = this.openGate;
    this.gate = undefined;
    this.openGate = undefined;
    open?.();
  }

  /** Revokes a lease, deleting its keys (what its expiry does on a real store). */
  revokeLease(id: number): void {
    this.applyOk({ type: 'leaseRevoke', id });
  }

  // ------------------------------------------------------------------ KvBackend

  async range(req: p.RangeRequest): Promise<p.RangeResponse> {
    await this.enter('range');
    const { serializable: _s, ...rest } = req;
    try {
      const r = this.store.range(rest);
      return { ...r, header: this.header(r.header.revision) };
    } catch (err) {
      throw toStoreError(err);
    }
  }

  async put(req: p.PutRequest): Promise<p.PutResponse> {
    await this.enter('put');
    const r = this.applyOk({ type: 'put', ...req });
    if (r.type !== 'put') throw new Error(`unexpected result ${r.type}`);
    return { ...(r.prevKv ? { prevKv: r.prevKv } : {}), header: this.header(r.header.revision) };
  }

  async deleteRange(req: p.DeleteRangeRequest): Promise<p.DeleteRangeResponse> {
    await this.enter('deleteRange');
    const r = this.applyOk({ type: 'deleteRange', ...req });
    if (r.type !== 'deleteRange') throw new Error(`unexpected result ${r.type}`);
    return { deleted: r.deleted, ...(r.prevKvs ? { prevKvs: r.prevKvs } : {}), header: this.header(r.header.revision) };
  }

  async txn(req: p.TxnRequest): Promise<p.TxnResponse> {
    await this.enter('txn');
    const r = this.applyOk({ type: 'txn', ...req } as Command);
    if (r.type !== 'txn') throw new Error(`unexpected result ${r.type}`);
    return { succeeded: r.succeeded, responses: r.responses as p.TxnOpResponse[], header: this.header(r.header.revision) };
  }

  async compact(revision: number): Promise<p.CompactionResponse> {
    await this.enter('compact');
    if (revision > this.store.currentRevision) {
      throw new StoreError('futureRevision', `revision ${revision} is in the future (current ${this.store.currentRevision})`, { httpStatus: 400 });
    }
    const r = this.applyOk({ type: 'compact', revision });
    return { header: this.header(r.header.revision) };
  }

  async leaseGrant(ttl: number, id?: number): Promise<p.LeaseGrantResponse> {
    await this.enter('leaseGrant');
    const r = this.applyOk({ type: 'leaseGrant', id: id ?? this.nextLeaseId++, ttl });
    if (r.type !== 'leaseGrant') throw new Error(`unexpected result ${r.type}`);
    return { id: r.id, ttl: r.ttl, header: this.header(r.header.revision) };
  }

  async *watch(req: p.WatchRequest, signal?: AbortSignal): AsyncGenerator<p.WatchResponse> {
    await this.enter('watch');
    let next = req.startRevision !== undefined && req.startRevision > 0 ? req.startRevision : this.store.currentRevision + 1;
    while (!signal?.aborted) {
      if (this.gate) await Promise.race([this.gate, abortPromise(signal)]);
      if (signal?.aborted) return;
      const queue: p.WatchResponse[] = [];
      let wake: (() => void) | undefined;
      let cancelReason: unknown;
      let ended = false;
      const poke = (): void => {
        const w = wake;
        wake = undefined;
        w?.();
      };
      let handle: ReturnType<MvccStore['watch']>;
      try {
        handle = this.store.watch(
          { key: req.key, ...(req.rangeEnd !== undefined ? { rangeEnd: req.rangeEnd } : {}), prefix: req.prefix === true, startRevision: next, prevKv: req.prevKv === true },
          (events, revision) => {
            queue.push({ header: this.header(revision), events: events as p.WatchEvent[] });
            poke();
            return true;
          },
          (reason) => {
            cancelReason = reason;
            poke();
          },
        );
      } catch (err) {
        throw toStoreError(err);
      }
      const sub: Subscription = {
        end: () => {
          ended = true;
          poke();
        },
      };
      this.subs.add(sub);
      signal?.addEventListener('abort', poke);
      try {
        for (;;) {
          if (ended || signal?.aborted) break;
          const msg = queue.shift();
          if (msg) {
            if (msg.events.length > 0) next = msg.events[msg.events.length - 1]!.kv.modRevision + 1;
            yield msg;
            continue;
          }
          if (cancelReason !== undefined) {
            const e = toStoreError(cancelReason);
            if (e.code === 'compacted') throw e;
            break; // e.g. a slow-watcher cancel: reconnect from `next`, as the client does
          }
          await new Promise<void>((resolve) => (wake = resolve));
        }
      } finally {
        handle.cancel();
        this.subs.delete(sub);
        signal?.removeEventListener('abort', poke);
      }
    }
  }

  // ------------------------------------------------------------------

  private async enter(op: KvOperation): Promise<void> {
    this.calls[op]++;
    await this.beforeOp(op);
    const queued = this.failures.get(op);
    const err = queued?.shift();
    if (queued && queued.length === 0) this.failures.delete(op);
    if (err) throw err;
  }

  private applyOk(cmd: Command): Exclude<CommandResult, { type: 'error' }> {
    const r = this.store.apply(cmd);
    if (r.type === 'error') {
      throw new StoreError(r.error.code, r.error.message, {
        httpStatus: 400,
        ...(r.error.compactRevision !== undefined ? { compactRevision: r.error.compactRevision } : {}),
      });
    }
    return r;
  }

  private header(revision: number): p.ResponseHeader {
    return { revision, memberId: 'mvcc-kv', raftTerm: 1 };
  }
}

function toStoreError(err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  if (isMvccError(err)) {
    return new StoreError(err.code, err.message, err.compactRevision !== undefined ? { compactRevision: err.compactRevision } : {});
  }
  return new StoreError('internal', String(err), { cause: err });
}

function abortPromise(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return new Promise<void>(() => undefined);
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
