// On-disk format of a snapshot file `<index>-<term>.snap` (both 16 hex digits, so names sort by index).
//
//   header  (36 bytes)  "K8TSSNP1" · u32 version (1) · u32 metaLength · u64 index · u64 term ·
//                       u32 CRC-32C of the preceding 32 bytes
//   meta    (metaLength bytes, opaque)
//   data    (opaque; its length is only known at the end when it is streamed in)
//   trailer (24 bytes)  u64 dataLength · u32 CRC-32C of meta+data · u32 CRC-32C of the preceding
//                       12 trailer bytes · "K8TSEND1"
//
// The trailer goes last so that data can be streamed without knowing its length up front; a file
// is valid only when header, trailer and sizes agree and the meta+data checksum matches.
import { readU64, writeU64 } from '../wal/format.js';
import { crc32c } from '../wal/crc32c.js';

export const SNAPSHOT_HEADER_BYTES = 36;
export const SNAPSHOT_TRAILER_BYTES = 24;

const HEADER_MAGIC = Buffer.from('K8TSSNP1', 'latin1');
const TRAILER_MAGIC = Buffer.from('K8TSEND1', 'latin1');
const VERSION = 1;

export interface SnapshotHeader {
  index: number;
  term: number;
  metaLength: number;
}

export interface SnapshotTrailer {
  dataLength: number;
  bodyCrc: number;
}

export function encodeHeader(h: SnapshotHeader): Buffer {
  const buf = Buffer.alloc(SNAPSHOT_HEADER_BYTES);
  HEADER_MAGIC.copy(buf, 0);
  buf.writeUInt32LE(VERSION, 8);
  buf.writeUInt32LE(h.metaLength, 12);
  writeU64(buf, h.index, 16);
  writeU64(buf, h.term, 24);
  buf.writeUInt32LE(crc32c(buf, 0, 0, 32), 32);
  return buf;
}

export function encodeTrailer(t: SnapshotTrailer): Buffer {
  const buf = Buffer.alloc(SNAPSHOT_TRAILER_BYTES);
  writeU64(buf, t.dataLength, 0);
  buf.writeUInt32LE(t.bodyCrc, 8);
  buf.writeUInt32LE(crc32c(buf, 0, 0, 12), 12);
  TRAILER_MAGIC.copy(buf, 16);
  return buf;
}

/** Decodes a header, or explains why it is not one. */
export function decodeHeader(buf: Buffer): SnapshotHeader | string {
  if (buf.length < SNAPSHOT_HEADER_BYTES) return 'file too short for a snapshot header';
  if (!buf.subarray(0, 8).equals(HEADER_MAGIC)) return 'bad header magic';
  if (buf.readUInt32LE(32) !== crc32c(buf, 0, 0, 32)) return 'header CRC mismatch';
  if (buf.readUInt32LE(8) !== VERSION) return `unsupported snapshot format version ${buf.readUInt32LE(8)}`;
  const index = readU64(buf, 16);
  const term = readU64(buf, 24);
  if (index < 0 || term < 0) return 'index or term out of range';
  return { index, term, metaLength: buf.readUInt32LE(12) };
}

/** Decodes the trailer at the end of `buf`, or explains why it is not one. */
export function decodeTrailer(buf: Buffer): SnapshotTrailer | string {
  if (buf.length < SNAPSHOT_TRAILER_BYTES) return 'file too short for a snapshot trailer';
  const t = buf.subarray(buf.length - SNAPSHOT_TRAILER_BYTES);
  if (!t.subarray(16).equals(TRAILER_MAGIC)) return 'bad trailer magic (file incomplete?)';
  if (t.readUInt32LE(12) !== crc32c(t, 0, 0, 12)) return 'trailer CRC mismatch';
  const dataLength = readU64(t, 0);
  if (dataLength < 0) return 'data length out of range';
  return { dataLength, bodyCrc: t.readUInt32LE(8) };
}

const SNAP_NAME = /^([0-9a-f]{16})-([0-9a-f]{16})\.snap$/;

function hex16(n: number): string {
  return n.toString(16).padStart(16, '0');
}

export function snapshotFileName(index: number, term: number): string {
  return `${hex16(index)}-${hex16(term)}.snap`;
}

export function parseSnapshotFileName(name: string): { index: number; term: number } | undefined {
  const m = SNAP_NAME.exec(name);
  if (!m) return undefined;
  const index = Number.parseInt(m[1]!, 16);
  const term = Number.parseInt(m[2]!, 16);
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(term)) return undefined;
  return { index, term };
}
