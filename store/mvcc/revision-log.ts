// The changes of every retained revision, in revision order: what watch replay reads. Revisions are
// dense (each one exists because something changed), so the log is an array indexed by revision.
// Entries share their KeyVersion objects with the key index, so the log costs one slot per revision.

import type { KeyVersion } from './key-history.js';

/** One revision's changes: a single version (the common case, no array) or several in sub order. */
export type RevisionChanges = KeyVersion | KeyVersion[];

export class RevisionLog {
  private entries: RevisionChanges[] = [];
  /** Index in `entries` of the oldest retained revision; the prefix before it is garbage. */
  private head = 0;
  /** Revision held at entries[head] (or the next to be appended, when empty). */
  private start: number;

  constructor(firstRevision: number) {
    this.start = firstRevision;
  }

  /** A log holding `entries` for revisions firstRevision, firstRevision + 1, ... (snapshot restore). */
  static fromEntries(firstRevision: number, entries: RevisionChanges[]): RevisionLog {
    const log = new RevisionLog(firstRevision);
    log.entries = entries;
    return log;
  }

  /** Oldest revision held (== nextRevision when empty). */
  get firstRevision(): number {
    return this.start;
  }

  /** The revision the next append must carry. */
  get nextRevision(): number {
    return this.start + (this.entries.length - this.head);
  }

  get length(): number {
    return this.entries.length - this.head;
  }

  append(revision: number, changes: KeyVersion[]): void {
    if (revision !== this.nextRevision) throw new Error(`revision log: appending ${revision}, expected ${this.nextRevision}`);
    if (changes.length === 0) throw new Error(`revision log: revision ${revision} has no changes`);
    this.entries.push(changes.length === 1 ? changes[0]! : changes);
  }

  /** Changes of one revision, or undefined outside the retained window. */
  at(revision: number): RevisionChanges | undefined {
    if (revision < this.start || revision >= this.nextRevision) return undefined;
    return this.entries[this.head + (revision - this.start)];
  }

  /** Forgets revisions below `revision`. */
  dropBefore(revision: number): void {
    const drop = Math.min(revision - this.start, this.length);
    if (drop <= 0) return;
    for (let i = this.head; i < this.head + drop; i++) this.entries[i] = undefined as unknown as RevisionChanges;
    this.head += drop;
    this.start += drop;
    if (revision > this.start) this.start = revision; // empty log: the next revision starts later
    // Reclaim the dead prefix once it dominates, so compaction frees memory in amortized O(1).
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}

export function changesOf(entry: RevisionChanges): readonly KeyVersion[] {
  return Array.isArray(entry) ? entry : [entry];
}
