// Folds decoded records, segment by segment, into what the log says: the last hard state, the last
// snapshot marker and the live entries after it (later records with the same index override and
// discard everything after them, as in etcd). Pure: no I/O.
import type { DecodedRecord } from './format.js';
import { WalCorruptError } from './errors.js';
import { LogPosition, type SnapshotMarker } from './log-position.js';

export interface WalEntry {
  index: number;
  data: Buffer;
}

export interface ReplayedLog {
  /** The last state record, or undefined if none was ever written. */
  hardState: Buffer | undefined;
  /** The last snapshot marker, or undefined if none was ever written. */
  snapshot: SnapshotMarker | undefined;
  /** Live entries, contiguous, starting at snapshot.index + 1 (or 1). */
  entries: WalEntry[];
  /** Highest index: the last entry's, or the snapshot marker's when no entry follows it. */
  lastIndex: number;
}

export class ReplayState {
  private position: LogPosition | undefined;
  private hardState: Buffer | undefined;
  private snapshot: SnapshotMarker | undefined;
  /** Live entries are entries[head..]; `head` lets a snapshot marker drop a prefix in O(1). */
  private entries: WalEntry[] = [];
  private head = 0;
  private firstFile = '';

  /** Feeds one segment's records (the first is its segment header). */
  applySegment(file: string, records: readonly DecodedRecord[], nameSeq: number, nameFirstIndex: number): void {
    const header = records[0];
    if (!header || header.type !== 'segmentHeader') throw new WalCorruptError(file, 0, 'missing segment header');
    if (header.seq !== nameSeq || header.firstIndex !== nameFirstIndex) {
      throw new WalCorruptError(
        file,
        0,
        `segment header says sequence ${header.seq} / first index ${header.firstIndex}, the file name says ${nameSeq} / ${nameFirstIndex}`,
      );
    }
    if (!this.position) {
      // The first segment on disk sets the baseline: older segments may have been released.
      this.position = new LogPosition(header.firstIndex - 1, 0);
      this.firstFile = file;
    } else if (header.firstIndex !== this.position.lastIndex + 1) {
      throw new WalCorruptError(
        file,
        0,
        `segment starts at index ${header.firstIndex} but the previous segment ends at ${this.position.lastIndex}`,
      );
    }
    const position = this.position;
    for (let i = 1; i < records.length; i++) {
      const rec = records[i]!;
      if (rec.type === 'segmentHeader') throw new WalCorruptError(file, rec.offset, 'unexpected segment header');
      const why = position.reject(rec);
      if (why) throw new WalCorruptError(file, rec.offset, why);
      position.advance(rec);
      switch (rec.type) {
        case 'state':
          this.hardState = Buffer.from(rec.data);
          break;
        case 'snapshotMarker':
          this.snapshot = { index: rec.index, term: rec.term };
          this.dropThrough(rec.index);
          break;
        case 'entry':
          this.truncateFrom(rec.index);
          // Copy out of the segment buffer so that buffer can be freed once replay moves on.
          this.entries.push({ index: rec.index, data: Buffer.from(rec.data) });
          break;
      }
    }
  }

  private liveCount(): number {
    return this.entries.length - this.head;
  }

  private dropThrough(index: number): void {
    if (this.liveCount() === 0) return;
    const first = this.entries[this.head]!.index;
    this.head += Math.min(this.liveCount(), Math.max(0, index - first + 1));
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  private truncateFrom(index: number): void {
    if (this.liveCount() === 0) return;
    const first = this.entries[this.head]!.index;
    const keep = Math.max(0, index - first);
    if (keep < this.liveCount()) this.entries.length = this.head + keep;
  }

  result(): ReplayedLog {
    const position = this.position ?? new LogPosition();
    const entries = this.entries.slice(this.head);
    const expectedFirst = position.markerIndex + 1;
    if (entries.length > 0 && entries[0]!.index !== expectedFirst) {
      throw new WalCorruptError(
        this.firstFile,
        0,
        `entries ${expectedFirst}..${entries[0]!.index - 1} are missing (was a segment deleted before a snapshot covered it?)`,
      );
    }
    if (entries.length === 0 && position.lastIndex > position.markerIndex) {
      throw new WalCorruptError(
        this.firstFile,
        0,
        `entries ${expectedFirst}..${position.lastIndex} are missing (was a segment deleted before a snapshot covered it?)`,
      );
    }
    return { hardState: this.hardState, snapshot: this.snapshot, entries, lastIndex: position.lastIndex };
  }
}
