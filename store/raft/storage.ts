// Storage is the core's read-only view of what is durable: the entries since the last snapshot,
// the hard state and the snapshot itself. The driver writes it (after fsync), the core reads it.
import { entrySize, type ConfState, type Entry, type HardState, type Snapshot } from './types.js';

/** The requested index is at or below the last snapshot: the entry was compacted away. */
export class CompactedError extends Error {
  constructor(index: number, snapshotIndex: number) {
    super(`raft storage: index ${index} is compacted (snapshot index ${snapshotIndex})`);
    this.name = 'CompactedError';
  }
}

/** The requested index is beyond the last stored entry. */
export class UnavailableError extends Error {
  constructor(index: number, lastIndex: number) {
    super(`raft storage: index ${index} is unavailable (last index ${lastIndex})`);
    this.name = 'UnavailableError';
  }
}

/** An attempted snapshot or compaction is older than what storage already has. */
export class SnapshotOutOfDateError extends Error {
  constructor(index: number, current: number) {
    super(`raft storage: snapshot at ${index} is older than current snapshot at ${current}`);
    this.name = 'SnapshotOutOfDateError';
  }
}

export interface InitialState {
  hardState: HardState;
  confState: ConfState;
}

export interface Storage {
  /** Hard state and the membership as of the last snapshot. */
  initialState(): InitialState;
  /**
   * Entries in [lo, hi), at most `maxBytes` worth but always at least one if any exist.
   * Throws CompactedError if lo <= snapshot index, UnavailableError if hi > lastIndex + 1.
   */
  entries(lo: number, hi: number, maxBytes: number): Entry[];
  /** Term of entry i, valid for i in [firstIndex - 1, lastIndex] (firstIndex - 1 is the snapshot). */
  term(i: number): number;
  /** Index of the first entry still held (snapshot index + 1). */
  firstIndex(): number;
  /** Index of the last entry held (the snapshot index if none). */
  lastIndex(): number;
  /** The most recent snapshot. */
  snapshot(): Snapshot;
}

function emptySnapshot(): Snapshot {
  return { metadata: { index: 0, term: 0, confState: { voters: [] } }, data: new Uint8Array(0) };
}

/**
 * In-memory Storage, like etcd's MemoryStorage. `ents[0]` is a placeholder carrying the snapshot's
 * index and term so that term(snapshotIndex) needs no special case.
 */
export class MemoryStorage implements Storage {
  private hardState: HardState = { term: 0, vote: 0, commit: 0 };
  private snap: Snapshot = emptySnapshot();
  private ents: Entry[] = [{ term: 0, index: 0, type: 'normal', data: new Uint8Array(0) }];

  initialState(): InitialState {
    return {
      hardState: { ...this.hardState },
      confState: { voters: [...this.snap.metadata.confState.voters] },
    };
  }

  setHardState(hs: HardState): void {
    this.hardState = { term: hs.term, vote: hs.vote, commit: hs.commit };
  }

  hardStateNow(): HardState {
    return { ...this.hardState };
  }

  private offset(): number {
    return this.ents[0]!.index;
  }

  firstIndex(): number {
    return this.offset() + 1;
  }

  lastIndex(): number {
    return this.offset() + this.ents.length - 1;
  }

  term(i: number): number {
    const offset = this.offset();
    if (i < offset) throw new CompactedError(i, offset);
    if (i - offset >= this.ents.length) throw new UnavailableError(i, this.lastIndex());
    return this.ents[i - offset]!.term;
  }

  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    const offset = this.offset();
    if (lo <= offset) throw new CompactedError(lo, offset);
    if (hi > this.lastIndex() + 1) throw new UnavailableError(hi - 1, this.lastIndex());
    if (lo >= hi) return [];
    return limitSize(this.ents, lo - offset, hi - offset, maxBytes);
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /**
   * Replaces everything with a snapshot received from the leader (after the driver saved it).
   * Throws SnapshotOutOfDateError for a snapshot older than the one already held.
   */
  applySnapshot(snap: Snapshot): void {
    if (snap.metadata.index < this.snap.metadata.index) {
      throw new SnapshotOutOfDateError(snap.metadata.index, this.snap.metadata.index);
    }
    this.snap = snap;
    this.ents = [{ term: snap.metadata.term, index: snap.metadata.index, type: 'normal', data: new Uint8Array(0) }];
  }

  /**
   * Records a snapshot of the state machine at index i (i must be held), without dropping entries;
   * call compact(i) afterwards to release them.
   */
  createSnapshot(i: number, confState: ConfState, data: Uint8Array): Snapshot {
    if (i <= this.snap.metadata.index) throw new SnapshotOutOfDateError(i, this.snap.metadata.index);
    if (i > this.lastIndex()) throw new UnavailableError(i, this.lastIndex());
    this.snap = {
      metadata: { index: i, term: this.term(i), confState: { voters: [...confState.voters] } },
      data,
    };
    return this.snap;
  }

  /** Drops entries up to and including `compactIndex` (which must not exceed lastIndex). */
  compact(compactIndex: number): void {
    const offset = this.offset();
    if (compactIndex <= offset) return;
    if (compactIndex > this.lastIndex()) throw new UnavailableError(compactIndex, this.lastIndex());
    const i = compactIndex - offset;
    const head: Entry = { term: this.ents[i]!.term, index: compactIndex, type: 'normal', data: new Uint8Array(0) };
    const rest = this.ents.slice(i + 1);
    rest.unshift(head);
    this.ents = rest;
  }

  /**
   * Appends entries that were just made durable. Entries may overlap the tail (a new leader
   * overwrote it): everything from the first new index on is replaced.
   */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[0]!.index + entries.length - 1;
    if (last < first) return; // everything is already compacted
    let from = 0;
    if (entries[0]!.index < first) from = first - entries[0]!.index;
    const startIndex = entries[from]!.index;
    const offset = this.offset();
    const pos = startIndex - offset;
    if (pos > this.ents.length) {
      throw new Error(`raft storage: append would leave a gap (last index ${this.lastIndex()}, appending ${startIndex})`);
    }
    if (pos < this.ents.length) this.ents.length = pos; // truncate the conflicting tail
    for (let k = from; k < entries.length; k++) this.ents.push(entries[k]!);
  }
}

/** Copies ents[lo, hi) keeping at most maxBytes (but at least one entry). */
export function limitSize(ents: readonly Entry[], lo: number, hi: number, maxBytes: number): Entry[] {
  const out: Entry[] = [];
  let size = 0;
  for (let k = lo; k < hi; k++) {
    const e = ents[k]!;
    size += entrySize(e);
    if (out.length > 0 && size > maxBytes) break;
    out.push(e);
  }
  return out;
}
