import t from 'tap';
import { crc32c } from '../../../../store/wal/crc32c.js';
import {
  decodeAt,
  encodedSize,
  encodeInto,
  encodeSegmentHeader,
  parseSegmentFileName,
  RECORD_HEADER_BYTES,
  segmentFileName,
  segmentHeaderSize,
  type WalRecord,
} from '../../../../store/wal/format.js';

/** Bit-at-a-time reference implementation to check the table-driven one against. */
function crc32cReference(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

t.test('crc32c known vectors (RFC 3720 B.4 and the standard check value)', async (t) => {
  const ascending = Buffer.alloc(32);
  const descending = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) {
    ascending[i] = i;
    descending[i] = 31 - i;
  }
  const table: [string, Buffer, number][] = [
    ['empty', Buffer.alloc(0), 0],
    ['"123456789"', Buffer.from('123456789'), 0xe3069283],
    ['32 zero bytes', Buffer.alloc(32, 0), 0x8a9136aa],
    ['32 0xff bytes', Buffer.alloc(32, 0xff), 0x62a8ab43],
    ['0..31', ascending, 0x46dd794e],
    ['31..0', descending, 0x113fdb5c],
  ];
  for (const [name, input, want] of table) t.equal(crc32c(input), want, name);
});

t.test('crc32c matches the bitwise reference at every length and when fed in pieces', async (t) => {
  const data = Buffer.alloc(300);
  for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 7) & 0xff;
  let mismatches = 0;
  for (let len = 0; len <= data.length; len++) {
    const slice = data.subarray(0, len);
    const whole = crc32c(slice);
    if (whole !== crc32cReference(slice)) mismatches++;
    const split = Math.floor(len / 3);
    if (crc32c(slice, crc32c(slice, 0, 0, split), split) !== whole) mismatches++;
  }
  t.equal(mismatches, 0);
});

t.test('records round-trip through encodeInto / decodeAt', async (t) => {
  const records: WalRecord[] = [
    { type: 'entry', index: 1, data: Buffer.from('hello') },
    { type: 'entry', index: 2 ** 40 + 3, data: Buffer.alloc(0) },
    { type: 'state', data: Buffer.from([1, 2, 3]) },
    { type: 'snapshotMarker', index: 77, term: 5 },
  ];
  const size = segmentHeaderSize() + records.reduce((n, r) => n + encodedSize(r), 0);
  const buf = Buffer.alloc(size);
  let off = encodeSegmentHeader(buf, 0, 3, 42);
  for (const r of records) off = encodeInto(buf, off, r, segmentHeaderSize());
  t.equal(off, size);

  const header = decodeAt(buf, 0);
  t.ok(header.ok);
  if (header.ok) t.match(header.record, { type: 'segmentHeader', seq: 3, firstIndex: 42, batchStart: 0 });
  let pos = segmentHeaderSize();
  const decoded: unknown[] = [];
  for (let i = 0; i < records.length; i++) {
    const r = decodeAt(buf, pos);
    if (!r.ok) {
      t.fail(`record ${i} did not decode: ${r.reason}`);
      break;
    }
    t.equal(r.record.batchStart, segmentHeaderSize());
    decoded.push(r.record);
    pos += r.record.size;
  }
  t.match(decoded, [
    { type: 'entry', index: 1, data: Buffer.from('hello') },
    { type: 'entry', index: 2 ** 40 + 3, data: Buffer.alloc(0) },
    { type: 'state', data: Buffer.from([1, 2, 3]) },
    { type: 'snapshotMarker', index: 77, term: 5 },
  ]);
});

t.test('decodeAt reports why a record is bad', async (t) => {
  const rec: WalRecord = { type: 'entry', index: 9, data: Buffer.from('payload-bytes') };
  const good = Buffer.alloc(encodedSize(rec));
  encodeInto(good, 0, rec, 0);
  const mutate = (fn: (b: Buffer) => Buffer) => fn(Buffer.from(good));
  const table: [string, Buffer, string][] = [
    ['fewer bytes than a header', good.subarray(0, RECORD_HEADER_BYTES - 1), 'short-header'],
    ['all-zero header', Buffer.alloc(64), 'zero-header'],
    ['unknown type', mutate((b) => ((b[8] = 9), b)), 'bad-header'],
    ['reserved byte set', mutate((b) => ((b[10] = 1), b)), 'bad-header'],
    ['batchStart beyond the record', mutate((b) => ((b[12] = 1), b)), 'bad-header'],
    ['payload cut short', good.subarray(0, good.length - 1), 'short-payload'],
    ['payload byte flipped', mutate((b) => ((b[b.length - 1] ^= 0x01), b)), 'crc-mismatch'],
    ['crc byte flipped', mutate((b) => ((b[0] ^= 0x80), b)), 'crc-mismatch'],
  ];
  for (const [name, input, reason] of table) {
    const r = decodeAt(input, 0);
    t.same(r, { ok: false, reason }, name);
  }
});

t.test('segment file names sort by sequence and parse back', async (t) => {
  t.equal(segmentFileName(1, 1), '0000000000000001-0000000000000001.wal');
  t.equal(segmentFileName(255, 4096), '00000000000000ff-0000000000001000.wal');
  t.same(parseSegmentFileName('00000000000000ff-0000000000001000.wal'), { seq: 255, firstIndex: 4096 });
  const table = ['0000000000000001-0000000000000001.wal.tmp', 'x.wal', '0000000000000001-000000000000001.wal', 'ffffffffffffffff-0000000000000001.wal'];
  for (const name of table) t.equal(parseSegmentFileName(name), undefined, name);
});
