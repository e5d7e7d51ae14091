// The node's view of the whole log: durable entries in Storage followed by the Unstable tail,
// plus the commit and apply positions.
import { CompactedError, UnavailableError, limitSize, type Storage } from './storage.js';
import { Unstable } from './unstable.js';
import { entrySize, type Entry, type Snapshot } from './types.js';

export class RaftLog {
  readonly storage: Storage;
  readonly unstable: Unstable;
  /** Highest index known to be committed on a quorum. */
  committed: number;
  /** Highest index handed to the driver for applying (in a Ready not yet advanced, or earlier). */
  applying: number;
  /** Highest index the driver reported applied (via advance). */
  applied: number;
  /** Upper bound on the bytes of committed entries handed out in one Ready. */
  readonly maxApplyingBytes: number;

  constructor(storage: Storage, maxApplyingBytes = Number.MAX_SAFE_INTEGER) {
    this.storage = storage;
    this.maxApplyingBytes = maxApplyingBytes;
    const first = storage.firstIndex();
    const last = storage.lastIndex();
    this.unstable = new Unstable(last + 1);
    this.committed = first - 1;
    this.applying = first - 1;
    this.applied = first - 1;
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  /** Last index known durable (everything before the unstable tail). */
  stableIndex(): number {
    return this.unstable.offset - 1;
  }

  /** Term of entry i, or undefined when i is compacted or beyond the last index. */
  term(i: number): number | undefined {
    const ut = this.unstable.maybeTerm(i);
    if (ut !== undefined) return ut;
    // The only valid term below the first index is the snapshot's (first index - 1).
    if (i < this.firstIndex() - 1 || i > this.lastIndex()) return undefined;
    if (i >= this.unstable.offset) return undefined;
    try {
      return this.storage.term(i);
    } catch (err) {
      if (err instanceof CompactedError || err instanceof UnavailableError) return undefined;
      throw err;
    }
  }

  lastTerm(): number {
    return this.term(this.lastIndex()) ?? 0;
  }

  matchTerm(i: number, t: number): boolean {
    return this.term(i) === t;
  }

  /** Raft's "at least as up-to-date" comparison used when granting votes. */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm();
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex());
  }

  /**
   * Follower side of MsgApp: if our log has (index, logTerm), append `ents` after it (dropping a
   * conflicting tail) and advance commit. Returns the last index of the new entries, or undefined
   * when the previous entry does not match.
   */
  maybeAppend(index: number, logTerm: number, committed: number, ents: readonly Entry[]): number | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNew = index + ents.length;
    const ci = this.findConflict(ents);
    if (ci !== 0) {
      if (ci <= this.committed) {
        throw new Error(`raft log: entry ${ci} conflicts with committed entry (committed ${this.committed})`);
      }
      this.append(ents.slice(ci - (index + 1)));
    }
    this.commitTo(Math.min(committed, lastNew));
    return lastNew;
  }

  /** Appends entries (which may replace an uncommitted tail); returns the new last index. */
  append(ents: readonly Entry[]): number {
    if (ents.length === 0) return this.lastIndex();
    const after = ents[0]!.index - 1;
    if (after < this.committed) {
      throw new Error(`raft log: append after ${after} is below committed ${this.committed}`);
    }
    this.unstable.truncateAndAppend(ents);
    return this.lastIndex();
  }

  /**
   * Index of the first entry in `ents` that is new or conflicts with ours, or 0 if all are
   * already present with the same terms.
   */
  findConflict(ents: readonly Entry[]): number {
    for (const e of ents) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * The largest index <= `index` whose term is <= `term`, with that term (0 when unknown because
   * compacted). Lets a rejected MsgApp skip a whole term of conflicting entries at a time.
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    for (let i = index; i > 0; i--) {
      const t = this.term(i);
      if (t === undefined) return { index: i, term: 0 };
      if (t <= term) return { index: i, term: t };
    }
    return { index: 0, term: 0 };
  }

  commitTo(tocommit: number): void {
    if (this.committed >= tocommit) return;
    if (this.lastIndex() < tocommit) {
      throw new Error(`raft log: commit ${tocommit} is beyond last index ${this.lastIndex()}`);
    }
    this.committed = tocommit;
  }

  /** Leader side: commit maxIndex only if that entry is from the current term. */
  maybeCommit(maxIndex: number, term: number): boolean {
    if (maxIndex > this.committed && this.term(maxIndex) === term) {
      this.commitTo(maxIndex);
      return true;
    }
    return false;
  }

  appliedTo(i: number): void {
    if (i === 0) return;
    if (i > this.committed || i < this.applied) {
      throw new Error(`raft log: applied ${i} out of range [${this.applied}, ${this.committed}]`);
    }
    this.applied = i;
    if (this.applying < i) this.applying = i;
  }

  hasPendingSnapshot(): boolean {
    return this.unstable.snapshot !== undefined;
  }

  /** Committed entries not yet handed out for applying (none while a snapshot is pending). */
  hasNextCommittedEntries(): boolean {
    if (this.hasPendingSnapshot()) return false;
    return this.committed > this.applying;
  }

  nextCommittedEntries(): Entry[] {
    if (this.hasPendingSnapshot()) return [];
    const lo = this.applying + 1;
    const hi = this.committed + 1;
    if (lo >= hi) return [];
    const ents = this.slice(lo, hi, this.maxApplyingBytes);
    // Compaction never passes the applied index, so unapplied entries are always present.
    if (ents === undefined) throw new Error(`raft log: committed entries from ${lo} were compacted before being applied`);
    return ents;
  }

  stableTo(i: number, t: number): void {
    this.unstable.stableTo(i, t);
  }

  stableSnapTo(i: number): void {
    this.unstable.stableSnapTo(i);
  }

  /** Entries from i to the end, at most maxBytes (at least one). */
  entries(i: number, maxBytes: number): Entry[] | undefined {
    if (i > this.lastIndex()) return [];
    return this.slice(i, this.lastIndex() + 1, maxBytes);
  }

  /**
   * Entries in [lo, hi) limited to maxBytes (at least one). Returns undefined when lo is
   * compacted, so the caller can fall back to a snapshot. Throws when hi is past the end.
   */
  slice(lo: number, hi: number, maxBytes: number): Entry[] | undefined {
    if (lo < this.firstIndex()) return undefined;
    if (hi > this.lastIndex() + 1) {
      throw new Error(`raft log: slice [${lo}, ${hi}) out of bounds (last ${this.lastIndex()})`);
    }
    if (lo >= hi) return [];
    const uOffset = this.unstable.offset;
    let out: Entry[] = [];
    if (lo < uOffset) {
      try {
        out = this.storage.entries(lo, Math.min(hi, uOffset), maxBytes);
      } catch (err) {
        if (err instanceof CompactedError) return undefined;
        throw err;
      }
      // Storage stopped early because of the size limit: do not add unstable entries after a gap.
      if (out.length < Math.min(hi, uOffset) - lo) return out;
    }
    if (hi > uOffset) {
      const from = Math.max(lo, uOffset);
      let size = 0;
      for (const e of out) size += entrySize(e);
      const rest = this.unstable.entries;
      const base = from - uOffset;
      const end = hi - uOffset;
      if (out.length === 0) return limitSize(rest, base, end, maxBytes);
      for (let k = base; k < end; k++) {
        const e = rest[k]!;
        size += entrySize(e);
        if (size > maxBytes) break;
        out.push(e);
      }
    }
    return out;
  }

  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  /** Replaces the log with a snapshot from the leader. */
  restore(snap: Snapshot): void {
    this.committed = snap.metadata.index;
    this.unstable.restore(snap);
  }
}
