// The index rules every record stream obeys, shared by append() (which rejects a bad record before
// it is written) and replay (which treats a violation on disk as corruption).
//
//  - An entry's index must be after the snapshot marker and at most lastIndex + 1. An index at or
//    below lastIndex replaces that entry and discards everything after it (Raft's conflicting
//    suffix); lastIndex becomes that index.
//  - A snapshot marker never moves backwards; lastIndex becomes at least its index (a follower can
//    install a snapshot beyond its log, and then the next entry is marker + 1).
import type { WalRecord } from './format.js';

export interface SnapshotMarker {
  index: number;
  term: number;
}

function isIndex(n: number, min: number): boolean {
  return Number.isSafeInteger(n) && n >= min;
}

export class LogPosition {
  constructor(
    /** Highest index in the log (entries or snapshot marker); 0 for an empty log. */
    public lastIndex = 0,
    /** Index of the latest snapshot marker; 0 when there is none. */
    public markerIndex = 0,
  ) {}

  clone(): LogPosition {
    return new LogPosition(this.lastIndex, this.markerIndex);
  }

  /** Why `record` may not come next, or undefined when it may. */
  reject(record: WalRecord): string | undefined {
    switch (record.type) {
      case 'entry':
        if (!isIndex(record.index, 1)) return `entry index ${record.index} is not a positive safe integer`;
        if (record.index <= this.markerIndex) {
          return `entry index ${record.index} is not after the snapshot marker index ${this.markerIndex}`;
        }
        if (record.index > this.lastIndex + 1) {
          return `entry index ${record.index} leaves a gap after last index ${this.lastIndex}`;
        }
        return undefined;
      case 'snapshotMarker':
        if (!isIndex(record.index, 0) || !isIndex(record.term, 0)) {
          return `snapshot marker index ${record.index} / term ${record.term} must be non-negative safe integers`;
        }
        if (record.index < this.markerIndex) {
          return `snapshot marker index ${record.index} goes back from ${this.markerIndex}`;
        }
        return undefined;
      case 'state':
        return undefined;
    }
  }

  /** Applies a record that reject() accepted. */
  advance(record: WalRecord): void {
    if (record.type === 'entry') {
      this.lastIndex = record.index;
    } else if (record.type === 'snapshotMarker') {
      this.markerIndex = record.index;
      this.lastIndex = Math.max(this.lastIndex, record.index);
    }
  }
}
