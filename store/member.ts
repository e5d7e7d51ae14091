// A store member: runs the pure Raft core (raft/) against the WAL, snapshot files, the peer
// transport and the MVCC state machine, and answers the client API (KvService). The parts live in
// member/: recovery (snapshot + WAL load), the Ready loop, proposals, ReadIndex reads and leases;
// this file wires them and is the KvService facade. Every timer goes through cfg.clock.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../lib/util/clock.js';
import type { Logger } from '../lib/util/logger.js';
import type * as p from '../lib/store-client/protocol.js';
import { MvccStore, type Command, type CommandResult, type WatchEvent } from './mvcc/index.js';
import { RawNode, type Entry, type Message, type Snapshot, type SoftState, type MemoryStorage } from './raft/index.js';
import type { Rand } from './raft/rand.js';
import type { Wal } from './wal/wal.js';
import * as snapfiles from './snapshot/snapshot.js';
import { ServiceError, type KvService, type WatchSink } from './service.js';
import { StoreMetrics } from './metrics.js';
import type { PeerInfo } from './transport.js';
import { recover, snapDir } from './member/recovery.js';
import { ReadyLoop } from './member/ready-loop.js';
import { Proposals } from './member/proposals.js';
import { ReadIndexReads } from './member/read-index.js';
import { Leases, type LeaderForwarder } from './member/leases.js';
import { toServiceError } from './member/errors.js';
import { every } from './periodic.js';

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
  /**
   * The member failed (its Ready loop threw: a failed fsync, a corrupt state) and stopped serving.
   * The process should exit non-zero so a supervisor restarts it (main.ts does).
   */
  onFatal?: (err: Error) => void;
}

/** What the member needs from the peer transport (transport.ts; an in-memory one in tests). */
export interface MemberTransport extends LeaderForwarder {
  send(msgs: readonly Message[]): void;
}

/** Raft flow control, as etcd: at most this much unacknowledged data to one follower. */
export const MAX_SIZE_PER_MSG = 1024 * 1024;
export const MAX_INFLIGHT_MSGS = 256;
export const MAX_INFLIGHT_BYTES = 32 * 1024 * 1024;

export class Member implements KvService {
  readonly cfg: MemberConfig;
  readonly metrics: StoreMetrics;
  private readonly log: Logger;
  private node!: RawNode;
  private storage!: MemoryStorage;
  private wal!: Wal;
  private mvcc!: MvccStore;
  private transport!: MemberTransport;
  private loop!: ReadyLoop;
  private readonly proposals: Proposals;
  private readonly reads: ReadIndexReads;
  private readonly leases: Leases;
  private softState: SoftState = { lead: 0, state: 'follower' };
  private appliedIndex = 0;
  private snapshotIndex = 0;
  private confVoters: number[] = [];
  private appliedWaiters: { index: number; resolve: () => void }[] = [];
  private readonly sinks = new Set<WatchSink>();
  private stopped = false;
  private cancelTimers: (() => void)[] = [];
  private dataSize = 0;

  constructor(cfg: MemberConfig) {
    this.cfg = cfg;
    this.log = cfg.logger;
    this.metrics = cfg.metrics ?? new StoreMetrics();
    const kick = () => this.loop?.kick();
    const notServing = () => this.notServing();
    this.proposals = new Proposals({
      clock: cfg.clock,
      metrics: this.metrics,
      requestTimeoutMs: cfg.requestTimeoutMs,
      idPrefix: this.memberIdHex,
      propose: (data) => this.node.propose(data),
      notServing,
      kick,
    });
    this.reads = new ReadIndexReads({
      clock: cfg.clock,
      retryAfterMs: cfg.tickMs * cfg.electionTicks,
      requestTimeoutMs: cfg.requestTimeoutMs,
      idPrefix: this.memberIdHex,
      readIndex: (ctx) => this.node.readIndex(ctx),
      waitApplied: (index) => this.waitApplied(index),
      notServing,
      kick,
    });
    this.leases = new Leases({
      clock: cfg.clock,
      minTtlSeconds: Math.ceil((cfg.tickMs * cfg.electionTicks * 1.5) / 1000),
      requestTimeoutMs: cfg.requestTimeoutMs,
      isLeader: () => this.softState.state === 'leader',
      leaderId: () => this.softState.lead,
      mvcc: () => this.mvcc,
      header: () => this.header(),
      proposeRaw: (data) => this.node.propose(data),
      forwarder: () => this.transport,
    });
  }

  get memberIdHex(): string {
    return this.cfg.id.toString(16);
  }

  // ------------------------------------------------------------------ start / stop

  /** Replays snapshot + WAL from disk and starts the Raft node. */
  async start(transport: MemberTransport): Promise<void> {
    this.transport = transport;
    const r = await recover({ dataDir: this.cfg.dataDir, fsync: this.cfg.fsync, logger: this.log, onFsync: (s) => this.metrics.fsyncDuration.observe(s) });
    this.wal = r.wal;
    this.storage = r.storage;
    this.snapshotIndex = this.appliedIndex = r.snapshotIndex;
    this.confVoters = r.confVoters.length > 0 ? r.confVoters : this.cfg.peers.map((peer) => peer.id);
    this.setMvcc(r.mvcc);
    this.node = new RawNode({
      id: this.cfg.id,
      clusterId: this.cfg.clusterId,
      storage: r.storage,
      rand: this.cfg.rand,
      electionTick: this.cfg.electionTicks,
      heartbeatTick: this.cfg.heartbeatTicks,
      preVote: true,
      checkQuorum: true,
      maxSizePerMsg: MAX_SIZE_PER_MSG,
      maxInflightMsgs: MAX_INFLIGHT_MSGS,
      maxInflightBytes: MAX_INFLIGHT_BYTES,
      ...(r.fresh ? { peers: this.cfg.peers.map((peer) => peer.id) } : {}),
    });
    this.loop = new ReadyLoop({
      node: this.node,
      storage: r.storage,
      wal: r.wal,
      metrics: this.metrics,
      persisted: { term: r.hardState?.term ?? 0, vote: r.hardState?.vote ?? 0 },
      onSoftState: (ss) => this.onSoftState(ss),
      isLeader: () => this.softState.state === 'leader',
      send: (msgs) => this.transport.send(msgs),
      installSnapshot: (snap) => this.installSnapshot(snap),
      applyCommitted: (entries) => this.applyCommitted(entries),
      onReadState: (ctx, index) => this.reads.onReadState(ctx, index),
      afterAdvance: () => this.maybeSnapshot(),
      onFatal: (err) => this.onFatal(err),
    });
    this.log.info({ id: this.memberIdHex, fresh: r.fresh, lastIndex: r.storage.lastIndex(), snapshotIndex: this.snapshotIndex }, 'member starting');

    const clock = this.cfg.clock;
    this.cancelTimers.push(every(clock, this.cfg.tickMs, () => this.tick()));
    this.cancelTimers.push(every(clock, Math.max(100, this.cfg.tickMs * 2), () => this.whileServing(() => this.leases.expire())));
    if (this.cfg.autoCompactionRetention > 0) this.cancelTimers.push(every(clock, this.cfg.autoCompactionIntervalMs, () => this.whileServing(() => this.autoCompact())));
    this.cancelTimers.push(every(clock, 5000, () => void this.measureDataSize()));
    void this.measureDataSize();
    this.loop.kick();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const cancel of this.cancelTimers) cancel();
    this.endRequests('the member shut down', 'stopped');
    // Let an in-flight Ready finish its WAL write before closing the file.
    await this.loop?.stop();
    await this.wal?.close().catch(() => undefined);
  }

  /** Ends watches and answers pending requests: writes as outcome-unknown, reads as stopped. */
  private endRequests(why: string, reason: string): void {
    // Pending writes were handed to Raft (maybe forwarded to the leader): they may still commit.
    this.proposals.failAll(`${why} while the write was in flight; it may or may not have been applied`, reason);
    this.reads.failAll(new ServiceError('stopped', `${why}; the read was not served`));
    for (const s of this.sinks) s.close();
    this.sinks.clear();
    this.metrics.watchers.set(0);
  }

  private onFatal(err: Error): void {
    this.log.fatal({ err }, 'member failed: its Ready loop threw; it stops serving');
    this.endRequests(`the member failed (${err.message})`, 'memberFailed');
    this.cfg.onFatal?.(err);
  }

  private notServing(): ServiceError | undefined {
    // The transport may report on peers before start() has built the node.
    if (!this.loop) return new ServiceError('stopped', 'the member is starting');
    const fatal = this.loop.fatal;
    if (fatal) return new ServiceError('stopped', `member failed: ${fatal.message}`);
    if (this.stopped) return new ServiceError('stopped', 'the member is shutting down');
    return undefined;
  }

  private whileServing(fn: () => void): void {
    if (this.notServing()) return;
    fn();
    this.loop.kick();
  }

  private setMvcc(mvcc: MvccStore): void {
    // Watchers belong to the old state machine: end their streams; clients resume by revision.
    for (const s of this.sinks) s.close();
    this.sinks.clear();
    this.mvcc = mvcc;
    this.leases.restore(mvcc);
  }

  // ------------------------------------------------------------------ Raft inputs

  private tick(): void {
    this.whileServing(() => {
      this.node.tick();
      this.reads.check();
    });
  }

  reportUnreachable(id: number): void {
    if (!this.notServing()) this.node.reportUnreachable(id);
  }

  /** The transport saw `id`'s connection break: if it is our leader, campaign soon (see RawNode.leaderLost). */
  peerLost(id: number): void {
    if (!this.notServing()) this.node.leaderLost(id);
  }

  reportSnapshot(id: number, ok: boolean): void {
    this.whileServing(() => this.node.reportSnapshot(id, ok));
  }

  /** Peer messages arrive here. */
  receive(msgs: Message[]): void {
    this.whileServing(() => {
      for (const m of msgs) {
        const r = this.node.step(m);
        if (!r.ok) {
          this.metrics.rejectedPeerMessages.inc({ reason: r.reason });
          if (r.reason === 'clusterIdMismatch') this.log.error({ from: m.from, detail: r.detail }, 'rejected a message from another cluster');
        }
      }
    });
  }

  // ------------------------------------------------------------------ what the Ready loop calls

  private onSoftState(ss: SoftState): void {
    const prev = this.softState;
    this.softState = ss;
    if (ss.lead !== prev.lead) {
      this.metrics.leaderChanges.inc();
      this.log.info({ leader: ss.lead ? ss.lead.toString(16) : 'none', state: ss.state }, 'leader changed');
      if (prev.lead !== 0) {
        // Proposals that went to the old leader may be lost or may still commit under the next:
        // answer them now as outcome-unknown rather than at the request timeout (as etcd's
        // "leader changed"), and re-issue pending read rounds.
        this.proposals.failAll('the leader changed while the write was in flight; it may or may not have been applied', 'leaderChanged');
        this.reads.leaderLost();
      }
    }
    this.metrics.hasLeader.set(ss.lead !== 0 ? 1 : 0);
    this.metrics.isLeader.set(ss.state === 'leader' ? 1 : 0);
    if (ss.state === 'leader' && prev.state !== 'leader') this.leases.becameLeader();
    else if (ss.state !== 'leader' && prev.state === 'leader') this.leases.lostLeadership();
  }

  private async installSnapshot(snap: Snapshot): Promise<void> {
    const { index, term, confState } = snap.metadata;
    await snapfiles.save(snapDir(this.cfg.dataDir), { index, term, data: snap.data, meta: Buffer.from(JSON.stringify({ confState })) }, { fsync: this.cfg.fsync });
    await this.wal.append([{ type: 'snapshotMarker', index, term }]);
    this.storage.applySnapshot(snap);
    this.setMvcc(MvccStore.restore(Buffer.from(snap.data.buffer, snap.data.byteOffset, snap.data.byteLength)));
    this.appliedIndex = index;
    this.snapshotIndex = index;
    this.confVoters = confState.voters;
    this.log.info({ index, term, revision: this.mvcc.currentRevision }, 'installed snapshot from the leader');
  }

  private applyCommitted(entries: Entry[]): void {
    for (const e of entries) this.applyEntry(e);
    this.metrics.revision.set(this.mvcc.currentRevision);
    this.metrics.appliedIndex.set(this.appliedIndex);
    this.releaseAppliedWaiters();
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
    this.leases.applied((proposal.c ?? {}) as Command, result);
    if (proposal.r !== undefined) this.proposals.settle(proposal.r, result);
  }

  private async maybeSnapshot(): Promise<void> {
    if (this.appliedIndex - this.snapshotIndex < this.cfg.snapshotCount) return;
    const index = this.appliedIndex;
    const data = Buffer.concat(this.mvcc.snapshot());
    const snap = this.node.compact(index, data, this.cfg.snapshotCatchUpEntries);
    const dir = snapDir(this.cfg.dataDir);
    await snapfiles.save(dir, { index, term: snap.metadata.term, data, meta: Buffer.from(JSON.stringify({ confState: snap.metadata.confState })) }, { fsync: this.cfg.fsync });
    await this.wal.append([{ type: 'snapshotMarker', index, term: snap.metadata.term }]);
    this.snapshotIndex = index;
    this.metrics.snapshots.inc();
    await snapfiles.purge(dir, 2, { fsync: this.cfg.fsync });
    // Keep WAL segments back to the older kept snapshot, so it remains a usable fallback.
    const names = (await readdir(dir)).filter((n) => n.endsWith('.snap')).sort();
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

  private autoCompact(): void {
    if (this.softState.state !== 'leader') return;
    const target = this.mvcc.currentRevision - this.cfg.autoCompactionRetention;
    if (target <= this.mvcc.compactRevision || target <= 1) return;
    this.proposals.propose({ type: 'compact', revision: target }).then(
      () => this.log.info({ revision: target }, 'auto-compacted'),
      (err) => this.log.warn({ err: (err as Error).message, revision: target }, 'auto-compaction failed'),
    );
  }

  /** Mounts the leader-side lease endpoints on the peer listener. */
  peerRoutes(app: import('fastify').FastifyInstance): void {
    this.leases.peerRoutes(app);
  }

  /** Answers a lease request another member forwarded to this one (the peer routes' logic). */
  answerForwarded(path: string, body: unknown): unknown {
    return this.leases.answerForwarded(path, body);
  }

  // ------------------------------------------------------------------ KvService

  private header(revision = this.mvcc.currentRevision): p.ResponseHeader {
    return { revision, memberId: this.memberIdHex, raftTerm: this.loop?.term ?? 0 };
  }

  private withHeader<T extends { header: { revision: number } }>(r: T): Omit<T, 'header' | 'type'> & { header: p.ResponseHeader } {
    const { type: _t, ...rest } = r as T & { type?: string };
    return { ...rest, header: this.header(r.header.revision) } as Omit<T, 'header' | 'type'> & { header: p.ResponseHeader };
  }

  private async proposeOk<T extends CommandResult['type']>(cmd: Command): Promise<Extract<CommandResult, { type: T }>> {
    const result = await this.proposals.propose(cmd);
    if (result.type === 'error') throw new ServiceError(result.error.code, result.error.message, result.error.compactRevision !== undefined ? { compactRevision: result.error.compactRevision } : {});
    return result as Extract<CommandResult, { type: T }>;
  }

  async range(req: p.RangeRequest): Promise<p.RangeResponse> {
    if (!req.serializable) await this.reads.wait();
    const { serializable: _s, ...rest } = req;
    try {
      const r = this.mvcc.range(rest);
      return { ...r, header: this.header(r.header.revision) };
    } catch (err) {
      throw toServiceError(err);
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
    return this.leases.keepAlive(req);
  }

  leaseTimeToLive(req: p.LeaseIdRequest & { keys?: boolean }): Promise<p.LeaseTimeToLiveResponse> {
    return this.leases.timeToLive(req);
  }

  watch(req: p.WatchRequest, sink: WatchSink): () => void {
    const refused = this.notServing();
    if (refused) throw refused;
    const created = this.header();
    const forget = () => {
      this.sinks.delete(sink);
      this.metrics.watchers.set(this.sinks.size);
    };
    let handle: ReturnType<MvccStore['watch']>;
    try {
      handle = this.mvcc.watch(
        req,
        (events: WatchEvent[], revision: number) => {
          const ok = sink.send({ header: this.header(revision), events });
          if (!ok) {
            handle.cancel();
            forget();
          }
          return ok;
        },
        (reason) => {
          sink.send({ header: this.header(), events: [], canceled: true, cancelReason: reason.message });
          sink.close();
          forget();
        },
      );
    } catch (err) {
      throw toServiceError(err);
    }
    sink.send({ header: created, created: true, events: [] });
    this.sinks.add(sink);
    this.metrics.watchers.set(this.sinks.size);
    return () => {
      handle.cancel();
      forget();
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
      members: this.cfg.peers.filter((peer) => this.confVoters.includes(peer.id)).map((peer) => ({ id: peer.id.toString(16), name: peer.name, peerURL: peer.url })),
    };
  }

  ready(): { ok: boolean; reason?: string } {
    const refused = this.notServing();
    if (refused) return { ok: false, reason: refused.message };
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
