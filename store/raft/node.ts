// RawNode: the public API of the Raft core.
//
// THE CONTRACT (read this before writing a driver)
// ------------------------------------------------
// The core never does I/O. It has no timers, clock, file system or sockets. The driver owns all of
// them and runs this loop (one Ready at a time):
//
//   every tick interval:        node.tick()
//   on a message from a peer:   node.step(msg)            (returns {ok:false, reason} on bad input)
//   on a client write:          node.propose(data) / node.proposeConfChange(cc)
//   on a linearizable read:     node.readIndex(ctx)       (ctx must be unique among pending reads)
//
//   while (node.hasReady()) {
//     const rd = node.ready();
//     1. persist, and fsync when rd.mustSync:
//          rd.snapshot (if any)  -> snapshot file, then storage.applySnapshot(rd.snapshot)
//          rd.entries            -> WAL, then storage.append(rd.entries)
//          rd.hardState (if any) -> WAL, then storage.setHardState(rd.hardState)
//        (entries may overwrite entries persisted earlier at the same indexes: a later entry at
//        index i replaces every stored entry >= i.)
//     2. send rd.messages (only now: votes and acks must never precede the durable state).
//        After a MsgSnap was delivered or failed, call node.reportSnapshot(to, ok); when a peer is
//        unreachable, node.reportUnreachable(to).
//     3. apply: if rd.snapshot, restore the state machine from rd.snapshot.data; then apply
//        rd.committedEntries in order. For a 'confChange' entry call node.applyConfChange(entry)
//        (always, even if the state machine already had it before a restart).
//        rd.readStates: a read with ctx is linearizable once the applied index >= its index.
//     4. node.advance(rd)
//   }
//
// step/tick/propose/readIndex may be called while a Ready is being processed (between ready()
// and advance()); hasReady() stays false until advance() and ready() throws if called twice.
//
// Durability rules the contract enforces:
// - a vote, an acknowledgement (MsgAppResp) or any other message leaves only after the state it
//   reflects was persisted (step 1 before step 2);
// - the leader counts its own copy of an entry toward commitment only when advance() reports it
//   persisted (like etcd's "self-ack after persist"), so a single-member cluster commits one Ready
//   after proposing;
// - committedEntries are always durable on this node by the time they are applied (a follower's
//   committed entries may be in the same Ready's `entries`, which step 1 persists first).
//
// Snapshots and compaction: when the state machine has a snapshot at applied index i, call
// node.compact(i, data). It records the snapshot (with its term and membership) in MemoryStorage
// and drops entries <= i; persist the returned Snapshot before releasing WAL segments. Followers
// that need compacted entries get a MsgSnap; their Ready then carries `snapshot`.
//
// Transport feedback matters: a leader keeps a follower in "snapshot" state (sending it nothing)
// until reportSnapshot(to, ok) is called for the MsgSnap it sent.
//
// Restart: fill a MemoryStorage from disk (applySnapshot, append entries, setHardState) and create
// a RawNode with it (no `peers`). The applied index restarts at the snapshot index: every committed
// entry after it is handed out again; the driver may skip data entries its state machine already
// has (e.g. by comparing with a stored consistent index) but must call applyConfChange for every
// confChange entry. Brand-new members of the initial cluster pass `peers` (identical on all).
// A member added later starts with empty storage and no peers; the leader fills it in.
// A node does not campaign while committed confChange entries are unapplied, so right after
// construction it holds elections back until the first Ready (bootstrap membership) is applied.
//
// Proposals: on the leader, appended and replicated (batched into MsgApp at the next Ready). On a
// follower, forwarded to the leader as MsgProp (unless disableProposalForwarding). With no known
// leader they are dropped with {ok:false, reason:'noLeader'}. An {ok:true} result does not mean
// committed: a forwarded proposal can still be lost (leader change), so the driver matches
// committed entries to requests (e.g. by an id in data) and times out the rest.
//
// Reads: readIndex(ctx) on the leader is confirmed by a heartbeat round to a quorum, and only
// once the leader has committed an entry of its term; a follower forwards it to the leader.
// Requests that cannot be confirmed (leader lost, no leader) are dropped silently: the driver times
// them out and retries. Serializable reads need nothing from the core (read local state).
//
// Membership: voters only (no learners). One change at a time: a new confChange proposal is
// refused while an earlier one is not applied, and a new leader cannot propose one before it has
// applied its first entry. A change takes effect when applied (applyConfChange). A removed leader
// keeps replicating (without counting itself) until the driver stops it; a removed follower never
// campaigns. Leadership transfer: node.transferLeadership(to).
//
// Messages carry clusterId; step() rejects others with reason 'clusterIdMismatch' (and counts
// them in status().rejected) so the driver can log a clear line.
import { encodeConfChange, decodeConfChange, validateConfChange } from './conf-change.js';
import type { Rand } from './rand.js';
import { Raft, type RaftOptions, type StepResult } from './raft.js';
import type { MemoryStorage } from './storage.js';
import { validateMessage } from './validate.js';
import {
  LOCAL_MESSAGE_TYPES,
  hardStateEqual,
  makeMessage,
  type ConfChange,
  type ConfState,
  type Entry,
  type HardState,
  type Message,
  type ReadState,
  type Snapshot,
  type SoftState,
  type StateType,
} from './types.js';

export type { StepResult } from './raft.js';

export interface NodeConfig extends Omit<RaftOptions, 'storage' | 'rand'> {
  storage: MemoryStorage;
  rand: Rand;
  /** Only for the very first start of an initial member (empty storage): the initial voters. */
  peers?: number[];
}

/** A batch of work for the driver; see the contract at the top of this file. */
export interface Ready {
  /** Present when leader or role changed. */
  softState?: SoftState;
  /** Present when term, vote or commit changed: persist it. */
  hardState?: HardState;
  /** Entries to persist (before sending messages). */
  entries: Entry[];
  /** Snapshot to persist and install (before entries). */
  snapshot?: Snapshot;
  /** Entries to apply to the state machine, in order. */
  committedEntries: Entry[];
  /** Messages to send after persisting. */
  messages: Message[];
  /** Confirmed linearizable reads. */
  readStates: ReadState[];
  /** Whether persisting needs an fsync (term, vote or entries changed; commit alone does not). */
  mustSync: boolean;
}

export interface ProgressStatus {
  match: number;
  next: number;
  state: string;
  recentActive: boolean;
}

export interface Status {
  id: number;
  term: number;
  vote: number;
  commit: number;
  lead: number;
  state: StateType;
  applied: number;
  firstIndex: number;
  lastIndex: number;
  voters: number[];
  leadTransferee: number;
  /** The leader's view of every member (empty on followers). */
  progress: Record<number, ProgressStatus>;
  rejected: { clusterIdMismatch: number; invalid: number };
}

export class RawNode {
  /** The protocol state; exposed for tests and debugging, drivers should not touch it. */
  readonly raft: Raft;
  private readonly storage: MemoryStorage;
  private prevSoftState: SoftState;
  private prevHardState: HardState;
  private outstanding: Ready | undefined;

  constructor(config: NodeConfig) {
    this.storage = config.storage;
    this.raft = new Raft(config);
    const empty =
      config.storage.lastIndex() === 0 &&
      config.storage.snapshot().metadata.index === 0 &&
      config.storage.hardStateNow().term === 0;
    // A driver may pass the initial peers on every start; they only matter for an empty storage
    // (after that the membership lives in the log and snapshots).
    if (empty && config.peers && config.peers.length > 0) this.raft.bootstrap(config.peers);
    // Report the initial state as "previous" so the first Ready only carries changes, except that
    // a bootstrap's term must be persisted.
    this.prevSoftState = { lead: this.raft.lead, state: this.raft.state };
    this.prevHardState = empty ? { term: 0, vote: 0, commit: 0 } : this.hardState();
  }

  get id(): number {
    return this.raft.id;
  }

  // ------------------------------------------------------------------ inputs

  /** Advances the logical clock by one tick (election and heartbeat timeouts count ticks). */
  tick(): void {
    this.raft.tick();
  }

  /** Starts an election now (skipping the randomized timeout); PreVote still applies. */
  campaign(): StepResult {
    return this.raft.stepLocal('MsgHup');
  }

  /** Proposes a normal entry. See the contract about what {ok:true} means. */
  propose(data: Uint8Array): StepResult {
    return this.proposeEntries([{ term: 0, index: 0, type: 'normal', data }]);
  }

  /** Proposes many normal entries at once (one message, one append). */
  proposeBatch(datas: readonly Uint8Array[]): StepResult {
    if (datas.length === 0) return { ok: false, reason: 'invalidMessage', detail: 'empty proposal batch' };
    return this.proposeEntries(datas.map((data) => ({ term: 0, index: 0, type: 'normal' as const, data })));
  }

  /** Proposes a single-member change (addNode/removeNode). */
  proposeConfChange(cc: ConfChange): StepResult {
    try {
      validateConfChange(cc);
    } catch (err) {
      return { ok: false, reason: 'invalidMessage', detail: (err as Error).message };
    }
    return this.proposeEntries([{ term: 0, index: 0, type: 'confChange', data: encodeConfChange(cc) }]);
  }

  private proposeEntries(entries: Entry[]): StepResult {
    for (const e of entries) {
      if (!(e.data instanceof Uint8Array)) {
        return { ok: false, reason: 'invalidMessage', detail: 'proposal data must be a Uint8Array' };
      }
    }
    return this.raft.stepLocal('MsgProp', { entries });
  }

  /** Requests a linearizable read; the answer arrives as a ReadState with the same ctx. */
  readIndex(ctx: string): StepResult {
    if (typeof ctx !== 'string') return { ok: false, reason: 'invalidMessage', detail: 'read ctx must be a string' };
    return this.raft.stepLocal('MsgReadIndex', { context: ctx });
  }

  /** Asks the leader (this node, or forwarded) to hand leadership to `to`. */
  transferLeadership(to: number): StepResult {
    if (!Number.isSafeInteger(to) || to <= 0) return { ok: false, reason: 'invalidMessage', detail: `bad node id ${to}` };
    // As in etcd, the message names the transferee in `from`.
    return this.raft.step(makeMessage({ type: 'MsgTransferLeader', from: to, to: this.raft.id }));
  }

  /** Feeds a message received from a peer. Bad or foreign messages are rejected, never thrown. */
  step(msg: Message): StepResult {
    const problem = validateMessage(msg);
    if (problem !== undefined) {
      this.raft.rejected.invalid++;
      return { ok: false, reason: 'invalidMessage', detail: problem };
    }
    if (LOCAL_MESSAGE_TYPES.has(msg.type)) {
      this.raft.rejected.invalid++;
      return { ok: false, reason: 'invalidMessage', detail: `${msg.type} is a local message type` };
    }
    if (msg.clusterId !== this.raft.clusterId) {
      this.raft.rejected.clusterIdMismatch++;
      return {
        ok: false,
        reason: 'clusterIdMismatch',
        detail: `message from ${msg.from} has cluster id ${JSON.stringify(msg.clusterId)}, this node is in ${JSON.stringify(this.raft.clusterId)}`,
      };
    }
    if (msg.to !== this.raft.id) {
      this.raft.rejected.invalid++;
      return { ok: false, reason: 'wrongRecipient', detail: `message for ${msg.to} delivered to ${this.raft.id}` };
    }
    // A response from a peer we don't know (e.g. removed) is ignored inside; requests still count.
    return this.raft.step(msg);
  }

  /**
   * The driver saw the connection of `id`, the current leader, drop (its process most likely
   * died). This follower stops trusting the leader lease and campaigns after a short random delay
   * (up to a quarter of the election timeout) instead of a full randomized timeout. Only timing
   * changes: PreVote still needs a quorum that has lost the leader too, and any message from a
   * live leader resets the timer as usual. Ignored unless `id` is the leader this node follows.
   */
  leaderLost(id: number): void {
    if (this.raft.lead === id) this.raft.leaderLost();
  }

  /** The transport failed to reach `id`: stop optimistic streaming to it. */
  reportUnreachable(id: number): void {
    this.raft.step(makeMessage({ type: 'MsgUnreachable', from: id, to: this.raft.id }));
  }

  /** The transport finished (ok) or failed sending a MsgSnap to `id`. */
  reportSnapshot(id: number, ok: boolean): void {
    this.raft.step(makeMessage({ type: 'MsgSnapStatus', from: id, to: this.raft.id, reject: !ok }));
  }

  // ------------------------------------------------------------------ outputs

  private hardState(): HardState {
    return { term: this.raft.term, vote: this.raft.vote, commit: this.raft.raftLog.committed };
  }

  hasReady(): boolean {
    if (this.outstanding) return false;
    const r = this.raft;
    if (r.pendingBroadcast && r.state === 'leader') return true;
    if (r.lead !== this.prevSoftState.lead || r.state !== this.prevSoftState.state) return true;
    if (!hardStateEqual(this.hardState(), this.prevHardState)) return true;
    const log = r.raftLog;
    return (
      log.unstable.hasNextEntries() ||
      log.unstable.nextSnapshot() !== undefined ||
      r.msgs.length > 0 ||
      r.readStates.length > 0 ||
      log.hasNextCommittedEntries()
    );
  }

  ready(): Ready {
    if (this.outstanding) throw new Error('raft: ready() called again before advance() of the previous Ready');
    const r = this.raft;
    r.flushBroadcast();
    const log = r.raftLog;
    const rd: Ready = {
      entries: log.unstable.nextEntries(),
      committedEntries: log.nextCommittedEntries(),
      messages: r.msgs,
      readStates: r.readStates,
      mustSync: false,
    };
    const snap = log.unstable.nextSnapshot();
    if (snap) rd.snapshot = snap;
    r.msgs = [];
    r.readStates = [];
    if (r.lead !== this.prevSoftState.lead || r.state !== this.prevSoftState.state) {
      rd.softState = { lead: r.lead, state: r.state };
      this.prevSoftState = rd.softState;
    }
    const hs = this.hardState();
    if (!hardStateEqual(hs, this.prevHardState)) {
      rd.hardState = hs;
      rd.mustSync = hs.term !== this.prevHardState.term || hs.vote !== this.prevHardState.vote;
      this.prevHardState = hs;
    }
    if (rd.entries.length > 0 || rd.snapshot) rd.mustSync = true;
    log.unstable.acceptInProgress();
    if (rd.committedEntries.length > 0) {
      log.applying = rd.committedEntries[rd.committedEntries.length - 1]!.index;
      r.reduceUncommittedSize(rd.committedEntries);
    }
    this.outstanding = rd;
    return rd;
  }

  /** Reports that `rd` was fully processed (persisted, sent, applied). */
  advance(rd: Ready): void {
    if (this.outstanding !== rd) {
      throw new Error('raft: advance() must be called with the Ready returned by the last ready()');
    }
    this.checkPersisted(rd);
    this.outstanding = undefined;
    const log = this.raft.raftLog;
    if (rd.snapshot) {
      log.stableSnapTo(rd.snapshot.metadata.index);
      if (rd.snapshot.metadata.index > log.applied) log.appliedTo(rd.snapshot.metadata.index);
    }
    if (rd.entries.length > 0) {
      const last = rd.entries[rd.entries.length - 1]!;
      log.stableTo(last.index, last.term);
    }
    if (rd.committedEntries.length > 0) {
      const lastIndex = rd.committedEntries[rd.committedEntries.length - 1]!.index;
      if (lastIndex > log.applied) log.appliedTo(lastIndex);
    }
    this.raft.onPersisted();
  }

  /** Catches the most damaging driver bug: advancing without writing the Ready into storage. */
  private checkPersisted(rd: Ready): void {
    const st = this.storage;
    if (rd.snapshot && st.snapshot().metadata.index < rd.snapshot.metadata.index) {
      throw new Error(`raft: advance() before the Ready's snapshot (index ${rd.snapshot.metadata.index}) was applied to storage`);
    }
    if (rd.entries.length > 0) {
      const last = rd.entries[rd.entries.length - 1]!;
      let ok = st.lastIndex() >= last.index;
      if (ok && last.index >= st.firstIndex()) ok = st.term(last.index) === last.term;
      if (!ok) throw new Error(`raft: advance() before the Ready's entries (up to ${last.index}) were appended to storage`);
    }
  }

  /** Applies a committed confChange entry; returns the new membership. */
  applyConfChange(entry: Entry): ConfState {
    if (entry.type !== 'confChange') throw new Error(`raft: entry ${entry.index} is not a confChange entry`);
    const cc = decodeConfChange(entry.data);
    return this.raft.applyConfChange(entry.index, cc.type, cc.nodeId);
  }

  /**
   * The state machine has a snapshot at applied index `index` with `data`: record it in storage
   * and drop the log up to it. Returns the snapshot to persist.
   */
  /**
   * Records a state machine snapshot at `index` and drops log entries up to `index - keepEntries`
   * (keeping a tail lets slightly lagging followers catch up from the log instead of a snapshot).
   */
  compact(index: number, data: Uint8Array, keepEntries = 0): Snapshot {
    const log = this.raft.raftLog;
    if (!Number.isSafeInteger(index) || index > log.applied) {
      throw new Error(`raft: cannot compact to ${index}: only entries up to applied index ${log.applied} may be compacted`);
    }
    const current = this.storage.snapshot().metadata.index;
    if (index <= current) throw new Error(`raft: cannot compact to ${index}: already compacted to ${current}`);
    const snap = this.storage.createSnapshot(index, this.raft.confStateAt(index), data);
    this.storage.compact(Math.max(0, index - Math.max(0, Math.floor(keepEntries))));
    this.raft.compactConfHistory(index);
    return snap;
  }

  // ------------------------------------------------------------------ introspection

  /** Current membership as applied. */
  confState(): ConfState {
    return this.raft.trk.confState();
  }

  status(): Status {
    const r = this.raft;
    const progress: Record<number, ProgressStatus> = {};
    if (r.state === 'leader') {
      for (const [id, pr] of r.trk.progress) {
        progress[id] = { match: pr.match, next: pr.next, state: pr.state, recentActive: pr.recentActive };
      }
    }
    return {
      id: r.id,
      term: r.term,
      vote: r.vote,
      commit: r.raftLog.committed,
      lead: r.lead,
      state: r.state,
      applied: r.raftLog.applied,
      firstIndex: r.raftLog.firstIndex(),
      lastIndex: r.raftLog.lastIndex(),
      voters: [...r.trk.voters],
      leadTransferee: r.leadTransferee,
      progress,
      rejected: { ...r.rejected },
    };
  }

  /** Whether this node currently believes it is the leader. */
  isLeader(): boolean {
    return this.raft.state === 'leader';
  }

  /** The leader this node knows of, 0 if none. */
  leader(): number {
    return this.raft.lead;
  }
}

