// Reads one segment's bytes into records and decides what a bad record means:
// a torn tail (the last, never-acknowledged write was cut short: truncate and go on) or corruption
// (acknowledged data is damaged: refuse). Pure: bytes in, records or an error out.
import { decodeAt, RECORD_HEADER_BYTES, RecordType, type DecodedRecord, type DecodeFailure } from './format.js';
import { WalCorruptError } from './errors.js';

/** Torn writes lose whole disk sectors, which then read back as zeros. */
const SECTOR_BYTES = 512;

export interface TornTail {
  /** Offset of the first bad byte: the file is cut back to this length. */
  offset: number;
  /** Bytes after `offset` that are dropped. */
  droppedBytes: number;
  reason: DecodeFailure;
}

export interface SegmentScan {
  records: DecodedRecord[];
  /** Length of the valid prefix (end of the last good record). */
  goodBytes: number;
  torn?: TornTail;
}

const REASON_TEXT: Record<DecodeFailure, string> = {
  'short-header': 'record header cut short',
  'zero-header': 'zero-filled space where a record should be',
  'bad-header': 'malformed record header',
  'short-payload': 'record payload runs past the end of the file',
  'crc-mismatch': 'CRC mismatch',
  'bad-payload': 'record payload does not match its type',
};

function hasZeroSector(buf: Buffer, start: number, end: number): boolean {
  // Every aligned sector that overlaps [start, end), checked over its full extent in the file.
  for (let s = Math.floor(start / SECTOR_BYTES) * SECTOR_BYTES; s < end; s += SECTOR_BYTES) {
    const stop = Math.min(s + SECTOR_BYTES, buf.length);
    let zero = true;
    for (let i = s; i < stop; i++) {
      if (buf[i] !== 0) {
        zero = false;
        break;
      }
    }
    if (zero) return true;
  }
  return false;
}

/**
 * Decides whether the bad record at `badOffset` of the last segment is a torn tail. Scans the rest
 * of the file byte by byte for records that still check out:
 *  - one written by a *later* batch (batchStart > badOffset) proves the bad record was fsynced and
 *    acknowledged before it: corruption;
 *  - one from the same batch after a bad record that shows no zeroed sector is bit rot, not a torn
 *    write (a torn write leaves zeros): corruption;
 *  - otherwise the damage is confined to the final, unacknowledged batch: a torn tail.
 */
function classifyTail(file: string, buf: Buffer, badOffset: number, reason: DecodeFailure): TornTail {
  let firstValid = -1;
  let pos = badOffset + 1;
  // Each step moves forward by at least one byte, so this ends within buf.length iterations.
  while (pos + RECORD_HEADER_BYTES <= buf.length) {
    // Cheap pre-filter (type byte and zero reserved bytes) before a full decode.
    const type = buf[pos + 8]!;
    if (type < RecordType.segmentHeader || type > RecordType.snapshotMarker || buf[pos + 9] !== 0 || buf[pos + 10] !== 0 || buf[pos + 11] !== 0) {
      pos++;
      continue;
    }
    const r = decodeAt(buf, pos);
    if (!r.ok) {
      pos++;
      continue;
    }
    if (r.record.batchStart > badOffset) {
      throw new WalCorruptError(
        file,
        badOffset,
        `${REASON_TEXT[reason]}, yet a valid record from a later write batch follows at offset ${pos}`,
      );
    }
    if (firstValid < 0) firstValid = pos;
    pos += r.record.size;
  }
  if (firstValid >= 0 && !hasZeroSector(buf, badOffset, firstValid)) {
    throw new WalCorruptError(file, badOffset, `${REASON_TEXT[reason]}, yet a valid record follows at offset ${firstValid}`);
  }
  return { offset: badOffset, droppedBytes: buf.length - badOffset, reason };
}

/**
 * Parses a segment. `isLast` segments may end in a torn tail (reported, not thrown); anywhere else a
 * bad record is a WalCorruptError naming `file` and the byte offset.
 */
export function scanSegment(file: string, buf: Buffer, isLast: boolean): SegmentScan {
  const records: DecodedRecord[] = [];
  let off = 0;
  // Each iteration consumes a record of at least RECORD_HEADER_BYTES or leaves the loop.
  while (off < buf.length) {
    const r = decodeAt(buf, off);
    if (r.ok) {
      const first = records.length === 0;
      if (first !== (r.record.type === 'segmentHeader')) {
        throw new WalCorruptError(file, off, first ? 'segment does not start with a segment header' : 'unexpected segment header inside a segment');
      }
      records.push(r.record);
      off += r.record.size;
      continue;
    }
    if (off === 0) throw new WalCorruptError(file, 0, `bad segment header: ${REASON_TEXT[r.reason]}`);
    if (!isLast) throw new WalCorruptError(file, off, `${REASON_TEXT[r.reason]} in a segment that is not the last`);
    return { records, goodBytes: off, torn: classifyTail(file, buf, off, r.reason) };
  }
  if (records.length === 0) throw new WalCorruptError(file, 0, 'empty segment file (no segment header)');
  return { records, goodBytes: off };
}
