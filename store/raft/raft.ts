// The Raft protocol state machine: elections (with PreVote and CheckQuorum), replication with
// flow control, commitment, snapshots, ReadIndex, leadership transfer and membership changes.
// Pure: it changes memory only; node.ts turns its effects into Ready batches for the driver.
import { decodeConfChange } from './conf-change.js';
import { RaftLog } from './log.js';
import type { Rand } from './rand.js';
import { ReadOnly } from './read-only.js';
import type { Storage } from './storage.js';
import { ProgressTracker } from './tracker.js';
import {
  entriesSize,
  makeMessage,
  type ConfState,
  type Entry,
  type Message,
  type MessageType,
  type ReadState,
  type Snapshot,
  type StateType,
} from './types.js';

/** Context marking vote requests caused by a leadership transfer: they bypass the leader lease. */
export const CAMPAIGN_TRANSFER = 'CampaignTransfer';

export type CampaignType = 'preElection' | 'election' | 'transfer';

export type StepFailure =
  | 'noLeader'
  | 'proposalDropped'
  | 'clusterIdMismatch'
  | 'invalidMessage'
  | 'wrongRecipient'
  | 'notLeader';

export type StepResult = { ok: true } | { ok: false; reason: StepFailure; detail: string };

export const OK: StepResult = Object.freeze({ ok: true }) as StepResult;

function fail(reason: StepFailure, detail: string): StepResult {
  return { ok: false, reason, detail };
}

export interface RaftOptions {
  /** This node's id (positive integer). */
  id: number;
  /** Messages carrying another cluster id are rejected. */
  clusterId: string;
  storage: Storage;
  /** Seeded randomness for election timeouts. */
  rand: Rand;
  /** Ticks without hearing from a leader before campaigning (randomized in [e, 2e)). Default 10. */
  electionTick?: number;
  /** Ticks between leader heartbeats. Default 1. Must be < electionTick. */
  heartbeatTick?: number;
  /** Run a pre-election so a partitioned node cannot inflate terms. Default true. */
  preVote?: boolean;
  /** Leader steps down without a quorum; followers ignore votes while they have a leader. Default true. */
  checkQuorum?: boolean;
  /** Bytes of entries per MsgApp (at least one entry is always sent). Default 1 MiB. */
  maxSizePerMsg?: number;
  /** MsgApp messages in flight per follower in replicate state. Default 256. */
  maxInflightMsgs?: number;
  /** Bytes in flight per follower (0 = unlimited). Default 0. */
  maxInflightBytes?: number;
  /** Uncommitted bytes the leader accepts before dropping proposals (0 = unlimited). Default 0. */
  maxUncommittedEntriesSize?: number;
  /** Bytes of committed entries handed out per Ready. Default 64 MiB. */
  maxCommittedSizePerReady?: number;
  /** Drop proposals on followers instead of forwarding them to the leader. Default false. */
  disableProposalForwarding?: boolean;
}

interface ConfRecord {
  index: number;
  voters: number[];
}

export class Raft {
  readonly id: number;
  readonly clusterId: string;
  term = 0;
  vote = 0;
  lead = 0;
  state: StateType = 'follower';
  readonly raftLog: RaftLog;
  readonly trk: ProgressTracker;
  msgs: Message[] = [];
  readStates: ReadState[] = [];

  readonly electionTimeout: number;
  readonly heartbeatTimeout: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly maxMsgSize: number;
  readonly maxUncommittedSize: number;
  readonly disableProposalForwarding: boolean;
  private readonly rand: Rand;

  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;
  /** Target of an ongoing leadership transfer, 0 when none. */
  leadTransferee = 0;
  /** Index of the last conf change the leader appended; a new one waits until it is applied. */
  pendingConfIndex = 0;
  private uncommittedSize = 0;
  private readOnly = new ReadOnly();
  /** ReadIndex requests received before this leader committed an entry of its term. */
  private pendingReadIndexMessages: Message[] = [];
  /** Proposals were appended since the last broadcast; they go out batched at the next Ready. */
  pendingBroadcast = false;
  /** Membership as of the last snapshot, then every conf change applied after it. */
  private confBase: ConfRecord;
  private confHistory: ConfRecord[] = [];
  readonly rejected = { clusterIdMismatch: 0, invalid: 0 };

  constructor(opts: RaftOptions) {
    if (!Number.isSafeInteger(opts.id) || opts.id <= 0) throw new Error(`raft: id must be a positive integer, got ${opts.id}`);
    this.id = opts.id;
    this.clusterId = opts.clusterId;
    this.rand = opts.rand;
    this.electionTimeout = opts.electionTick ?? 10;
    this.heartbeatTimeout = opts.heartbeatTick ?? 1;
    if (!(this.heartbeatTimeout > 0) || !(this.electionTimeout > this.heartbeatTimeout)) {
      throw new Error(
        `raft: need 0 < heartbeatTick < electionTick, got heartbeatTick=${this.heartbeatTimeout} electionTick=${this.electionTimeout}`,
      );
    }
    this.preVote = opts.preVote ?? true;
    this.checkQuorum = opts.checkQuorum ?? true;
    this.maxMsgSize = opts.maxSizePerMsg ?? 1024 * 1024;
    this.maxUncommittedSize = opts.maxUncommittedEntriesSize ?? 0;
    this.disableProposalForwarding = opts.disableProposalForwarding ?? false;
    this.raftLog = new RaftLog(opts.storage, opts.maxCommittedSizePerReady ?? 64 * 1024 * 1024);
    this.trk = new ProgressTracker(opts.maxInflightMsgs ?? 256, opts.maxInflightBytes ?? 0);

    const { hardState, confState } = opts.storage.initialState();
    const snapIndex = opts.storage.snapshot().metadata.index;
    this.confBase = { index: snapIndex, voters: [...confState.voters] };
    this.trk.setVoters(confState.voters, this.raftLog.lastIndex() + 1);
    if (hardState.term !== 0 || hardState.vote !== 0 || hardState.commit !== 0) {
      if (hardState.commit < this.raftLog.committed || hardState.commit > this.raftLog.lastIndex()) {
        throw new Error(
          `raft: stored commit ${hardState.commit} is outside the stored log [${this.raftLog.committed}, ${this.raftLog.lastIndex()}]`,
        );
      }
      this.raftLog.committed = hardState.commit;
      this.term = hardState.term;
      this.vote = hardState.vote;
    }
    this.becomeFollower(this.term, 0);
  }

  /**
   * First start of a brand-new cluster member listed in the initial cluster: appends one addNode
   * entry per peer at term 1 (identical on every initial member), commits and applies them to the
   * tracker. The driver still receives them as committed entries and applies them like any other.
   */
  bootstrap(peers: readonly number[]): void {
    const ids = [...new Set(peers)].sort((a, b) => a - b);
    if (ids.length === 0) throw new Error('raft: bootstrap needs at least one peer');
    for (const id of ids) if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`raft: bad peer id ${id}`);
    const enc = new TextEncoder();
    this.becomeFollower(1, 0);
    const ents: Entry[] = ids.map((id, k) => ({
      term: 1,
      index: k + 1,
      type: 'confChange',
      data: enc.encode(JSON.stringify({ type: 'addNode', nodeId: id })),
    }));
    this.raftLog.append(ents);
    this.raftLog.committed = ents.length;
    this.trk.setVoters(ids, this.raftLog.lastIndex() + 1);
  }

  // ---------------------------------------------------------------- state transitions

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = 0;
    }
    this.lead = 0;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.leadTransferee = 0;
    this.trk.resetVotes();
    const last = this.raftLog.lastIndex();
    const voters = this.trk.voters;
    this.trk.setVoters([], 0);
    this.trk.setVoters(voters, last + 1);
    for (const pr of this.trk.progress.values()) pr.recentActive = false;
    const self = this.trk.progress.get(this.id);
    if (self) self.match = this.raftLog.stableIndex();
    this.pendingConfIndex = 0;
    this.uncommittedSize = 0;
    this.readOnly = new ReadOnly();
    this.pendingReadIndexMessages = [];
    this.pendingBroadcast = false;
  }

  private resetRandomizedElectionTimeout(): void {
    this.randomizedElectionTimeout = this.electionTimeout + this.rand.intn(this.electionTimeout);
  }

  becomeFollower(term: number, lead: number): void {
    this.reset(term);
    this.lead = lead;
    this.state = 'follower';
  }

  private becomeCandidate(): void {
    if (this.state === 'leader') throw new Error('raft: leader cannot become candidate directly');
    this.reset(this.term + 1);
    this.vote = this.id;
    this.state = 'candidate';
  }

  private becomePreCandidate(): void {
    if (this.state === 'leader') throw new Error('raft: leader cannot become pre-candidate directly');
    // Neither term nor vote changes: a pre-election must not disturb anyone.
    this.trk.resetVotes();
    this.lead = 0;
    this.state = 'preCandidate';
  }

  private becomeLeader(): void {
    if (this.state === 'follower') throw new Error('raft: follower cannot become leader directly');
    this.reset(this.term);
    this.lead = this.id;
    this.state = 'leader';
    const self = this.trk.progress.get(this.id);
    if (self) {
      self.becomeReplicate();
      self.recentActive = true;
    }
    // No conf change until everything before this term is applied (fixes the single-server
    // membership change bug: the leader must first commit an entry of its own term).
    this.pendingConfIndex = this.raftLog.lastIndex();
    // The no-op entry lets the leader commit (and thereby learn the commit index) in its term.
    this.appendEntries([{ term: 0, index: 0, type: 'normal', data: new Uint8Array(0) }]);
  }

  promotable(): boolean {
    return this.trk.isVoter(this.id) && !this.raftLog.hasPendingSnapshot();
  }

  // ---------------------------------------------------------------- ticks

  tick(): void {
    if (this.state === 'leader') this.tickHeartbeat();
    else this.tickElection();
  }

  /** See RawNode.leaderLost. */
  leaderLost(): void {
    if (this.state !== 'follower' || this.lead === 0) return;
    this.electionElapsed = Math.max(this.electionElapsed, this.electionTimeout);
    const spread = Math.max(1, Math.floor(this.electionTimeout / 4));
    this.randomizedElectionTimeout = this.electionElapsed + 1 + this.rand.intn(spread);
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.stepLocal('MsgHup');
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0;
      if (this.checkQuorum) this.stepLocal('MsgCheckQuorum');
      // A transfer that did not finish within an election timeout is abandoned.
      if (this.state === 'leader' && this.leadTransferee !== 0) this.leadTransferee = 0;
    }
    if (this.state !== 'leader') return;
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0;
      this.stepLocal('MsgBeat');
    }
  }

  stepLocal(type: MessageType, fields: Partial<Message> = {}): StepResult {
    return this.step(makeMessage({ type, from: this.id, to: this.id, ...fields }));
  }

  // ---------------------------------------------------------------- sending

  private send(m: Message): void {
    if (m.from === 0) m.from = this.id;
    m.clusterId = this.clusterId;
    const t = m.type;
    if (t === 'MsgVote' || t === 'MsgVoteResp' || t === 'MsgPreVote' || t === 'MsgPreVoteResp') {
      if (m.term === 0) throw new Error(`raft: ${t} must carry a term`);
    } else if (t === 'MsgProp' || t === 'MsgReadIndex') {
      // Forwarded requests act like local ones: no term, so they survive term changes.
      m.term = 0;
    } else {
      m.term = this.term;
    }
    this.msgs.push(m);
  }

  private msg(type: MessageType, to: number, fields: Partial<Message> = {}): Message {
    return makeMessage({ type, from: this.id, to, ...fields });
  }

  /**
   * Sends entries (or an empty probe if sendIfEmpty) to `to`; returns whether anything was sent.
   * `withEntries: false` sends an empty probe: it asks where the follower's log ends without
   * shipping up to maxSizePerMsg of entries again.
   */
  maybeSendAppend(to: number, sendIfEmpty: boolean, withEntries = true): boolean {
    const pr = this.trk.progress.get(to);
    if (!pr || pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.raftLog.term(prevIndex);
    if (prevTerm === undefined) return this.maybeSendSnapshot(to);
    let ents: Entry[] = [];
    if (withEntries && (pr.state !== 'replicate' || !pr.inflights.full())) {
      const got = this.raftLog.entries(pr.next, this.maxMsgSize);
      if (got === undefined) return this.maybeSendSnapshot(to);
      ents = got;
    }
    if (ents.length === 0 && !sendIfEmpty) return false;
    const commit = this.raftLog.committed;
    this.send(this.msg('MsgApp', to, { index: prevIndex, logTerm: prevTerm, entries: ents, commit }));
    pr.sentEntries(ents.length, entriesSize(ents));
    pr.sentCommit = commit;
    return true;
  }

  private sendAppend(to: number): void {
    this.maybeSendAppend(to, true);
  }

  private maybeSendSnapshot(to: number): boolean {
    const pr = this.trk.progress.get(to)!;
    // A peer we have not heard from may be down; don't ship a whole snapshot into the void.
    if (!pr.recentActive) return false;
    const snap = this.raftLog.snapshot();
    if (snap.metadata.index === 0) return false; // nothing compacted yet: cannot happen in practice
    pr.becomeSnapshot(snap.metadata.index);
    this.send(this.msg('MsgSnap', to, { snapshot: snap }));
    return true;
  }

  private sendHeartbeat(to: number, ctx: string | undefined): void {
    const pr = this.trk.progress.get(to)!;
    // Never tell a follower to commit beyond what it is known to have.
    const commit = Math.min(pr.match, this.raftLog.committed);
    const m = this.msg('MsgHeartbeat', to, { commit });
    if (ctx !== undefined) m.context = ctx;
    this.send(m);
    if (commit > pr.sentCommit) pr.sentCommit = commit;
  }

  bcastAppend(): void {
    this.pendingBroadcast = false;
    for (const id of this.trk.progress.keys()) if (id !== this.id) this.sendAppend(id);
  }

  private bcastHeartbeat(): void {
    const ctx = this.readOnly.lastPendingRequestCtx();
    for (const id of this.trk.progress.keys()) if (id !== this.id) this.sendHeartbeat(id, ctx);
  }

  /** Sends batched proposals appended since the last call. */
  flushBroadcast(): void {
    if (this.pendingBroadcast && this.state === 'leader') this.bcastAppend();
    this.pendingBroadcast = false;
  }

  // ---------------------------------------------------------------- leader bookkeeping

  private appendEntries(es: Entry[]): boolean {
    let size = 0;
    for (const e of es) size += e.data.byteLength;
    if (this.maxUncommittedSize > 0 && this.uncommittedSize > 0 && this.uncommittedSize + size > this.maxUncommittedSize) {
      return false;
    }
    this.uncommittedSize += size;
    let li = this.raftLog.lastIndex();
    for (const e of es) {
      e.term = this.term;
      e.index = ++li;
    }
    this.raftLog.append(es);
    this.pendingBroadcast = true;
    // The leader's own match advances only when the driver reports these entries durable.
    return true;
  }

  /** Entries handed to the driver as committed no longer count against the uncommitted limit. */
  reduceUncommittedSize(ents: readonly Entry[]): void {
    if (this.state !== 'leader' || this.uncommittedSize === 0) return;
    let size = 0;
    for (const e of ents) size += e.data.byteLength;
    this.uncommittedSize = Math.max(0, this.uncommittedSize - size);
  }

  private maybeCommit(): boolean {
    const before = this.raftLog.committed;
    const ok = this.raftLog.maybeCommit(this.trk.committed(), this.term);
    if (ok && this.raftLog.term(before) !== this.term) this.releasePendingReadIndexMessages();
    return ok;
  }

  /** The driver persisted everything up to the log's stable index: count our own copy. */
  onPersisted(): void {
    if (this.state !== 'leader') return;
    const self = this.trk.progress.get(this.id);
    if (!self) return;
    if (self.maybeUpdate(this.raftLog.stableIndex()) && this.maybeCommit()) this.bcastAppend();
  }

  private committedEntryInCurrentTerm(): boolean {
    return this.raftLog.term(this.raftLog.committed) === this.term;
  }

  private releasePendingReadIndexMessages(): void {
    if (!this.committedEntryInCurrentTerm()) return;
    const msgs = this.pendingReadIndexMessages;
    this.pendingReadIndexMessages = [];
    for (const m of msgs) this.handleReadIndexAsLeader(m);
  }

  private isSingleVoter(): boolean {
    return this.trk.voters.length === 1 && this.trk.voters[0] === this.id;
  }

  private handleReadIndexAsLeader(m: Message): StepResult {
    const ctx = m.context ?? '';
    if (this.isSingleVoter()) {
      this.respondToReadIndex(m.from, this.raftLog.committed, ctx);
      return OK;
    }
    if (!this.readOnly.addRequest(this.raftLog.committed, m.from, ctx)) {
      // A duplicate from the network is harmless; a local caller reusing a context is a bug.
      if (m.from !== this.id) return OK;
      return fail('invalidMessage', `read index context ${JSON.stringify(ctx)} is already pending`);
    }
    this.readOnly.recvAck(this.id, ctx);
    for (const id of this.trk.progress.keys()) if (id !== this.id) this.sendHeartbeat(id, ctx);
    return OK;
  }

  private respondToReadIndex(from: number, index: number, ctx: string): void {
    if (from === 0 || from === this.id) {
      this.readStates.push({ index, requestCtx: ctx });
    } else {
      this.send(this.msg('MsgReadIndexResp', from, { index, context: ctx }));
    }
  }

  // ---------------------------------------------------------------- elections

  private hasUnappliedConfChanges(): boolean {
    const lo = this.raftLog.applied + 1;
    const hi = this.raftLog.committed + 1;
    if (lo >= hi) return false;
    const ents = this.raftLog.slice(lo, hi, Number.MAX_SAFE_INTEGER) ?? [];
    return ents.some((e) => e.type === 'confChange');
  }

  private hup(t: CampaignType): void {
    if (this.state === 'leader') return;
    if (!this.promotable()) return;
    // A conf change that is committed but not applied may change who we must ask for votes.
    if (this.hasUnappliedConfChanges()) return;
    this.campaign(t);
  }

  campaign(t: CampaignType): void {
    let voteMsg: MessageType;
    let term: number;
    if (t === 'preElection') {
      this.becomePreCandidate();
      voteMsg = 'MsgPreVote';
      // Ask for votes in the term we would use, without moving to it yet.
      term = this.term + 1;
    } else {
      this.becomeCandidate();
      voteMsg = 'MsgVote';
      term = this.term;
    }
    // Our own vote can be counted now: it can only win together with other voters' replies,
    // which come after the driver persisted this term and vote (messages leave after persisting).
    if (this.poll(this.id, true) === 'won') {
      if (t === 'preElection') this.campaign('election');
      else this.becomeLeader();
      return;
    }
    const lastIndex = this.raftLog.lastIndex();
    const lastTerm = this.raftLog.lastTerm();
    for (const id of this.trk.voters) {
      if (id === this.id) continue;
      const m = this.msg(voteMsg, id, { term, index: lastIndex, logTerm: lastTerm });
      if (t === 'transfer') m.context = CAMPAIGN_TRANSFER;
      this.send(m);
    }
  }

  private poll(id: number, granted: boolean): 'won' | 'lost' | 'pending' {
    this.trk.recordVote(id, granted);
    return this.trk.tallyVotes().result;
  }

  // ---------------------------------------------------------------- step

  /** Processes one message (already validated). */
  step(m: Message): StepResult {
    if (m.term === 0) {
      // local message, or a forwarded proposal / read request
    } else if (m.term > this.term) {
      if (m.type === 'MsgVote' || m.type === 'MsgPreVote') {
        const force = m.context === CAMPAIGN_TRANSFER;
        const inLease = this.checkQuorum && this.lead !== 0 && this.electionElapsed < this.electionTimeout;
        // With a live leader, ignore the disruptive candidate (it is probably partitioned).
        if (!force && inLease) return OK;
      }
      if (m.type === 'MsgPreVote') {
        // A pre-vote never changes our term.
      } else if (m.type === 'MsgPreVoteResp' && !m.reject) {
        // Granted pre-votes carry the term we asked for; we move to it only when we win.
      } else if (m.type === 'MsgApp' || m.type === 'MsgHeartbeat' || m.type === 'MsgSnap') {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, 0);
      }
    } else if (m.term < this.term) {
      if ((this.checkQuorum || this.preVote) && (m.type === 'MsgHeartbeat' || m.type === 'MsgApp')) {
        // A stale leader (e.g. rejoining after a partition) learns our term and steps down.
        // Without this, with PreVote/CheckQuorum, it could hold back elections indefinitely.
        this.send(this.msg('MsgAppResp', m.from));
      } else if (m.type === 'MsgPreVote') {
        this.send(this.msg('MsgPreVoteResp', m.from, { term: this.term, reject: true }));
      }
      return OK;
    }

    switch (m.type) {
      case 'MsgHup':
        this.hup(this.preVote ? 'preElection' : 'election');
        return OK;
      case 'MsgVote':
      case 'MsgPreVote': {
        const canVote =
          this.vote === m.from ||
          (this.vote === 0 && this.lead === 0) ||
          (m.type === 'MsgPreVote' && m.term > this.term);
        const resp: MessageType = m.type === 'MsgVote' ? 'MsgVoteResp' : 'MsgPreVoteResp';
        if (canVote && this.raftLog.isUpToDate(m.index, m.logTerm)) {
          // Granted responses carry the requested term (a pre-vote's term is in our future).
          this.send(this.msg(resp, m.from, { term: m.term }));
          if (m.type === 'MsgVote') {
            this.electionElapsed = 0;
            this.vote = m.from;
          }
        } else {
          this.send(this.msg(resp, m.from, { term: this.term, reject: true }));
        }
        return OK;
      }
    }
    switch (this.state) {
      case 'leader':
        return this.stepLeader(m);
      case 'candidate':
      case 'preCandidate':
        return this.stepCandidate(m);
      case 'follower':
        return this.stepFollower(m);
    }
  }

  private stepLeader(m: Message): StepResult {
    switch (m.type) {
      case 'MsgBeat':
        this.bcastHeartbeat();
        return OK;
      case 'MsgCheckQuorum':
        if (!this.trk.quorumActive(this.id)) this.becomeFollower(this.term, 0);
        for (const [id, pr] of this.trk.progress) if (id !== this.id) pr.recentActive = false;
        return OK;
      case 'MsgProp':
        return this.handleProposal(m);
      case 'MsgReadIndex':
        if (this.isSingleVoter()) return this.handleReadIndexAsLeader(m);
        if (!this.committedEntryInCurrentTerm()) {
          // Our commit index may be stale until an entry of our term commits: hold the request.
          this.pendingReadIndexMessages.push(m);
          return OK;
        }
        return this.handleReadIndexAsLeader(m);
    }
    const pr = this.trk.progress.get(m.from);
    if (!pr) return OK;
    switch (m.type) {
      case 'MsgAppResp':
        pr.recentActive = true;
        if (m.reject) {
          let nextProbe = m.rejectHint;
          if (m.logTerm > 0) nextProbe = this.raftLog.findConflictByTerm(m.rejectHint, m.logTerm).index;
          if (pr.maybeDecrTo(m.index, nextProbe)) {
            if (pr.state === 'replicate') pr.becomeProbe();
            this.sendAppend(m.from);
          }
          return OK;
        }
        if (pr.maybeUpdate(m.index) || (pr.match === m.index && pr.state === 'probe')) {
          if (pr.state === 'probe') pr.becomeReplicate();
          else if (pr.state === 'snapshot' && pr.match + 1 >= this.raftLog.firstIndex()) {
            // The follower caught up past our compaction point: resume normal replication.
            pr.becomeProbe();
            pr.becomeReplicate();
          } else if (pr.state === 'replicate') pr.inflights.freeLE(m.index);

          if (this.maybeCommit()) {
            this.bcastAppend();
          } else if (m.from !== this.id && pr.sentCommit < this.raftLog.committed && pr.sentCommit < pr.next - 1) {
            // The follower may not know the latest commit index yet.
            this.sendAppend(m.from);
          }
          // Fill the pipeline as far as flow control allows.
          let guard = this.trk.maxInflight + 1;
          while (m.from !== this.id && guard-- > 0 && this.maybeSendAppend(m.from, false)) {
            /* keep sending */
          }
          if (m.from === this.leadTransferee && pr.match === this.raftLog.lastIndex()) {
            this.send(this.msg('MsgTimeoutNow', m.from));
          }
        }
        return OK;
      case 'MsgHeartbeatResp': {
        pr.recentActive = true;
        // A probe still unanswered was lost or is stuck behind a stalled stream: ask again, but
        // with an empty probe. Re-sending its entries on every heartbeat response is what piled up
        // megabytes per heartbeat on a peer stream that was not draining.
        const probeUnanswered = pr.state === 'probe' && pr.msgAppFlowPaused;
        pr.msgAppFlowPaused = false;
        if (probeUnanswered) this.maybeSendAppend(m.from, true, false);
        else if (pr.match < this.raftLog.lastIndex() || pr.state === 'probe') this.sendAppend(m.from);
        if (m.context === undefined) return OK;
        const acks = this.readOnly.recvAck(m.from, m.context);
        if (!acks) return OK;
        let votes = 0;
        for (const id of this.trk.voters) if (acks.has(id)) votes++;
        if (votes < this.trk.quorum()) return OK;
        for (const rs of this.readOnly.advance(m.context)) this.respondToReadIndex(rs.from, rs.index, rs.ctx);
        return OK;
      }
      case 'MsgSnapStatus':
        if (pr.state !== 'snapshot') return OK;
        if (m.reject) pr.pendingSnapshot = 0;
        pr.becomeProbe();
        // Success: wait for the follower's MsgAppResp. Failure: retry after a heartbeat.
        pr.msgAppFlowPaused = true;
        return OK;
      case 'MsgUnreachable':
        if (pr.state === 'replicate') pr.becomeProbe();
        return OK;
      case 'MsgTransferLeader': {
        const target = m.from;
        if (target === this.id || !this.trk.isVoter(target)) return OK;
        if (this.leadTransferee === target) return OK;
        this.leadTransferee = target;
        this.electionElapsed = 0; // the transfer must finish within an election timeout
        if (pr.match === this.raftLog.lastIndex()) this.send(this.msg('MsgTimeoutNow', target));
        else this.sendAppend(target);
        return OK;
      }
    }
    return OK;
  }

  private handleProposal(m: Message): StepResult {
    if (m.entries.length === 0) return fail('invalidMessage', 'proposal has no entries');
    if (!this.trk.progress.has(this.id)) {
      return fail('proposalDropped', 'this leader was removed from the cluster');
    }
    if (this.leadTransferee !== 0) {
      return fail('proposalDropped', `leadership is being transferred to ${this.leadTransferee}`);
    }
    const local = m.from === this.id;
    const ents: Entry[] = [];
    for (let k = 0; k < m.entries.length; k++) {
      const e = m.entries[k]!;
      if (e.type === 'confChange') {
        const problem = this.confChangeProblem(e.data);
        if (problem !== undefined) {
          // A local caller learns why; a forwarded one still gets its other entries in, and the
          // refused change becomes a no-op so that entry positions stay meaningful.
          if (local) return fail('proposalDropped', problem);
          ents.push({ term: 0, index: 0, type: 'normal', data: new Uint8Array(0) });
          continue;
        }
        this.pendingConfIndex = this.raftLog.lastIndex() + k + 1;
      }
      ents.push({ term: 0, index: 0, type: e.type, data: e.data });
    }
    if (!this.appendEntries(ents)) {
      return fail('proposalDropped', `too many uncommitted bytes (limit ${this.maxUncommittedSize})`);
    }
    return OK;
  }

  private confChangeProblem(data: Uint8Array): string | undefined {
    if (this.pendingConfIndex > this.raftLog.applied) {
      return `a configuration change at index ${this.pendingConfIndex} is not applied yet (applied ${this.raftLog.applied})`;
    }
    let cc;
    try {
      cc = decodeConfChange(data);
    } catch (err) {
      return (err as Error).message;
    }
    if (cc.type === 'removeNode') {
      const remaining = this.trk.voters.filter((id) => id !== cc.nodeId);
      if (remaining.length === 0) return 'cannot remove the last member of the cluster';
    }
    return undefined;
  }

  private stepCandidate(m: Message): StepResult {
    const myVoteResp: MessageType = this.state === 'preCandidate' ? 'MsgPreVoteResp' : 'MsgVoteResp';
    switch (m.type) {
      case 'MsgProp':
        return fail('noLeader', 'no leader: an election is in progress');
      case 'MsgReadIndex':
        return fail('noLeader', 'no leader: an election is in progress');
      case 'MsgApp':
        this.becomeFollower(m.term, m.from);
        this.handleAppendEntries(m);
        return OK;
      case 'MsgHeartbeat':
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        return OK;
      case 'MsgSnap':
        this.becomeFollower(m.term, m.from);
        this.handleSnapshot(m);
        return OK;
      case 'MsgTimeoutNow':
        return OK;
    }
    if (m.type === myVoteResp) {
      const res = this.poll(m.from, !m.reject);
      if (res === 'won') {
        if (this.state === 'preCandidate') this.campaign('election');
        else {
          this.becomeLeader();
          this.bcastAppend();
        }
      } else if (res === 'lost') {
        // Our term may be lower than the rejecters' (pre-vote); they told us via m.term above.
        this.becomeFollower(this.term, 0);
      }
    }
    return OK;
  }

  private stepFollower(m: Message): StepResult {
    switch (m.type) {
      case 'MsgProp':
        if (this.lead === 0) return fail('noLeader', 'no leader known: proposal dropped');
        if (this.disableProposalForwarding) return fail('notLeader', `not the leader (leader is ${this.lead})`);
        m.to = this.lead;
        this.send(m);
        return OK;
      case 'MsgApp':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleAppendEntries(m);
        return OK;
      case 'MsgHeartbeat':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleHeartbeat(m);
        return OK;
      case 'MsgSnap':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleSnapshot(m);
        return OK;
      case 'MsgTransferLeader':
        if (this.lead === 0) return fail('noLeader', 'no leader known: transfer dropped');
        m.to = this.lead;
        this.send(m);
        return OK;
      case 'MsgTimeoutNow':
        // The leader asked us to take over now: skip the pre-vote, bypass leases.
        this.hup('transfer');
        return OK;
      case 'MsgReadIndex':
        if (this.lead === 0) return fail('noLeader', 'no leader known: read index dropped');
        m.to = this.lead;
        this.send(m);
        return OK;
      case 'MsgReadIndexResp':
        this.readStates.push({ index: m.index, requestCtx: m.context ?? '' });
        return OK;
    }
    return OK;
  }

  private handleAppendEntries(m: Message): void {
    if (m.index < this.raftLog.committed) {
      this.send(this.msg('MsgAppResp', m.from, { index: this.raftLog.committed }));
      return;
    }
    const lastNew = this.raftLog.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (lastNew !== undefined) {
      this.send(this.msg('MsgAppResp', m.from, { index: lastNew }));
      return;
    }
    // Reject with a hint: the last index at or before the probe whose term is <= the leader's
    // term there. The leader then skips all of our conflicting entries of a term in one round.
    const hintIndex = Math.min(m.index, this.raftLog.lastIndex());
    const hint = this.raftLog.findConflictByTerm(hintIndex, m.logTerm);
    this.send(
      this.msg('MsgAppResp', m.from, { index: m.index, reject: true, rejectHint: hint.index, logTerm: hint.term }),
    );
  }

  private handleHeartbeat(m: Message): void {
    if (m.commit <= this.raftLog.lastIndex()) this.raftLog.commitTo(m.commit);
    const resp = this.msg('MsgHeartbeatResp', m.from);
    if (m.context !== undefined) resp.context = m.context;
    this.send(resp);
  }

  private handleSnapshot(m: Message): void {
    const snap = m.snapshot!;
    if (this.restore(snap)) {
      this.send(this.msg('MsgAppResp', m.from, { index: this.raftLog.lastIndex() }));
    } else {
      this.send(this.msg('MsgAppResp', m.from, { index: this.raftLog.committed }));
    }
  }

  /** Installs a leader's snapshot; false when it brings nothing new. */
  private restore(snap: Snapshot): boolean {
    const { index, term } = snap.metadata;
    if (index <= this.raftLog.committed) return false;
    if (this.raftLog.matchTerm(index, term)) {
      // We already have the snapshot's last entry: just fast-forward the commit index.
      this.raftLog.commitTo(index);
      return false;
    }
    this.raftLog.restore(snap);
    this.trk.setVoters([], 0);
    this.trk.setVoters(snap.metadata.confState.voters, this.raftLog.lastIndex() + 1);
    this.confBase = { index, voters: [...snap.metadata.confState.voters] };
    this.confHistory = [];
    return true;
  }

  // ---------------------------------------------------------------- membership

  /** Applies a committed single-member change and returns the new membership. */
  applyConfChange(index: number, type: 'addNode' | 'removeNode', nodeId: number): ConfState {
    let voters = [...this.trk.voters];
    const added = type === 'addNode' && !voters.includes(nodeId);
    if (type === 'addNode') {
      if (!voters.includes(nodeId)) voters.push(nodeId);
    } else {
      const remaining = voters.filter((id) => id !== nodeId);
      // Removing the last member would leave a cluster nobody can lead; refused at proposal time.
      if (remaining.length > 0) voters = remaining;
    }
    this.trk.setVoters(voters, this.raftLog.lastIndex() + 1);
    this.confHistory.push({ index, voters: [...this.trk.voters] });
    if (this.state === 'leader') {
      if (this.leadTransferee !== 0 && !this.trk.isVoter(this.leadTransferee)) this.leadTransferee = 0;
      // The quorum changed: maybe something commits now; new members need entries.
      if (this.maybeCommit()) this.bcastAppend();
      else for (const id of this.trk.progress.keys()) if (id !== this.id) this.maybeSendAppend(id, false);
      // Probe a new member right away instead of waiting for the next heartbeat.
      if (added && nodeId !== this.id) this.maybeSendAppend(nodeId, true);
    }
    return this.trk.confState();
  }

  /** Membership in effect after applying entry `index` (index must be applied). */
  confStateAt(index: number): ConfState {
    let voters = this.confBase.voters;
    for (const rec of this.confHistory) {
      if (rec.index > index) break;
      voters = rec.voters;
    }
    return { voters: [...voters] };
  }

  /** Forgets membership history up to a new snapshot at `index`. */
  compactConfHistory(index: number): void {
    const cs = this.confStateAt(index);
    this.confBase = { index, voters: cs.voters };
    this.confHistory = this.confHistory.filter((r) => r.index > index);
  }
}
