// On-disk format of a WAL segment: a sequence of self-checking records.
//
// Every record is a 20-byte header followed by its payload (all integers little-endian):
//
//   offset  size  field
//   0       4     crc         CRC-32C of bytes [4, 20 + length): the rest of the header and the payload
//   4       4     length      payload length in bytes
//   8       1     type        1 segmentHeader · 2 entry · 3 state · 4 snapshotMarker
//   9       3     reserved    zero
//   12      8     batchStart  file offset of the first record of the write batch this record was
//                             written in (one group-commit write + one fdatasync)
//   20      n     payload
//
// The CRC is per record, not chained (etcd chains it): each record can be checked on its own, which
// is what lets replay look *past* a bad record to tell a torn tail from corruption in the middle.
// `batchStart` makes that distinction exact: a batch is only ever written after the previous one
// was fsynced, so a valid record whose batchStart lies beyond a bad record proves that the bad
// record belonged to an acknowledged (durable) batch — that is corruption, never a torn write.
//
// Payloads:
//   segmentHeader   "K8TSWAL1" · u32 version (1) · u32 zero · u64 seq · u64 firstIndex   (32 bytes)
//   entry           u64 index · opaque data
//   state           opaque data (the hard state; the last one in the log wins)
//   snapshotMarker  u64 index · u64 term   (16 bytes)
//
// Every segment starts with a segmentHeader, then copies of the current state and snapshot marker
// (so older segments can be deleted without losing them), then batches of appended records.
import { crc32c } from './crc32c.js';

export const RECORD_HEADER_BYTES = 20;
/** Lengths are u32; keep well below that and below what one Buffer can hold. */
export const MAX_PAYLOAD_BYTES = 0x7fff_0000;

export const RecordType = {
  segmentHeader: 1,
  entry: 2,
  state: 3,
  snapshotMarker: 4,
} as const;

const SEGMENT_MAGIC = Buffer.from('K8TSWAL1', 'latin1');
const FORMAT_VERSION = 1;
const SEGMENT_HEADER_PAYLOAD_BYTES = 32;
const MARKER_PAYLOAD_BYTES = 16;
const U32 = 0x1_0000_0000;

/** A record as the caller appends it. */
export type WalRecord =
  | { type: 'entry'; index: number; data: Uint8Array }
  | { type: 'state'; data: Uint8Array }
  | { type: 'snapshotMarker'; index: number; term: number };

export type DecodedBody =
  | { type: 'segmentHeader'; seq: number; firstIndex: number }
  | { type: 'entry'; index: number; data: Buffer }
  | { type: 'state'; data: Buffer }
  | { type: 'snapshotMarker'; index: number; term: number };

export type DecodedRecord = DecodedBody & {
  /** File offset of the record's header. */
  offset: number;
  /** Header + payload bytes. */
  size: number;
  batchStart: number;
};

export type DecodeFailure =
  /** Fewer than a header's worth of bytes left. */
  | 'short-header'
  /** An all-zero header: preallocated or never-written space. */
  | 'zero-header'
  /** Unknown type, nonzero reserved bytes or an impossible batchStart. */
  | 'bad-header'
  /** The payload runs past the end of the file. */
  | 'short-payload'
  | 'crc-mismatch'
  /** The CRC matches but the payload does not fit its type. */
  | 'bad-payload';

export type DecodeResult = { ok: true; record: DecodedRecord } | { ok: false; reason: DecodeFailure };

export function writeU64(buf: Buffer, value: number, off: number): void {
  buf.writeUInt32LE(value % U32, off);
  buf.writeUInt32LE(Math.floor(value / U32), off + 4);
}

/** Reads a u64 as a number, or -1 when it exceeds Number.MAX_SAFE_INTEGER. */
export function readU64(buf: Uint8Array, off: number): number {
  const lo = (buf[off]! | (buf[off + 1]! << 8) | (buf[off + 2]! << 16)) + buf[off + 3]! * 0x100_0000;
  const hi = (buf[off + 4]! | (buf[off + 5]! << 8) | (buf[off + 6]! << 16)) + buf[off + 7]! * 0x100_0000;
  if (hi >= 0x20_0000) return -1;
  return hi * U32 + lo;
}

function readU32(buf: Uint8Array, off: number): number {
  return (buf[off]! | (buf[off + 1]! << 8) | (buf[off + 2]! << 16)) + buf[off + 3]! * 0x100_0000;
}

function payloadBytes(record: WalRecord): number {
  switch (record.type) {
    case 'entry':
      return 8 + record.data.length;
    case 'state':
      return record.data.length;
    case 'snapshotMarker':
      return MARKER_PAYLOAD_BYTES;
  }
}

/** Bytes the record takes on disk. */
export function encodedSize(record: WalRecord): number {
  return RECORD_HEADER_BYTES + payloadBytes(record);
}

export function segmentHeaderSize(): number {
  return RECORD_HEADER_BYTES + SEGMENT_HEADER_PAYLOAD_BYTES;
}

function writeHeaderAndCrc(buf: Buffer, off: number, type: number, length: number, batchStart: number): void {
  buf.writeUInt32LE(length, off + 4);
  buf[off + 8] = type;
  buf[off + 9] = 0;
  buf[off + 10] = 0;
  buf[off + 11] = 0;
  writeU64(buf, batchStart, off + 12);
  buf.writeUInt32LE(crc32c(buf, 0, off + 4, off + RECORD_HEADER_BYTES + length), off);
}

/** Encodes `record` at `buf[off]`; returns the offset just past it. */
export function encodeInto(buf: Buffer, off: number, record: WalRecord, batchStart: number): number {
  const p = off + RECORD_HEADER_BYTES;
  let type: number;
  switch (record.type) {
    case 'entry':
      type = RecordType.entry;
      writeU64(buf, record.index, p);
      buf.set(record.data, p + 8);
      break;
    case 'state':
      type = RecordType.state;
      buf.set(record.data, p);
      break;
    case 'snapshotMarker':
      type = RecordType.snapshotMarker;
      writeU64(buf, record.index, p);
      writeU64(buf, record.term, p + 8);
      break;
  }
  const length = payloadBytes(record);
  writeHeaderAndCrc(buf, off, type, length, batchStart);
  return p + length;
}

/** Encodes a segment header record at `buf[off]` (its own batch); returns the offset just past it. */
export function encodeSegmentHeader(buf: Buffer, off: number, seq: number, firstIndex: number): number {
  const p = off + RECORD_HEADER_BYTES;
  SEGMENT_MAGIC.copy(buf, p);
  buf.writeUInt32LE(FORMAT_VERSION, p + 8);
  buf.writeUInt32LE(0, p + 12);
  writeU64(buf, seq, p + 16);
  writeU64(buf, firstIndex, p + 24);
  writeHeaderAndCrc(buf, off, RecordType.segmentHeader, SEGMENT_HEADER_PAYLOAD_BYTES, off);
  return p + SEGMENT_HEADER_PAYLOAD_BYTES;
}

function isZero(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] !== 0) return false;
  return true;
}

function decodeBody(type: number, payload: Buffer): DecodedBody | undefined {
  switch (type) {
    case RecordType.segmentHeader: {
      if (payload.length !== SEGMENT_HEADER_PAYLOAD_BYTES || !payload.subarray(0, 8).equals(SEGMENT_MAGIC)) return undefined;
      if (payload.readUInt32LE(8) !== FORMAT_VERSION) return undefined;
      const seq = readU64(payload, 16);
      const firstIndex = readU64(payload, 24);
      if (seq < 1 || firstIndex < 1) return undefined;
      return { type: 'segmentHeader', seq, firstIndex };
    }
    case RecordType.entry: {
      if (payload.length < 8) return undefined;
      const index = readU64(payload, 0);
      if (index < 1) return undefined;
      return { type: 'entry', index, data: payload.subarray(8) };
    }
    case RecordType.state:
      return { type: 'state', data: payload };
    case RecordType.snapshotMarker: {
      if (payload.length !== MARKER_PAYLOAD_BYTES) return undefined;
      const index = readU64(payload, 0);
      const term = readU64(payload, 8);
      if (index < 0 || term < 0) return undefined;
      return { type: 'snapshotMarker', index, term };
    }
    default:
      return undefined;
  }
}

/**
 * Decodes the record starting at `buf[off]`. Payload buffers in the result are views into `buf`.
 * Cheap header checks run before the CRC so that scanning garbage byte by byte stays fast.
 */
export function decodeAt(buf: Buffer, off: number): DecodeResult {
  if (buf.length - off < RECORD_HEADER_BYTES) return { ok: false, reason: 'short-header' };
  const type = buf[off + 8]!;
  if (type === 0 && isZero(buf, off, off + RECORD_HEADER_BYTES)) return { ok: false, reason: 'zero-header' };
  if (type < RecordType.segmentHeader || type > RecordType.snapshotMarker) return { ok: false, reason: 'bad-header' };
  if (buf[off + 9] !== 0 || buf[off + 10] !== 0 || buf[off + 11] !== 0) return { ok: false, reason: 'bad-header' };
  const batchStart = readU64(buf, off + 12);
  if (batchStart < 0 || batchStart > off) return { ok: false, reason: 'bad-header' };
  const length = readU32(buf, off + 4);
  const end = off + RECORD_HEADER_BYTES + length;
  if (end > buf.length) return { ok: false, reason: 'short-payload' };
  if (crc32c(buf, 0, off + 4, end) !== readU32(buf, off)) return { ok: false, reason: 'crc-mismatch' };
  const body = decodeBody(type, buf.subarray(off + RECORD_HEADER_BYTES, end));
  if (!body) return { ok: false, reason: 'bad-payload' };
  return { ok: true, record: { ...body, offset: off, size: end - off, batchStart } };
}

const SEGMENT_NAME = /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/;

function hex16(n: number): string {
  return n.toString(16).padStart(16, '0');
}

/** `<seq>-<firstIndex>.wal`, both 16 hex digits, so names sort in sequence order (like etcd's). */
export function segmentFileName(seq: number, firstIndex: number): string {
  return `${hex16(seq)}-${hex16(firstIndex)}.wal`;
}

export function parseSegmentFileName(name: string): { seq: number; firstIndex: number } | undefined {
  const m = SEGMENT_NAME.exec(name);
  if (!m) return undefined;
  const seq = Number.parseInt(m[1]!, 16);
  const firstIndex = Number.parseInt(m[2]!, 16);
  if (!Number.isSafeInteger(seq) || !Number.isSafeInteger(firstIndex)) return undefined;
  return { seq, firstIndex };
}
