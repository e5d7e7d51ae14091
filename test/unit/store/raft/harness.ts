// A test driver for one Raft member: it follows the Ready contract exactly (persist into the
// member's "disk" = MemoryStorage, then hand out messages, then apply, then advance) and keeps a
// tiny state machine (index + hash chain of applied data) whose snapshots are real bytes.
import { RawNode, type NodeConfig, type Ready } from '../../../../store/raft/node.js';
import { MemoryStorage } from '../../../../store/raft/storage.js';
import { SeededRand } from '../../../../store/raft/rand.js';
import { decodeConfChange } from '../../../../store/raft/conf-change.js';
import type { Entry, Message, ReadState, Snapshot } from '../../../../store/raft/types.js';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export function text(data: Uint8Array): string {
  return decoder.decode(data);
}

export function bytes(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Human-readable form of an entry's payload. */
export function entryText(e: Entry): string {
  if (e.type === 'confChange') {
    try {
      const cc = decodeConfChange(e.data);
      return `${cc.type} ${cc.nodeId}`;
    } catch {
      return '<bad conf change>';
    }
  }
  return e.data.byteLength === 0 ? '' : text(e.data);
}

/** 32-bit FNV-1a style chain: hash of the applied sequence up to some index. */
export function mixHash(prev: number, s: string): number {
  let h = (prev ^ 0x811c9dc5) >>> 0;
  for (let k = 0; k < s.length; k++) {
    h ^= s.charCodeAt(k);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= s.length;
  return Math.imul(h, 0x01000193) >>> 0;
}

export interface StateMachine {
  index: number;
  hash: number;
}

export type RaftTuning = Omit<NodeConfig, 'id' | 'clusterId' | 'storage' | 'rand' | 'peers'>;

export interface TestNodeOptions {
  id: number;
  clusterId: string;
  /** Initial voters for a member of the initial cluster; omitted for a member added later. */
  peers?: number[];
  tuning: RaftTuning;
  seed: number;
  /** A deterministic "random" source for transcripts; overrides the seeded PRNG. */
  rand?: { intn(n: number): number };
}

export interface ApplyHooks {
  /** Called for every applied entry (after the gap check), e.g. to check safety globally. */
  onApply?(node: TestNode, e: Entry): void;
  /** Called after a snapshot was installed into the state machine. */
  onRestore?(node: TestNode, snap: Snapshot): void;
}

export interface ReadyOutcome {
  ready: Ready;
  messages: Message[];
  readStates: ReadState[];
  applied: Entry[];
}

export class TestNode {
  readonly id: number;
  /** The member's disk: only what the driver persisted from Readys (plus compaction). */
  readonly storage = new MemoryStorage();
  node: RawNode | undefined;
  /** A Ready taken but not yet processed (the driver is "writing to disk"). */
  pending: Ready | undefined;
  sm: StateMachine = { index: 0, hash: 0 };
  restarts = 0;
  private readonly opts: TestNodeOptions;

  constructor(opts: TestNodeOptions) {
    this.id = opts.id;
    this.opts = opts;
    this.start();
  }

  get alive(): boolean {
    return this.node !== undefined;
  }

  get raw(): RawNode {
    if (!this.node) throw new Error(`node ${this.id} is down`);
    return this.node;
  }

  /** (Re)starts from the disk. The state machine is rebuilt from the stored snapshot. */
  start(): void {
    const snap = this.storage.snapshot();
    this.sm = snap.metadata.index > 0 ? decodeSnapshotData(snap.data, snap.metadata.index) : { index: 0, hash: 0 };
    const cfg: NodeConfig = {
      ...this.opts.tuning,
      id: this.id,
      clusterId: this.opts.clusterId,
      storage: this.storage,
      rand: this.opts.rand ?? new SeededRand(this.opts.seed * 131 + this.id * 7 + this.restarts),
    };
    if (this.opts.peers) cfg.peers = this.opts.peers;
    this.node = new RawNode(cfg);
    this.pending = undefined;
  }

  /** Loses everything not persisted: the node object and any Ready in progress. */
  crash(): void {
    this.node = undefined;
    this.pending = undefined;
  }

  restart(): void {
    this.restarts++;
    this.start();
  }

  /** Takes a Ready (if any) without processing it yet. */
  beginReady(): boolean {
    if (!this.node || this.pending || !this.node.hasReady()) return false;
    this.pending = this.node.ready();
    return true;
  }

  /**
   * Processes the pending Ready as a driver must. With crashAfterPersist the node dies right after
   * the disk write (nothing sent, applied or advanced).
   */
  finishReady(hooks: ApplyHooks = {}, crashAfterPersist = false): ReadyOutcome | undefined {
    const rd = this.pending;
    const node = this.node;
    if (!rd || !node) return undefined;
    // 1. persist: snapshot, entries, hard state
    if (rd.snapshot) this.storage.applySnapshot(rd.snapshot);
    this.storage.append(rd.entries);
    if (rd.hardState) this.storage.setHardState(rd.hardState);
    if (crashAfterPersist) {
      this.crash();
      return undefined;
    }
    // 2. messages are handed to the caller to send
    // 3. apply
    const applied: Entry[] = [];
    if (rd.snapshot) {
      const snap = rd.snapshot;
      const sm = decodeSnapshotData(snap.data, snap.metadata.index);
      if (sm.index < this.sm.index) {
        throw new Error(`node ${this.id}: snapshot at ${sm.index} is behind applied ${this.sm.index}`);
      }
      this.sm = sm;
      hooks.onRestore?.(this, snap);
    }
    for (const e of rd.committedEntries) {
      if (e.index !== this.sm.index + 1) {
        throw new Error(`node ${this.id}: applied index gap: applying ${e.index} after ${this.sm.index}`);
      }
      if (e.type === 'confChange') node.applyConfChange(e);
      this.sm = { index: e.index, hash: mixHash(this.sm.hash, entryText(e)) };
      applied.push(e);
      hooks.onApply?.(this, e);
    }
    // 4. advance
    this.pending = undefined;
    node.advance(rd);
    return { ready: rd, messages: rd.messages, readStates: rd.readStates, applied };
  }

  /** begin + finish in one go. */
  processReady(hooks: ApplyHooks = {}): ReadyOutcome | undefined {
    if (!this.beginReady()) return undefined;
    return this.finishReady(hooks);
  }

  /** Snapshots the state machine at its applied index and compacts the log there. */
  compact(): Snapshot | undefined {
    const node = this.raw;
    const index = this.sm.index;
    if (index <= this.storage.snapshot().metadata.index || index > node.raft.raftLog.applied) return undefined;
    return node.compact(index, encodeSnapshotData(this.sm));
  }

  /** The node's whole in-memory log (first..last), for invariant checks. */
  logEntries(): Entry[] {
    const log = this.raw.raft.raftLog;
    return log.slice(log.firstIndex(), log.lastIndex() + 1, Number.MAX_SAFE_INTEGER) ?? [];
  }
}

export function encodeSnapshotData(sm: StateMachine): Uint8Array {
  return bytes(JSON.stringify({ index: sm.index, hash: sm.hash }));
}

export function decodeSnapshotData(data: Uint8Array, index: number): StateMachine {
  const parsed = JSON.parse(text(data)) as StateMachine;
  if (parsed.index !== index) throw new Error(`snapshot data is for index ${parsed.index}, metadata says ${index}`);
  return { index: parsed.index, hash: parsed.hash };
}
