// The Ready loop (contract in raft/node.ts): persist (fsync) → send → apply → advance, one Ready
// at a time, scheduled whenever the core may have work. One deviation that etcd makes too: a
// leader sends its messages before its own fsync finishes, since it only counts its own copy of an
// entry once persisted; every other message waits for the fsync.
import type { Entry, HardState, Message, RawNode, Ready, Snapshot, SoftState, MemoryStorage } from '../raft/index.js';
import type { Wal, WalRecord } from '../wal/wal.js';
import type { StoreMetrics } from '../metrics.js';
import { encodeEntry } from './recovery.js';

export interface ReadyLoopDeps {
  node: RawNode;
  storage: MemoryStorage;
  wal: Wal;
  metrics: StoreMetrics;
  /** Term and vote already on disk (from recovery). */
  persisted: { term: number; vote: number };
  onSoftState(ss: SoftState): void;
  isLeader(): boolean;
  send(msgs: Message[]): void;
  /** Persists a snapshot from the leader and restores the state machine from it. */
  installSnapshot(snap: Snapshot): Promise<void>;
  applyCommitted(entries: Entry[]): void;
  onReadState(ctx: string, index: number): void;
  /** After each advance: e.g. take a snapshot when enough was applied. */
  afterAdvance(): Promise<void>;
  /** The loop threw: the member can no longer keep its promises. */
  onFatal(err: Error): void;
}

export class ReadyLoop {
  /** The pass in progress, if any. */
  private current: Promise<void> | undefined;
  private kicked = false;
  private stopped = false;
  private failed: Error | undefined;
  private persistedTerm: number;
  private persistedVote: number;

  constructor(private readonly deps: ReadyLoopDeps) {
    this.persistedTerm = deps.persisted.term;
    this.persistedVote = deps.persisted.vote;
  }

  /** The term last made durable: what response headers report. */
  get term(): number {
    return this.persistedTerm;
  }

  get fatal(): Error | undefined {
    return this.failed;
  }

  /** Schedules a pass of the loop (coalesced). */
  kick(): void {
    if (this.kicked || this.stopped || this.failed) return;
    this.kicked = true;
    setImmediate(() => {
      this.kicked = false;
      void this.run();
    });
  }

  /** Stops scheduling; resolves once a Ready in progress has finished its writes. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.current;
  }

  private async run(): Promise<void> {
    if (this.current || this.stopped || this.failed) return;
    const pass = this.pass();
    this.current = pass;
    await pass;
    this.current = undefined;
    if (this.deps.node.hasReady()) this.kick();
  }

  private async pass(): Promise<void> {
    const node = this.deps.node;
    try {
      for (let rounds = 0; node.hasReady() && !this.stopped && rounds < 10_000; rounds++) {
        const rd = node.ready();
        await this.handle(rd);
        node.advance(rd);
        await this.deps.afterAdvance();
      }
    } catch (err) {
      // A failed fsync or a corrupt state leaves this member unable to keep its promises.
      this.failed = err as Error;
      this.deps.onFatal(err as Error);
    }
  }

  private async handle(rd: Ready): Promise<void> {
    const { deps } = this;
    if (rd.softState) deps.onSoftState(rd.softState);
    const termVoteUnchanged = !rd.hardState || (rd.hardState.term === this.persistedTerm && rd.hardState.vote === this.persistedVote);
    const sendEarly = deps.isLeader() && termVoteUnchanged && !rd.snapshot;
    if (sendEarly && rd.messages.length > 0) deps.send(rd.messages);

    if (rd.snapshot) await deps.installSnapshot(rd.snapshot);
    const records: WalRecord[] = [];
    for (const e of rd.entries) records.push({ type: 'entry', index: e.index, data: encodeEntry(e) });
    // A commit-index-only change needs no write of its own: the commit index is a lower bound
    // that Raft re-learns after a restart, so it rides along with the next entries or vote.
    if (rd.hardState && (rd.mustSync || records.length > 0)) records.push({ type: 'state', data: Buffer.from(JSON.stringify(rd.hardState)) });
    if (records.length > 0) await deps.wal.append(records);
    if (rd.entries.length > 0) deps.storage.append(rd.entries);
    if (rd.hardState) this.persistedHardState(rd.hardState);
    if (!sendEarly && rd.messages.length > 0) deps.send(rd.messages);

    if (rd.committedEntries.length > 0) {
      const end = deps.metrics.applyDuration.startTimer();
      deps.applyCommitted(rd.committedEntries);
      end();
    }
    for (const rs of rd.readStates) deps.onReadState(rs.requestCtx, rs.index);
  }

  private persistedHardState(hs: HardState): void {
    this.deps.storage.setHardState(hs);
    this.persistedTerm = hs.term;
    this.persistedVote = hs.vote;
  }
}
