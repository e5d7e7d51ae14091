// The MVCC key-value state machine (etcd v3 semantics), kept entirely in memory and applied from the
// Raft log on every member. apply() is a pure function of the commands applied so far: no clock, no
// randomness, no iteration order that a snapshot restore could change.
//
// Data structures (sized for ~1M keys):
// - index: Map key → KeyHistory (all retained versions, oldest first) for O(1) point access;
// - ordered: a B+tree over the same keys for O(log n) seeks and ordered range scans;
// - log: revision → the versions it wrote, for watch replay;
// - compactable: keys that hold more than their one live version, so compaction only visits them.
//
// Revisions: the store starts at revision 1 with no keys (like etcd). Each command that changes at
// least one key bumps the revision by exactly 1, however many keys it changes; commands that change
// nothing (a delete that matches nothing, a read-only txn, lease grant, compaction) do not.

import { CompactedError, FutureRevisionError, MvccError, isMvccError } from './errors.js';
import { BPlusTree } from './btree.js';
import { KeyVersion, approximateBytes, compactHistory, latest, liveAt, tombstone, type KeyHistory } from './key-history.js';
import { compareKeys, isSingleKey, resolveSpan, spansOverlap, toSortKey, type KeySpan } from './keys.js';
import { LeaseTable } from './lease-table.js';
import { RevisionLog, type RevisionChanges } from './revision-log.js';
import { SnapshotDecoder, encodeSnapshot, type DecodedSnapshot } from './snapshot.js';
import type {
  Command,
  CommandResult,
  Compare,
  DeleteRangeRequest,
  DeleteRangeResponse,
  KeyValue,
  LeaseInfo,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  TxnOp,
  TxnOpResponse,
  TxnRequest,
  WatchRequest,
} from './types.js';
import { DEFAULT_LIMITS, parseCommand, parseRangeRequest, parseWatchRequest, type MvccLimits } from './validate.js';
import { WatchHub, type WatchCancelListener, type WatchHandle, type WatchListener, type WatchOptions } from './watch.js';

export interface MvccStoreOptions {
  /** Must be identical on every replica: limits decide which commands fail. */
  limits?: Partial<MvccLimits>;
  watch?: WatchOptions;
}

/** The revisions a single apply writes at; collects its changes for the log and the watchers. */
class WriteBatch {
  readonly changes: KeyVersion[] = [];
  readonly prevs: (KeyVersion | undefined)[] = [];
  constructor(readonly rev: number) {}
  get sub(): number {
    return this.changes.length;
  }
}

/** Revision of an empty store, as in etcd. */
const INITIAL_REVISION = 1;
/** Snapshot chunk size: large enough to amortize per-chunk costs, small enough to stream. */
const SNAPSHOT_CHUNK_BYTES = 1024 * 1024;

export class MvccStore {
  private rev = INITIAL_REVISION;
  private compactRev = 0;
  private readonly index = new Map<string, KeyHistory>();
  private ordered = new BPlusTree<KeyHistory>();
  private readonly compactable = new Set<string>();
  private revisionLog = new RevisionLog(INITIAL_REVISION + 1);
  private readonly leaseTable = new LeaseTable();
  private readonly hub: WatchHub;
  private readonly limits: MvccLimits;
  /** Bumped on every state change; a lazy snapshot stream checks it to detect concurrent applies. */
  private generation = 0;
  private liveKeys = 0;
  private retainedBytes = 0;

  constructor(options: MvccStoreOptions = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    const store = this;
    this.hub = new WatchHub(
      {
        get currentRevision() {
          return store.rev;
        },
        get compactRevision() {
          return store.compactRev;
        },
        get log() {
          return store.revisionLog;
        },
        history: (key) => store.index.get(key),
      },
      options.watch,
    );
  }

  get currentRevision(): number {
    return this.rev;
  }

  get compactRevision(): number {
    return this.compactRev;
  }

  /** Keys with at least one retained version (live or tombstoned, until compaction drops them). */
  get indexedKeys(): number {
    return this.index.size;
  }

  /** Keys that exist at the current revision. */
  get keyCount(): number {
    return this.liveKeys;
  }

  /** Rough memory held by all retained versions (what etcd would report as its db size). */
  get approximateSizeBytes(): number {
    return this.retainedBytes;
  }

  get watcherCount(): number {
    return this.hub.size;
  }

  /** Watchers cancelled for falling behind since this store was created. */
  get slowWatcherCancellations(): number {
    return this.hub.slowCancellations;
  }

  get leaseCount(): number {
    return this.leaseTable.size;
  }

  // ---------------------------------------------------------------------------------------------
  // apply

  /**
   * Applies one log command. Never throws for bad or failing commands: those come back as an
   * 'error' result and change nothing, identically on every replica. (An exception here would
   * mean a bug in this module; the replica should then stop rather than diverge.)
   */
  apply(input: Command | unknown): CommandResult {
    let cmd: Command;
    try {
      cmd = parseCommand(input, this.limits);
      return this.applyParsed(cmd);
    } catch (err) {
      if (isMvccError(err)) return { type: 'error', header: this.header(), error: err.toData() };
      throw err;
    }
  }

  private applyParsed(cmd: Command): CommandResult {
    switch (cmd.type) {
      case 'put': {
        this.precheckPut(cmd);
        const batch = this.begin();
        const res = this.doPut(batch, cmd);
        this.commit(batch);
        return { type: 'put', ...res, header: this.header() };
      }
      case 'deleteRange': {
        const batch = this.begin();
        const res = this.doDeleteRange(batch, cmd);
        this.commit(batch);
        return { type: 'deleteRange', ...res, header: this.header() };
      }
      case 'txn':
        return { type: 'txn', ...this.doTxn(cmd) };
      case 'compact':
        this.doCompact(cmd.revision);
        return { type: 'compact', header: this.header() };
      case 'leaseGrant':
        if (this.leaseTable.has(cmd.id)) throw new MvccError('leaseExists', `lease ${cmd.id} already exists`);
        this.leaseTable.grant(cmd.id, cmd.ttl);
        this.generation++;
        return { type: 'leaseGrant', header: this.header(), id: cmd.id, ttl: cmd.ttl };
      case 'leaseRevoke': {
        if (!this.leaseTable.has(cmd.id)) throw new MvccError('leaseNotFound', `lease ${cmd.id} not found`);
        const batch = this.begin();
        for (const key of this.leaseTable.sortedKeys(cmd.id)) this.deleteKey(batch, key);
        this.leaseTable.delete(cmd.id);
        this.generation++;
        this.commit(batch);
        return { type: 'leaseRevoke', header: this.header(), deleted: batch.changes.length };
      }
      case 'leaseCheckpoint':
        for (const cp of cmd.checkpoints) {
          const lease = this.leaseTable.get(cp.id);
          if (lease) lease.remainingTtl = cp.remainingTtl; // unknown ids: already revoked, ignore (as etcd)
        }
        this.generation++;
        return { type: 'leaseCheckpoint', header: this.header() };
    }
  }

  private header(): { revision: number } {
    return { revision: this.rev };
  }

  private begin(): WriteBatch {
    return new WriteBatch(this.rev + 1);
  }

  /** Makes a batch's writes the new revision (if it wrote anything) and tells the watchers. */
  private commit(batch: WriteBatch): void {
    if (batch.changes.length === 0) return;
    this.rev = batch.rev;
    this.generation++;
    this.revisionLog.append(batch.rev, batch.changes);
    this.hub.publish(batch.rev, batch.changes, batch.prevs);
  }

  /** Everything that can make a put fail, checked before anything is written. */
  private precheckPut(req: PutRequest): void {
    if (req.lease && !req.ignoreLease && !this.leaseTable.has(req.lease)) {
      throw new MvccError('leaseNotFound', `lease ${req.lease} not found`);
    }
    if (req.ignoreValue || req.ignoreLease) {
      const history = this.index.get(req.key);
      if (!history || latest(history).isTombstone) {
        throw new MvccError('keyNotFound', `key ${JSON.stringify(req.key)} not found (required by ${req.ignoreValue ? 'ignoreValue' : 'ignoreLease'})`);
      }
    }
  }

  private doPut(batch: WriteBatch, req: PutRequest): PutResponse {
    const history = this.index.get(req.key);
    const prev = history && !latest(history).isTombstone ? latest(history) : undefined;
    const value = req.ignoreValue ? prev!.value : req.value;
    const lease = req.ignoreLease ? prev!.lease : (req.lease ?? 0);
    const v = new KeyVersion(req.key, batch.rev, batch.sub, prev ? prev.create : batch.rev, prev ? prev.ver + 1 : 1, value, lease);
    if (history) {
      history.push(v);
      this.compactable.add(req.key);
    } else {
      const fresh: KeyHistory = [v];
      this.index.set(req.key, fresh);
      this.ordered.set(toSortKey(req.key), fresh);
    }
    if (prev && prev.lease !== 0 && prev.lease !== lease) this.leaseTable.detach(prev.lease, req.key);
    if (lease !== 0) this.leaseTable.attach(lease, req.key);
    if (!prev) this.liveKeys++;
    this.retainedBytes += approximateBytes(v);
    batch.changes.push(v);
    batch.prevs.push(prev);
    const res: PutResponse = { header: { revision: batch.rev } };
    if (req.prevKv && prev) res.prevKv = prev.toKeyValue();
    return res;
  }

  /** Tombstones a live key. */
  private deleteKey(batch: WriteBatch, key: string): KeyVersion {
    const history = this.index.get(key)!;
    const prev = latest(history);
    const t = tombstone(key, batch.rev, batch.sub);
    history.push(t);
    this.compactable.add(key);
    this.liveKeys--;
    this.retainedBytes += approximateBytes(t);
    if (prev.lease !== 0) this.leaseTable.detach(prev.lease, key);
    batch.changes.push(history[history.length - 1]!);
    batch.prevs.push(prev);
    return prev;
  }

  private doDeleteRange(batch: WriteBatch, req: DeleteRangeRequest): DeleteRangeResponse {
    const span = resolveSpan(req.key, req.rangeEnd, req.prefix);
    const victims: string[] = [];
    this.visitSpan(span, (history) => {
      const last = latest(history);
      if (!last.isTombstone) victims.push(last.key);
    });
    const prevKvs: KeyValue[] = [];
    for (const key of victims) {
      const prev = this.deleteKey(batch, key);
      if (req.prevKv) prevKvs.push(prev.toKeyValue());
    }
    const res: DeleteRangeResponse = { header: { revision: batch.rev }, deleted: victims.length };
    if (req.prevKv) res.prevKvs = prevKvs;
    return res;
  }

  // ---------------------------------------------------------------------------------------------
  // txn

  private doTxn(req: TxnRequest): Omit<Extract<CommandResult, { type: 'txn' }>, 'type'> {
    checkNoDuplicateWrites(req.success, 'success');
    checkNoDuplicateWrites(req.failure, 'failure');
    const succeeded = req.compare.every((c) => this.evaluate(c));
    const ops = succeeded ? req.success : req.failure;
    for (const op of ops) {
      if (op.type === 'put') this.precheckPut(op);
      else if (op.type === 'range') this.readRevision(op.revision ?? 0);
    }
    const batch = this.begin();
    const responses: TxnOpResponse[] = ops.map((op) => this.doTxnOp(batch, op));
    this.commit(batch);
    const header = this.header();
    for (const r of responses) r.header = header;
    return { header, succeeded, responses };
  }

  private doTxnOp(batch: WriteBatch, op: TxnOp): TxnOpResponse {
    switch (op.type) {
      case 'range': {
        // Reads inside a txn see its earlier writes (etcd's txn read view).
        const current = batch.changes.length > 0 ? batch.rev : this.rev;
        const rev = op.revision ? op.revision : current;
        return { type: 'range', header: { revision: current }, ...this.rangeAt(op, rev) };
      }
      case 'put':
        return { type: 'put', ...this.doPut(batch, op) };
      case 'deleteRange':
        return { type: 'deleteRange', ...this.doDeleteRange(batch, op) };
    }
  }

  /** Whether a compare holds for every key of its range at the current revision. */
  private evaluate(c: Compare): boolean {
    const span = resolveSpan(c.key, c.rangeEnd, c.prefix);
    const kvs: KeyVersion[] = [];
    if (isSingleKey(span)) {
      const history = this.index.get(span.start);
      const v = history ? liveAt(history, this.rev) : undefined;
      if (v) kvs.push(v);
    } else {
      this.visitSpan(span, (history) => {
        const v = liveAt(history, this.rev);
        if (v) kvs.push(v);
      });
    }
    if (kvs.length === 0) {
      // No way to tell "absent" from "empty value", so value compares on missing keys fail (etcd).
      if (c.target === 'value') return false;
      return compareHolds(c, 0 - (c.value as number)); // a missing key's numeric fields are all 0
    }
    return kvs.every((v) => compareHolds(c, compareTarget(c, v)));
  }

  // ---------------------------------------------------------------------------------------------
  // compaction

  private doCompact(revision: number): void {
    if (revision <= this.compactRev) throw new CompactedError(revision, this.compactRev, this.rev);
    if (revision > this.rev) throw new FutureRevisionError(revision, this.rev);
    this.compactRev = revision;
    this.generation++;
    for (const key of this.compactable) {
      const history = this.index.get(key)!;
      for (const dropped of compactHistory(history, revision)) this.retainedBytes -= approximateBytes(dropped);
      if (history.length === 0) {
        this.index.delete(key);
        this.ordered.delete(toSortKey(key));
        this.compactable.delete(key);
      } else if (history.length === 1 && !history[0]!.isTombstone) {
        this.compactable.delete(key);
      }
    }
    this.revisionLog.dropBefore(revision);
    this.hub.compacted(revision);
  }

  // ---------------------------------------------------------------------------------------------
  // reads

  /** Reads a range at a revision. Throws MvccError: compacted, futureRevision, invalidArgument... */
  range(input: RangeRequest | unknown): RangeResponse {
    const req = parseRangeRequest(input, this.limits);
    const rev = this.readRevision(req.revision ?? 0);
    return { header: this.header(), ...this.rangeAt(req, rev) };
  }

  /** The live version of one key (at a revision, default now), or undefined. */
  get(key: string, revision = 0): KeyValue | undefined {
    const rev = this.readRevision(revision);
    const history = this.index.get(key);
    return history ? liveAt(history, rev)?.toKeyValue() : undefined;
  }

  /** Leases by ascending id with their attached keys. */
  leases(): LeaseInfo[] {
    return this.leaseTable.all().map((l) => this.leaseTable.info(l.id)!);
  }

  lease(id: number): LeaseInfo | undefined {
    return this.leaseTable.info(id);
  }

  private readRevision(requested: number): number {
    if (requested === 0) return this.rev;
    if (requested > this.rev) throw new FutureRevisionError(requested, this.rev);
    if (requested < this.compactRev) throw new CompactedError(requested, this.compactRev, this.rev);
    return requested;
  }

  private rangeAt(req: RangeRequest, rev: number): Omit<RangeResponse, 'header'> {
    const span = resolveSpan(req.key, req.rangeEnd, req.prefix);
    const limit = req.limit ?? 0;
    const sorting = needsSort(req);
    // Without sorting the B+tree order is the answer order, so collection can stop at `limit`.
    const collectMax = req.countOnly ? 0 : limit > 0 && !sorting ? limit : Infinity;
    const found: KeyVersion[] = [];
    let count = 0;
    const visit = (history: KeyHistory): void => {
      const v = liveAt(history, rev);
      if (!v) return;
      count++;
      if (found.length < collectMax) found.push(v);
    };
    if (isSingleKey(span)) {
      const history = this.index.get(span.start);
      if (history) visit(history);
    } else {
      this.visitSpan(span, visit);
    }
    if (sorting) sortVersions(found, req);
    const kept = limit > 0 && found.length > limit ? found.slice(0, limit) : found;
    return {
      kvs: kept.map((v) => v.toKeyValue(req.keysOnly)),
      count,
      more: !req.countOnly && count > kept.length,
    };
  }

  /** Visits the histories of the keys in a span in key order. */
  private visitSpan(span: KeySpan, visit: (history: KeyHistory) => void): void {
    if (isSingleKey(span)) {
      const history = this.index.get(span.start);
      if (history) visit(history);
      return;
    }
    const end = span.unbounded ? undefined : toSortKey(span.end!);
    this.ordered.scan(toSortKey(span.start), end, (_sortKey, history) => {
      visit(history);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // watch

  /**
   * Watches a key or range. Replays retained history from `startRevision` (throws CompactedError
   * when it is older than the compaction point), then delivers live changes. Delivery is always
   * asynchronous (see watch.ts for ordering, backpressure and slow-watcher cancellation).
   */
  watch(input: WatchRequest | unknown, listener: WatchListener, onCancel?: WatchCancelListener): WatchHandle {
    const req = parseWatchRequest(input, this.limits);
    return this.hub.add(req, listener, onCancel);
  }

  /** Runs a delivery round now instead of waiting for the scheduler (tests, shutdown). */
  flushWatchers(): void {
    this.hub.deliver();
  }

  // ---------------------------------------------------------------------------------------------
  // snapshots

  /**
   * The full state (revisions, every retained version, leases) as ~1 MiB chunks, produced lazily.
   * Deterministic: equal states give equal bytes. Applying a command while the stream is being read
   * makes the next chunk throw 'badSnapshot' — consume it synchronously or use snapshot().
   */
  *snapshotChunks(chunkBytes = SNAPSHOT_CHUNK_BYTES): Generator<Buffer, void, undefined> {
    const generation = this.generation;
    const source = {
      currentRevision: this.rev,
      compactRevision: this.compactRev,
      histories: () => this.ordered.valueRuns(),
      leases: this.leaseTable.all().map((l) => ({ id: l.id, ttl: l.ttl, remainingTtl: l.remainingTtl })),
    };
    for (const chunk of encodeSnapshot(source, chunkBytes)) {
      if (this.generation !== generation) {
        throw new MvccError('badSnapshot', 'the store changed while its snapshot was being read; take the snapshot between applies');
      }
      yield chunk;
    }
  }

  /** The whole snapshot now, as a list of chunks (their memory lives outside the JS heap). */
  snapshot(chunkBytes = SNAPSHOT_CHUNK_BYTES): Buffer[] {
    return [...this.snapshotChunks(chunkBytes)];
  }

  /** Rebuilds a store from snapshot bytes. Throws MvccError('badSnapshot') on corrupt input. */
  static restore(source: Buffer | Iterable<Buffer>, options: MvccStoreOptions = {}): MvccStore {
    const decoder = new SnapshotDecoder();
    if (Buffer.isBuffer(source)) decoder.push(source);
    else for (const chunk of source) decoder.push(chunk);
    return MvccStore.fromDecoded(decoder.finish(), options);
  }

  /** Like restore(), from a stream (e.g. fs.createReadStream). */
  static async restoreFrom(source: AsyncIterable<Buffer | Uint8Array>, options: MvccStoreOptions = {}): Promise<MvccStore> {
    const decoder = new SnapshotDecoder();
    for await (const chunk of source) decoder.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    return MvccStore.fromDecoded(decoder.finish(), options);
  }

  private static fromDecoded(snap: DecodedSnapshot, options: MvccStoreOptions): MvccStore {
    const store = new MvccStore(options);
    store.rev = snap.currentRevision;
    store.compactRev = snap.compactRevision;
    for (const l of snap.leases) store.leaseTable.grant(l.id, l.ttl, l.remainingTtl);
    const logStart = Math.max(snap.compactRevision, INITIAL_REVISION + 1);
    // Filled by push, not new Array(n): a large preallocated array starts in slow dictionary mode.
    const slots: (RevisionChanges | undefined)[] = [];
    for (let i = logStart; i <= snap.currentRevision; i++) slots.push(undefined);
    for (let i = 0; i < snap.keys.length; i++) {
      const key = snap.keys[i]!;
      const history = snap.histories[i]!;
      store.index.set(key, history);
      const last = latest(history);
      if (history.length > 1 || last.isTombstone) store.compactable.add(key);
      if (!last.isTombstone) store.liveKeys++;
      if (!last.isTombstone && last.lease !== 0) {
        if (!store.leaseTable.has(last.lease)) throw new MvccError('badSnapshot', `snapshot: key ${JSON.stringify(key)} refers to missing lease ${last.lease}`);
        store.leaseTable.attach(last.lease, key);
      }
      for (const v of history) {
        store.retainedBytes += approximateBytes(v);
        if (v.mod < logStart) continue;
        const slot = v.mod - logStart;
        const entry = slots[slot];
        if (entry === undefined) slots[slot] = v;
        else if (Array.isArray(entry)) entry.push(v);
        else slots[slot] = [entry, v];
      }
    }
    for (let i = 0; i < slots.length; i++) {
      const entry = slots[i];
      if (entry === undefined) throw new MvccError('badSnapshot', `snapshot: revision ${logStart + i} has no changes`);
      if (Array.isArray(entry)) {
        entry.sort((a, b) => a.sub - b.sub);
        for (let j = 0; j < entry.length; j++) {
          if (entry[j]!.sub !== j) throw new MvccError('badSnapshot', `snapshot: revision ${logStart + i} has inconsistent sub-revisions`);
        }
      } else if (entry.sub !== 0) {
        throw new MvccError('badSnapshot', `snapshot: revision ${logStart + i} has inconsistent sub-revisions`);
      }
    }
    store.revisionLog = RevisionLog.fromEntries(logStart, slots as RevisionChanges[]);
    store.ordered = BPlusTree.fromSorted(snap.keys.map(toSortKey), snap.histories);
    return store;
  }
}

// ---------------------------------------------------------------------------------------------
// helpers

function compareTarget(c: Compare, v: KeyVersion): number {
  switch (c.target) {
    case 'version':
      return v.ver - (c.value as number);
    case 'createRevision':
      return v.create - (c.value as number);
    case 'modRevision':
      return v.mod - (c.value as number);
    case 'lease':
      return v.lease - (c.value as number);
    case 'value':
      return compareKeys(v.value, c.value as string);
  }
}

/** Applies the compare's operator to the sign of (actual - expected). */
function compareHolds(c: Compare, diff: number): boolean {
  switch (c.op) {
    case '=':
      return diff === 0;
    case '!=':
      return diff !== 0;
    case '<':
      return diff < 0;
    case '>':
      return diff > 0;
  }
}

function needsSort(req: RangeRequest): boolean {
  const order = req.sortOrder ?? 'none';
  if (order === 'none') return false;
  return !(order === 'ascend' && (req.sortTarget ?? 'key') === 'key');
}

function sortVersions(vs: KeyVersion[], req: RangeRequest): void {
  const target = req.sortTarget ?? 'key';
  const sign = req.sortOrder === 'descend' ? -1 : 1;
  const byTarget = (a: KeyVersion, b: KeyVersion): number => {
    switch (target) {
      case 'key':
        return compareKeys(a.key, b.key);
      case 'version':
        return a.ver - b.ver;
      case 'createRevision':
        return a.create - b.create;
      case 'modRevision':
        return a.mod - b.mod;
      case 'value':
        return compareKeys(a.value, b.value);
    }
  };
  // Array.prototype.sort is stable: ties keep key order.
  vs.sort((a, b) => sign * byTarget(a, b));
}

/** etcd refuses a txn branch that puts a key twice, or puts a key that a delete in it also covers. */
function checkNoDuplicateWrites(ops: TxnOp[], branch: string): void {
  const puts = new Set<string>();
  const deletes: KeySpan[] = [];
  for (const op of ops) if (op.type === 'deleteRange') deletes.push(resolveSpan(op.key, op.rangeEnd, op.prefix));
  for (const op of ops) {
    if (op.type !== 'put') continue;
    if (puts.has(op.key)) throw new MvccError('duplicateKey', `duplicate key ${JSON.stringify(op.key)} given in txn ${branch} branch`);
    puts.add(op.key);
    const single: KeySpan = { start: op.key, unbounded: false };
    if (deletes.some((d) => spansOverlap(d, single))) {
      throw new MvccError('duplicateKey', `key ${JSON.stringify(op.key)} is both put and deleted in txn ${branch} branch`);
    }
  }
}
