// A store member: the driver that runs the pure Raft core (raft/) against the WAL, snapshot files,
// the peer transport and the MVCC state machine, and answers the client API (KvService).
//
// The loop follows the Ready contract in raft/node.ts: persist (fsync) → send → apply → advance.
// One deviation that etcd makes too: a leader sends its messages before its own fsync finishes,
// since it only counts its own copy of an entry once persisted; every other message waits.
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../lib/util/clock.js';
import type { Logger } from '../lib/util/logger.js';
import type * as p from '../lib/store-client/protocol.js';
import { MvccStore, Lessor, isMvccError, parseCommand, type Command, type CommandResult, type WatchEvent } from './mvcc/index.js';
import { RawNode, MemoryStorage, type Entry, type HardState, type Message, type Ready, type Snapshot, type SoftState } from './raft/index.js';
import type { Rand } from './raft/rand.js';
import { Wal, type WalRecord } from './wal/wal.js';
import * as snapfiles from './snapshot/snapshot.js';
import { ServiceError, type KvService, type WatchSink } from './service.js';
import { StoreMetrics } from './metrics.js';
import type { PeerInfo, Transport } from './transport.js';

export interface MemberConfig {
  name: string;
  id: number;
  clusterId: string;
  /** Every member of the initial cluster, this one included. */
  peers: PeerInfo[];
  dataDir: string;
  clock: Clock;
  rand: Rand;
  /** Random 53-bit ids for leases. */
  random: () => number;
  logger: Logger;
  tickMs: number;
  electionTicks: number;
  heartbeatTicks: number;
  /** Applied entries between snapshots (log compaction). */
  snapshotCount: number;
  /** Entries kept in the log after a snapshot so slightly lagging followers need no snapshot. */
  snapshotCatchUpEntries: number;
  requestTimeoutMs: number;
  /** Keep this many revisions of history; older ones are compacted (0 = never). */
  autoCompactionRetention: number;
  autoCompactionIntervalMs: number;
  fsync: boolean;
  metrics?: StoreMetrics;
}

interface Pending {
  resolve: (r: CommandResult) => void;
  reject: (e: Error) => void;
  timer: ReturnType<Clock['setTimeout']>;
}

interface ReadBatch {
  ctx: string;
  waiters: { resolve: () => void; reject: (e: Error) => void }[];
  issuedAt: number;
  /** When the oldest waiter's first round was issued (rounds are retried after a leader change). */
  firstIssuedAt: number;
}

/** Encodes a WAL entry record: type (u8), term (f64), then the entry's data. */
function encodeEntry(e: Entry): Buffer {
  const buf = Buffer.allocUnsafe(9 + e.data.byteLength);
  buf.writeUInt8(e.type === 'confChange' ? 1 : 0, 0);
  buf.writeDoubleBE(e.term, 1);
  buf.set(e.data, 9);
  return buf;
}
function decodeEntry(index: number, buf: Buffer): Entry {
  if (buf.length < 9) throw new Error(`WAL entry ${index} is ${buf.length} bytes, shorter than its header`);
  return { index, type: buf.readUInt8(0) === 1 ? 'confChange' : 'normal', term: buf.readDoubleBE(1), data: buf.subarray(9) };
}

export class Member implements KvService {
  readonly cfg: MemberConfig;
  readonly metrics: StoreMetrics;
  private readonly log: Logger;
  private node!: RawNode;
  private storage!: MemoryStorage;
  private wal!: Wal;
  private mvcc!: MvccStore;
  private readonly lessor: Lessor;
  private transport!: Transport;
  private softState: SoftState = { lead: 0, state: 'follower' };
  private persistedTerm = 0;
  private persistedVote = 0;
  private appliedIndex = 0;
  private snapshotIndex = 0;
  private confVoters: number[] = [];
  private seq = 0;
  private readonly pending = new Map<string, Pending>();
  private readBatches = new Map<string, ReadBatch>();
  private nextReadBatch: ReadBatch | undefined;
  private readSeq = 0;
  private appliedWaiters: { index: number; resolve: () => void }[] = [];
  private readonly revokesInFlight = new Map<number, number>();
  private readonly sinks = new Set<WatchSink>();
  private processing = false;
  private kicked = false;
  private stopped = false;
  private timers: ReturnType<typeof setInterval>[] = [];
  private dataSize = 0;
  private fatal: Error | undefined;

  constructor(cfg: MemberConfig) {
    this.cfg = cfg;
    this.log = cfg.logger;
    this.metrics = cfg.metrics ?? new StoreMetrics();
    this.lessor = new Lessor({ clock: cfg.clock, minTtlSeconds: Math.ceil((cfg.tickMs * cfg.electionTicks * 1.5) / 1000) });
  }

  get memberIdHex(): string {
    return this.cfg.id.toString(16);
  }

  // ------------------------------------------------------------------ start / stop

  /** Replays snapshot + WAL from disk and starts the Raft node. */
  async start(transport: Transport): Promise<void> {
    this.transport = transport;
    const walDir = join(this.cfg.dataDir, 'wal');
    const snapDir = join(this.cfg.dataDir, 'snap');
    await mkdir(walDir, { recursive: true });
    await mkdir(snapDir, { recursive: true });
    const { wal, replay } = await Wal.open(walDir, {
      fsync: this.cfg.fsync,
      logger: this.log,
      onFsync: (s) => this.metrics.fsyncDuration.observe(s),
    });
    this.wal = wal;
    for (const r of replay.repairs) this.log.warn(r, 'WAL: truncated a torn tail');
    const marker = replay.snapshot;
    const storage = new MemoryStorage();
    let mvcc = new MvccStore();
    if (marker) {
      const loaded = await snapfiles.loadNewest(snapDir, { maxIndex: marker.index, logger: this.log });
      for (const s of loaded.skipped) this.log.warn(s, 'snapshot: skipped a bad snapshot file');
      const snap = loaded.snapshot;
      if (!snap || snap.index !== marker.index) {
        throw new Error(
          `data dir ${this.cfg.dataDir}: the WAL starts after a snapshot at index ${marker.index}, but ${snap ? `the newest usable snapshot is at ${snap.index}` : 'no snapshot file is usable'}; refusing to start with a gap`,
        );
      }
      const meta = JSON.parse(snap.meta.toString('utf8')) as { confState: { voters: number[] } };
      storage.applySnapshot({ metadata: { index: snap.index, term: snap.term, confState: meta.confState }, data: snap.data });
      mvcc = MvccStore.restore(snap.data);
      this.snapshotIndex = snap.index;
      this.appliedIndex = snap.index;
      this.confVoters = meta.confState.voters;
      this.log.info({ index: snap.index, revision: mvcc.currentRevision }, 'restored snapshot');
    }
    if (replay.entries.length > 0) storage.append(replay.entries.map((e) => decodeEntry(e.index, e.data)));
    if (replay.hardState) {
      const hs = JSON.parse(replay.hardState.toString('utf8')) as HardState;
      // Commit-index-only changes are not written on their own (see handleReady), so the stored
      // commit may lag; a snapshot's index is committed by definition.
      hs.commit = Math.max(hs.commit, this.snapshotIndex);
      storage.setHardState(hs);
      this.persistedTerm = hs.term;
      this.persistedVote = hs.vote;
    }
    this.storage = storage;
    this.setMvcc(mvcc);
    const fresh = replay.created || (storage.lastIndex() === 0 && !marker && !replay.hardState);
    this.node = new RawNode({
      id: this.cfg.id,
      clusterId: this.cfg.clusterId,
      storage,
      rand: this.cfg.rand,
      electionTick: this.cfg.electionTicks,
      heartbeatTick: this.cfg.heartbeatTicks,
      preVote: true,
      checkQuorum: true,
      maxSizePerMsg: 1024 * 1024,
      maxInflightMsgs: 256,
      ...(fresh ? { peers: this.cfg.peers.map((p) => p.id) } : {}),
    });
    if (this.confVoters.length === 0) this.confVoters = this.cfg.peers.map((p) => p.id);
    this.log.info({ id: this.memberIdHex, fresh, lastIndex: storage.lastIndex(), snapshotIndex: this.snapshotIndex }, 'member starting');

    this.timers.push(setInterval(() => this.tick(), this.cfg.tickMs));
    this.timers.push(setInterval(() => this.expireLeases(), Math.max(100, this.cfg.tickMs * 2)));
    if (this.cfg.autoCompactionRetention > 0) this.timers.push(setInterval(() => this.autoCompact(), this.cfg.autoCompactionIntervalMs));
    this.timers.push(setInterval(() => void this.measureDataSize(), 5000));
    for (const t of this.timers) t.unref();
    void this.measureDataSize();
    this.kick();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    // Pending writes were handed to Raft (maybe forwarded to the leader): they may still commit.
    this.failPending('the member shut down while the write was in flight; it may or may not have been applied', 'stopped');
    for (const b of [...this.readBatches.values(), ...(this.nextReadBatch ? [this.nextReadBatch] : [])]) {
      for (const w of b.waiters) w.reject(new ServiceError('stopped', 'the member is shutting down'));
    }
    this.readBatches.clear();
    this.nextReadBatch = undefined;
    for (const s of this.sinks) s.close();
    this.sinks.clear();
    // Let an in-flight Ready finish its WAL write before closing the file.
    for (let i = 0; i < 200 && this.processing; i++) await new Promise((r) => setTimeout(r, 5));
    await this.wal.close().catch(() => undefined);
  }

  private setMvcc(mvcc: MvccStore): void {
    // Watchers belong to the old state machine: end their streams; clients resume by revision.
    for (const s of this.sinks) s.close();
    this.sinks.clear();
    this.mvcc = mvcc;
    // Lease deadlines live in the lessor; rebuild it from the restored lease table.
    for (const l of mvcc.leases()) this.lessor.grant(l.id, l.ttl, l.remainingTtl);
    if (this.softState.state === 'leader') this.lessor.promote(this.cfg.clock.now());
  }

  // ------------------------------------------------------------------ the Ready loop

  private tick(): void {
    if (this.stopped || this.fatal) return;
    this.node.tick();
    this.kick();
    this.checkReadBatches();
  }

  reportUnreachable(id: number): void {
    if (!this.stopped && !this.fatal) this.node.reportUnreachable(id);
  }

  /** The transport saw `id`'s connection break: if it is our leader, campaign soon (see RawNode.leaderLost). */
  peerLost(id: number): void {
    if (this.stopped || this.fatal) return;
    this.node.leaderLost(id);
  }

  reportSnapshot(id: number, ok: boolean): void {
    if (!this.stopped && !this.fatal) {
      this.node.reportSnapshot(id, ok);
      this.kick();
    }
  }

  /** Peer messages arrive here. */
  receive(msgs: Message[]): void {
    if (this.stopped || this.fatal) return;
    for (const m of msgs) {
      const r = this.node.step(m);
      if (!r.ok) {
        this.metrics.rejectedPeerMessages.inc({ reason: r.reason });
        if (r.reason === 'clusterIdMismatch') this.log.error({ from: m.from, detail: r.detail }, 'rejected a message from another cluster');
      }
    }
    this.kick();
  }

  private kick(): void {
    if (this.kicked || this.stopped) return;
    this.kicked = true;
    setImmediate(() => {
      this.kicked = false;
      void this.processReady();
    });
  }

  private async processReady(): Promise<void> {
    if (this.processing || this.stopped || this.fatal) return;
    this.processing = true;
    try {
      for (let rounds = 0; this.node.hasReady() && !this.stopped && rounds < 10_000; rounds++) {
        const rd = this.node.ready();
        await this.handleReady(rd);
        this.node.advance(rd);
        await this.maybeSnapshot();
      }
    } catch (err) {
      // A failed fsync or a corrupt state leaves this member unable to keep its promises: stop
      // taking part rather than risk acknowledging what is not durable.
      this.fatal = err as Error;
      this.log.fatal({ err }, 'member failed; it stops serving until restarted');
      this.failPending(`the member failed while the write was in flight; it may or may not have been applied: ${(err as Error).message}`, 'memberFailed');
    } finally {
      this.processing = false;
    }
    if (this.node.hasReady() && !this.stopped && !this.fatal) this.kick();
  }

  private async handleReady(rd: Ready): Promise<void> {
    if (rd.softState) this.onSoftState(rd.softState);
    const termVoteUnchanged = !rd.hardState || (rd.hardState.term === this.persistedTerm && rd.hardState.vote === this.persistedVote);
    const sendEarly = this.softState.state === 'leader' && termVoteUnchanged && !rd.snapshot;
    if (sendEarly && rd.messages.length > 0) this.transport.send(rd.messages);

    const records: WalRecord[] = [];
    if (rd.snapshot) await this.installSnapshot(rd.snapshot);
    for (const e of rd.entries) records.push({ type: 'entry', index: e.index, data: encodeEntry(e) });
    // A commit-index-only change needs no write of its own: the commit index is a lower bound
    // that Raft re-learns after a restart, so it rides along with the next entries or vote.
    if (rd.hardState && (rd.mustSync || records.length > 0)) records.push({ type: 'state', data: Buffer.from(JSON.stringify(rd.hardState)) });
    if (records.length > 0) await this.wal.append(records);
    if (rd.entries.length > 0) this.storage.append(rd.entries);
    if (rd.hardState) {
      this.storage.setHardState(rd.hardState);
      this.persistedTerm = rd.hardState.term;
      this.persistedVote = rd.hardState.vote;
    }
    if (!sendEarly && rd.messages.length > 0) this.transport.send(rd.messages);

    if (rd.committedEntries.length > 0) {
      const end = this.metrics.applyDuration.startTimer();
      for (const e of rd.committedEntries) this.applyEntry(e);
      end();
      this.metrics.revision.set(this.mvcc.currentRevision);
      this.metrics.appliedIndex.set(this.appliedIndex);
      this.releaseAppliedWaiters();
    }
    for (const rs of rd.readStates) this.onReadState(rs.requestCtx, rs.index);
  }

  private async installSnapshot(snap: Snapshot): Promise<void> {
    const { index, term, confState } = snap.metadata;
    await snapfiles.save(join(this.cfg.dataDir, 'snap'), { index, term, data: snap.data, meta: Buffer.from(JSON.stringify({ confState })) }, { fsync: this.cfg.fsync });
    await this.wal.append([{ type: 'snapshotMarker', index, term }]);
    this.storage.applySnapshot(snap);
    this.setMvcc(MvccStore.restore(Buffer.from(snap.data.buffer, snap.data.byteOffset, snap.data.byteLength)));
    this.appliedIndex = index;
    this.snapshotIndex = index;
    this.confVoters = confState.voters;
    this.log.info({ index, term, revision: this.mvcc.currentRevision }, 'installed snapshot from the leader');
  }

  private onSoftState(ss: SoftState): void {
    const prev = this.softState;
    this.softState = ss;
    if (ss.lead !== prev.lead) {
      this.metrics.leaderChanges.inc();
      this.log.info({ leader: ss.lead ? ss.lead.toString(16) : 'none', state: ss.state }, 'leader changed');
      if (prev.lead !== 0) this.onLeaderLost();
    }
    this.metrics.hasLeader.set(ss.lead !== 0 ? 1 : 0);
    this.metrics.isLeader.set(ss.state === 'leader' ? 1 : 0);
    if (ss.state === 'leader' && prev.state !== 'leader') {
      // A new leader gives every lease a full TTL so none expires early because leadership moved.
      this.lessor.promote(this.cfg.clock.now());
      this.revokesInFlight.clear();
    } else if (ss.state !== 'leader' && prev.state === 'leader') {
      this.lessor.demote();
    }
  }

  /**
   * The leader we knew is gone. Proposals that went to it may be lost or may still commit under
   * the next leader: answer them now as outcome-unknown instead of letting them wait out the
   * request timeout (as etcd answers "leader changed"), and re-issue pending read rounds.
   */
  private onLeaderLost(): void {
    this.failPending('the leader changed while the write was in flight; it may or may not have been applied', 'leaderChanged');
    for (const [ctx, batch] of this.readBatches) {
      this.readBatches.delete(ctx);
      const next = this.nextReadBatch ?? this.newReadBatch();
      next.firstIssuedAt = Math.min(next.firstIssuedAt, batch.firstIssuedAt);
      next.waiters.push(...batch.waiters);
      this.nextReadBatch = next;
    }
    if (this.nextReadBatch) queueMicrotask(() => this.issueReadBatch());
  }

  private applyEntry(e: Entry): void {
    this.appliedIndex = e.index;
    if (e.type === 'confChange') {
      const cs = this.node.applyConfChange(e);
      this.confVoters = cs.voters;
      this.log.info({ voters: cs.voters.map((v) => v.toString(16)) }, 'membership changed');
      return;
    }
    if (e.data.byteLength === 0) return; // a new leader's no-op
    let proposal: { r?: string; c?: unknown };
    try {
      proposal = JSON.parse(Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength).toString('utf8'));
    } catch {
      this.log.error({ index: e.index }, 'skipping a committed entry that is not JSON');
      return;
    }
    const result = this.mvcc.apply(proposal.c);
    if (result.type === 'leaseGrant') this.lessor.grant(result.id, result.ttl);
    else if (result.type === 'leaseRevoke') {
      this.lessor.remove((proposal.c as { id: number }).id);
      this.revokesInFlight.delete((proposal.c as { id: number }).id);
    } else if (result.type === 'error' && (proposal.c as { type?: string })?.type === 'leaseRevoke') {
      const id = (proposal.c as { id: number }).id;
      this.lessor.remove(id);
      this.revokesInFlight.delete(id);
    }
    if (proposal.r !== undefined) {
      const waiter = this.pending.get(proposal.r);
      if (waiter) {
        this.pending.delete(proposal.r);
        this.cfg.clock.clearTimeout(waiter.timer);
        this.metrics.proposalsCommitted.inc();
        this.metrics.proposalsPending.set(this.pending.size);
        waiter.resolve(result);
      }
    }
  }

  private async maybeSnapshot(): Promise<void> {
    if (this.appliedIndex - this.snapshotIndex < this.cfg.snapshotCount) return;
    const index = this.appliedIndex;
    const data = Buffer.concat(this.mvcc.snapshot());
    const snap = this.node.compact(index, data, this.cfg.snapshotCatchUpEntries);
    const snapDir = join(this.cfg.dataDir, 'snap');
    await snapfiles.save(snapDir, { index, term: snap.metadata.term, data, meta: Buffer.from(JSON.stringify({ confState: snap.metadata.confState })) }, { fsync: this.cfg.fsync });
    await this.wal.append([{ type: 'snapshotMarker', index, term: snap.metadata.term }]);
    this.snapshotIndex = index;
    this.metrics.snapshots.inc();
    await snapfiles.purge(snapDir, 2, { fsync: this.cfg.fsync });
    // Keep WAL segments back to the older kept snapshot, so it remains a usable fallback.
    const names = (await readdir(snapDir)).filter((n) => n.endsWith('.snap')).sort();
    const oldest = names.length > 0 ? snapfiles.parseSnapshotFileName(names[0]!)?.index : undefined;
    if (oldest !== undefined) await this.wal.releaseTo(Math.min(oldest, index - this.cfg.snapshotCatchUpEntries));
    this.log.info({ index, revision: this.mvcc.currentRevision, bytes: data.length }, 'saved snapshot');
  }

  private releaseAppliedWaiters(): void {
    if (this.appliedWaiters.length === 0) return;
    const still: typeof this.appliedWaiters = [];
    for (const w of this.appliedWaiters) (w.index <= this.appliedIndex ? w.resolve() : still.push(w));
    this.appliedWaiters = still;
  }

  private waitApplied(index: number): Promise<void> {
    if (index <= this.appliedIndex) return Promise.resolve();
    return new Promise((resolve) => this.appliedWaiters.push({ index, resolve }));
  }

  // ------------------------------------------------------------------ proposals

  private propose(cmd: Command): Promise<CommandResult> {
    if (this.fatal) return Promise.reject(new ServiceError('stopped', `member failed: ${this.fatal.message}`));
    if (this.stopped) return Promise.reject(new ServiceError('stopped', 'the member is shutting down'));
    // Reject malformed or oversized commands before they take space in the replicated log; the
    // state machine checks again when applying (same rules on every replica).
    try {
      cmd = parseCommand(cmd);
    } catch (err) {
      return Promise.reject(this.toServiceError(err));
    }
    const id = `${this.memberIdHex}:${++this.seq}`;
    const data = Buffer.from(JSON.stringify({ r: id, c: cmd }));
    return new Promise<CommandResult>((resolve, reject) => {
      const r = this.node.propose(data);
      if (!r.ok) {
        this.metrics.proposalsFailed.inc({ reason: r.reason });
        const code = r.reason === 'noLeader' ? 'noLeader' : 'internal';
        reject(new ServiceError(code, r.reason === 'noLeader' ? 'no leader: the cluster is electing one, retry shortly' : `proposal dropped: ${r.reason}${'detail' in r && r.detail ? `: ${r.detail}` : ''}`));
        return;
      }
      const timer = this.cfg.clock.setTimeout(() => {
        if (!this.pending.delete(id)) return;
        this.metrics.proposalsFailed.inc({ reason: 'timeout' });
        this.metrics.proposalsPending.set(this.pending.size);
        reject(new ServiceError('timeout', `request timed out after ${this.cfg.requestTimeoutMs} ms waiting for commit; it may still be applied`));
      }, this.cfg.requestTimeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.metrics.proposalsPending.set(this.pending.size);
      this.kick();
    });
  }

  /**
   * Answers every pending proposal as outcome-unknown (`timeout`, never `stopped`): each one was
   * handed to Raft, possibly forwarded to the leader, and may still commit.
   */
  private failPending(message: string, reason: string): void {
    for (const [, p] of this.pending) {
      this.cfg.clock.clearTimeout(p.timer);
      this.metrics.proposalsFailed.inc({ reason });
      p.reject(new ServiceError('timeout', message));
    }
    this.pending.clear();
    this.metrics.proposalsPending.set(0);
  }

  private async proposeOk<T extends CommandResult['type']>(cmd: Command): Promise<Extract<CommandResult, { type: T }>> {
    const result = await this.propose(cmd);
    if (result.type === 'error') throw new ServiceError(result.error.code, result.error.message, result.error.compactRevision !== undefined ? { compactRevision: result.error.compactRevision } : {});
    return result as Extract<CommandResult, { type: T }>;
  }

  // ------------------------------------------------------------------ linearizable reads

  /** Resolves when a local read would be linearizable (ReadIndex confirmed and applied). */
  private linearizable(): Promise<void> {
    if (this.fatal || this.stopped) return Promise.reject(new ServiceError('stopped', 'the member is not serving'));
    return new Promise((resolve, reject) => {
      if (!this.nextReadBatch) this.nextReadBatch = this.newReadBatch();
      this.nextReadBatch.waiters.push({ resolve, reject });
      this.issueReadBatch();
    });
  }

  // One ReadIndex round at a time serves every read queued while the previous round ran.
  private issueReadBatch(): void {
    if (this.readBatches.size > 0 || !this.nextReadBatch) return;
    const batch = this.nextReadBatch;
    this.nextReadBatch = undefined;
    batch.ctx = `${this.memberIdHex}/${++this.readSeq}`;
    batch.issuedAt = this.cfg.clock.now();
    batch.firstIssuedAt = Math.min(batch.firstIssuedAt, batch.issuedAt);
    const r = this.node.readIndex(batch.ctx);
    if (!r.ok) {
      const err = new ServiceError(r.reason === 'noLeader' ? 'noLeader' : 'internal', r.reason === 'noLeader' ? 'no leader: the cluster is electing one, retry shortly' : `read index failed: ${r.reason}`);
      for (const w of batch.waiters) w.reject(err);
      if (this.nextReadBatch) queueMicrotask(() => this.issueReadBatch());
      return;
    }
    this.readBatches.set(batch.ctx, batch);
    this.kick();
  }

  private onReadState(ctx: string, index: number): void {
    const batch = this.readBatches.get(ctx);
    if (!batch) return;
    this.readBatches.delete(ctx);
    void this.waitApplied(index).then(() => {
      for (const w of batch.waiters) w.resolve();
    });
    this.issueReadBatch();
  }

  // Read rounds can be dropped silently (leader change): retry them, and fail them after the timeout.
  private checkReadBatches(): void {
    const now = this.cfg.clock.now();
    const retryAfter = this.cfg.tickMs * this.cfg.electionTicks;
    for (const [ctx, batch] of this.readBatches) {
      if (now - batch.issuedAt < retryAfter) continue;
      this.readBatches.delete(ctx);
      if (now - batch.firstIssuedAt >= this.cfg.requestTimeoutMs) {
        const err = new ServiceError('timeout', `linearizable read timed out after ${now - batch.firstIssuedAt} ms (no leader confirmed it)`);
        for (const w of batch.waiters) w.reject(err);
        continue;
      }
      const next = this.nextReadBatch ?? this.newReadBatch();
      next.firstIssuedAt = Math.min(next.firstIssuedAt, batch.firstIssuedAt);
      next.waiters.push(...batch.waiters);
      this.nextReadBatch = next;
    }
    this.issueReadBatch();
  }

  private newReadBatch(): ReadBatch {
    return { ctx: '', waiters: [], issuedAt: 0, firstIssuedAt: Infinity };
  }

  // ------------------------------------------------------------------ leases (leader side)

  private expireLeases(): void {
    if (this.softState.state !== 'leader' || this.stopped || this.fatal) return;
    const now = this.cfg.clock.now();
    for (const id of this.lessor.expired(now, 500)) {
      const since = this.revokesInFlight.get(id);
      if (since !== undefined && now - since < this.cfg.requestTimeoutMs) continue;
      this.revokesInFlight.set(id, now);
      const r = this.node.propose(Buffer.from(JSON.stringify({ c: { type: 'leaseRevoke', id } })));
      if (!r.ok) this.revokesInFlight.delete(id);
    }
    this.kick();
  }

  private autoCompact(): void {
    if (this.softState.state !== 'leader' || this.stopped || this.fatal) return;
    const target = this.mvcc.currentRevision - this.cfg.autoCompactionRetention;
    if (target <= this.mvcc.compactRevision || target <= 1) return;
    this.propose({ type: 'compact', revision: target }).then(
      () => this.log.info({ revision: target }, 'auto-compacted'),
      (err) => this.log.warn({ err: (err as Error).message, revision: target }, 'auto-compaction failed'),
    );
  }

  /** Leader-only lease operations; followers forward them to the leader over the peer transport. */
  private async onLeader<T>(path: string, body: unknown, local: () => T): Promise<T> {
    if (this.softState.state === 'leader') return local();
    const lead = this.softState.lead;
    if (lead === 0) throw new ServiceError('noLeader', 'no leader: the cluster is electing one, retry shortly');
    let res: { status: number; body: unknown };
    try {
      res = await this.transport.forward(lead, path, body);
    } catch (err) {
      throw new ServiceError('noLeader', `could not reach the leader: ${(err as Error).message}`);
    }
    if (res.status !== 200) {
      const e = (res.body as p.StoreErrorBody).error;
      throw new ServiceError(e?.code ?? 'internal', e?.message ?? `leader answered ${res.status}`);
    }
    return res.body as T;
  }

  /** Mounts the leader-side lease endpoints on the peer listener. */
  peerRoutes(app: import('fastify').FastifyInstance): void {
    const send = (reply: import('fastify').FastifyReply, fn: () => unknown) => {
      try {
        return reply.send(fn());
      } catch (err) {
        const se = this.toServiceError(err);
        return reply.code(se.code === 'leaseNotFound' ? 404 : 503).send({ error: { code: se.code, message: se.message } });
      }
    };
    app.post('/raft/lease/keepalive', async (req, reply) => send(reply, () => this.keepAliveLocal((req.body as { id: number }).id)));
    app.post('/raft/lease/timetolive', async (req, reply) => send(reply, () => this.timeToLiveLocal((req.body as { id: number; keys?: boolean }).id, (req.body as { keys?: boolean }).keys)));
  }

  private keepAliveLocal(id: number): p.LeaseKeepAliveResponse {
    if (this.softState.state !== 'leader') throw new ServiceError('notLeader', 'not the leader');
    const ttl = this.lessor.renew(id);
    return { header: this.header(), id, ttl };
  }

  private timeToLiveLocal(id: number, keys?: boolean): p.LeaseTimeToLiveResponse {
    if (this.softState.state !== 'leader') throw new ServiceError('notLeader', 'not the leader');
    const t = this.lessor.timeToLive(id);
    if (!t) return { header: this.header(), id, ttl: -1, grantedTtl: 0 };
    const res: p.LeaseTimeToLiveResponse = { header: this.header(), id, ttl: t.ttl, grantedTtl: t.grantedTtl };
    if (keys) res.keys = this.mvcc.lease(id)?.keys ?? [];
    return res;
  }

  private toServiceError(err: unknown): ServiceError {
    if (err instanceof ServiceError) return err;
    if (isMvccError(err)) return new ServiceError(err.code, err.message, err.compactRevision !== undefined ? { compactRevision: err.compactRevision } : {});
    return new ServiceError('internal', (err as Error)?.message ?? String(err));
  }

  // ------------------------------------------------------------------ KvService

  private header(revision = this.mvcc.currentRevision): p.ResponseHeader {
    return { revision, memberId: this.memberIdHex, raftTerm: this.persistedTerm };
  }

  private withHeader<T extends { header: { revision: number } }>(r: T): Omit<T, 'header' | 'type'> & { header: p.ResponseHeader } {
    const { type: _t, ...rest } = r as T & { type?: string };
    return { ...rest, header: this.header(r.header.revision) } as Omit<T, 'header' | 'type'> & { header: p.ResponseHeader };
  }

  async range(req: p.RangeRequest): Promise<p.RangeResponse> {
    if (!req.serializable) await this.linearizable();
    const { serializable: _s, ...rest } = req;
    try {
      const r = this.mvcc.range(rest);
      return { ...r, header: this.header(r.header.revision) };
    } catch (err) {
      throw this.toServiceError(err);
    }
  }

  async put(req: p.PutRequest): Promise<p.PutResponse> {
    return this.withHeader(await this.proposeOk<'put'>({ type: 'put', ...req }));
  }

  async deleteRange(req: p.DeleteRangeRequest): Promise<p.DeleteRangeResponse> {
    return this.withHeader(await this.proposeOk<'deleteRange'>({ type: 'deleteRange', ...req }));
  }

  async txn(req: p.TxnRequest): Promise<p.TxnResponse> {
    // A read-only txn still goes through the log: it must be evaluated at one point in the order.
    return this.withHeader(await this.proposeOk<'txn'>({ type: 'txn', ...req } as Command)) as p.TxnResponse;
  }

  async compact(req: p.CompactionRequest): Promise<p.CompactionResponse> {
    if (req.revision > this.mvcc.currentRevision) throw new ServiceError('futureRevision', `revision ${req.revision} is in the future (current ${this.mvcc.currentRevision})`);
    return { header: this.header((await this.proposeOk<'compact'>({ type: 'compact', revision: req.revision })).header.revision) };
  }

  async leaseGrant(req: p.LeaseGrantRequest): Promise<p.LeaseGrantResponse> {
    // Ids come from the proposer so every replica applies the same one.
    const id = req.id ?? Math.floor(this.cfg.random() * (Number.MAX_SAFE_INTEGER - 1)) + 1;
    const r = await this.proposeOk<'leaseGrant'>({ type: 'leaseGrant', id, ttl: req.ttl });
    return { header: this.header(r.header.revision), id: r.id, ttl: r.ttl };
  }

  async leaseRevoke(req: p.LeaseIdRequest): Promise<{ header: p.ResponseHeader }> {
    const r = await this.proposeOk<'leaseRevoke'>({ type: 'leaseRevoke', id: req.id });
    return { header: this.header(r.header.revision) };
  }

  leaseKeepAlive(req: p.LeaseIdRequest): Promise<p.LeaseKeepAliveResponse> {
    return this.onLeader('/raft/lease/keepalive', req, () => {
      try {
        return this.keepAliveLocal(req.id);
      } catch (err) {
        throw this.toServiceError(err);
      }
    });
  }

  leaseTimeToLive(req: p.LeaseIdRequest & { keys?: boolean }): Promise<p.LeaseTimeToLiveResponse> {
    return this.onLeader('/raft/lease/timetolive', req, () => this.timeToLiveLocal(req.id, req.keys));
  }

  watch(req: p.WatchRequest, sink: WatchSink): () => void {
    if (this.fatal || this.stopped) throw new ServiceError('stopped', 'the member is not serving');
    const mvcc = this.mvcc;
    const created = this.header();
    let handle: ReturnType<MvccStore['watch']>;
    try {
      handle = mvcc.watch(
        req,
        (events: WatchEvent[], revision: number) => {
          const ok = sink.send({ header: this.header(revision), events: events as p.WatchEvent[] });
          if (!ok) {
            handle.cancel();
            this.sinks.delete(sink);
            this.metrics.watchers.set(this.sinks.size);
          }
          return ok;
        },
        (reason) => {
          const msg: p.WatchResponse = { header: this.header(), events: [], canceled: true, cancelReason: reason.message };
          sink.send(msg);
          sink.close();
          this.sinks.delete(sink);
          this.metrics.watchers.set(this.sinks.size);
        },
      );
    } catch (err) {
      throw this.toServiceError(err);
    }
    sink.send({ header: created, created: true, events: [] });
    this.sinks.add(sink);
    this.metrics.watchers.set(this.sinks.size);
    return () => {
      handle.cancel();
      this.sinks.delete(sink);
      this.metrics.watchers.set(this.sinks.size);
    };
  }

  status(): p.StatusResponse {
    const st = this.node.status();
    return {
      header: this.header(),
      memberId: this.memberIdHex,
      name: this.cfg.name,
      clusterId: this.cfg.clusterId,
      leader: st.lead ? st.lead.toString(16) : '',
      raftTerm: st.term,
      commitIndex: st.commit,
      appliedIndex: this.appliedIndex,
      revision: this.mvcc.currentRevision,
      compactRevision: this.mvcc.compactRevision,
      dbSize: this.dataSize,
      keys: this.mvcc.indexedKeys,
      members: this.cfg.peers.filter((p) => this.confVoters.includes(p.id)).map((p) => ({ id: p.id.toString(16), name: p.name, peerURL: p.url })),
    };
  }

  ready(): { ok: boolean; reason?: string } {
    if (this.fatal) return { ok: false, reason: `member failed: ${this.fatal.message}` };
    if (this.stopped) return { ok: false, reason: 'stopped' };
    const st = this.node.status();
    if (st.lead === 0) return { ok: false, reason: 'no leader' };
    if (this.appliedIndex < st.commit) return { ok: false, reason: `applying (applied ${this.appliedIndex} < committed ${st.commit})` };
    return { ok: true };
  }

  private async measureDataSize(): Promise<void> {
    let total = 0;
    for (const sub of ['wal', 'snap']) {
      const dir = join(this.cfg.dataDir, sub);
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const n of names) total += await stat(join(dir, n)).then((s) => s.size, () => 0);
    }
    this.dataSize = total;
  }
}

