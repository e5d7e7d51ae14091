// Binary snapshot format of the MVCC state, written and read in chunks so that a million keys never
// become one giant string or buffer.
//
// The stream is a sequence of records, each `u32le bodyLength` + body, body[0] = tag:
//   HEADER  magic "K8TSMVCC", u8 format version, currentRevision, compactRevision
//   KEY     key, number of versions that follow               (keys in ascending UTF-8 order)
//   VERSION mod, sub, create, version, lease, value            (ascending mod within a key)
//   LEASE   id, ttl, remainingTtl                              (ascending id)
//   END     key count, version count, lease count              (detects truncation)
// Integers are unsigned LEB128 varints; strings are `u32le byteLength` + UTF-8 bytes.
// Encoding is deterministic: equal states give identical bytes.

import { MvccError } from './errors.js';
import { KeyVersion, type KeyHistory } from './key-history.js';
import { compareKeys } from './keys.js';

const MAGIC = Buffer.from('K8TSMVCC', 'latin1');
const FORMAT_VERSION = 1;

const TAG_HEADER = 1;
const TAG_KEY = 2;
const TAG_VERSION = 3;
const TAG_LEASE = 4;
const TAG_END = 5;

/** Largest record the decoder accepts: a 1.5 MiB value is at most ~4.5 MiB of UTF-8, plus slack. */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;
/** Worst-case bytes of one varint holding a safe integer. */
const VARINT_MAX = 8;

export interface SnapshotLease {
  id: number;
  ttl: number;
  remainingTtl: number;
}

export interface SnapshotSource {
  currentRevision: number;
  compactRevision: number;
  /** Key histories in ascending key order, a run at a time (the key is each history's key). */
  histories(): Iterable<readonly KeyHistory[]>;
  leases: SnapshotLease[];
}

export interface DecodedSnapshot {
  currentRevision: number;
  compactRevision: number;
  /** Ascending. */
  keys: string[];
  histories: KeyHistory[];
  leases: SnapshotLease[];
}

class ChunkWriter {
  private buf: Buffer;
  private pos = 0;
  private recordStart = 0;
  readonly ready: Buffer[] = [];

  constructor(private readonly chunkBytes: number) {
    this.buf = Buffer.allocUnsafe(chunkBytes);
  }

  /** Starts a record whose body is at most maxBody bytes. */
  begin(tag: number, maxBody: number): void {
    const need = 4 + maxBody;
    if (this.pos + need > this.buf.length) {
      if (this.pos > 0) this.ready.push(this.buf.subarray(0, this.pos));
      this.buf = Buffer.allocUnsafe(Math.max(this.chunkBytes, need));
      this.pos = 0;
    }
    this.recordStart = this.pos;
    this.pos += 4;
    this.buf[this.pos++] = tag;
  }

  end(): void {
    this.buf.writeUInt32LE(this.pos - this.recordStart - 4, this.recordStart);
  }

  varint(n: number): void {
    const buf = this.buf;
    let pos = this.pos;
    if (n < 0x80000000) {
      while (n > 0x7f) {
        buf[pos++] = (n & 0x7f) | 0x80;
        n >>>= 7;
      }
    } else {
      while (n > 0x7f) {
        buf[pos++] = (n % 128) | 0x80;
        n = Math.floor(n / 128);
      }
    }
    buf[pos++] = n;
    this.pos = pos;
  }

  string(s: string): void {
    const written = this.buf.write(s, this.pos + 4, 'utf8');
    this.buf.writeUInt32LE(written, this.pos);
    this.pos += 4 + written;
  }

  bytes(b: Buffer): void {
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }

  /** Completed chunks so far (handed out once). */
  drain(): Buffer[] {
    return this.ready.splice(0);
  }

  finish(): Buffer[] {
    if (this.pos > 0) this.ready.push(this.buf.subarray(0, this.pos));
    this.pos = 0;
    return this.drain();
  }
}

/** Worst-case UTF-8 size of a JS string (3 bytes per UTF-16 unit), plus its length prefix. */
function maxStringBytes(s: string): number {
  return 4 + 3 * s.length;
}

export function* encodeSnapshot(src: SnapshotSource, chunkBytes: number): Generator<Buffer, void, undefined> {
  const w = new ChunkWriter(Math.max(4096, chunkBytes));
  w.begin(TAG_HEADER, MAGIC.length + 1 + 2 * VARINT_MAX);
  w.bytes(MAGIC);
  w.varint(FORMAT_VERSION);
  w.varint(src.currentRevision);
  w.varint(src.compactRevision);
  w.end();
  let keyCount = 0;
  let versionCount = 0;
  for (const histories of src.histories()) {
    for (let i = 0; i < histories.length; i++) {
      const history = histories[i]!;
      const key = history[0]!.key;
      w.begin(TAG_KEY, maxStringBytes(key) + VARINT_MAX);
      w.string(key);
      w.varint(history.length);
      w.end();
      for (const v of history) {
        w.begin(TAG_VERSION, 5 * VARINT_MAX + maxStringBytes(v.value));
        w.varint(v.mod);
        w.varint(v.sub);
        w.varint(v.create);
        w.varint(v.ver);
        w.varint(v.lease);
        w.string(v.value);
        w.end();
      }
      keyCount++;
      versionCount += history.length;
    }
    yield* w.drain();
  }
  for (const l of src.leases) {
    w.begin(TAG_LEASE, 3 * VARINT_MAX);
    w.varint(l.id);
    w.varint(l.ttl);
    w.varint(l.remainingTtl);
    w.end();
  }
  w.begin(TAG_END, 3 * VARINT_MAX);
  w.varint(keyCount);
  w.varint(versionCount);
  w.varint(src.leases.length);
  w.end();
  yield* w.finish();
}

function bad(message: string): MvccError {
  return new MvccError('badSnapshot', `snapshot: ${message}`);
}

/** Bounds-checked reader over one record body. */
class RecordReader {
  constructor(
    private readonly buf: Buffer,
    public pos: number,
    private readonly end: number,
  ) {}

  u8(): number {
    if (this.pos >= this.end) throw bad('record ends early');
    return this.buf[this.pos++]!;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < VARINT_MAX; i++) {
      const b = this.u8();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (!Number.isSafeInteger(result)) throw bad('integer out of range');
        return result;
      }
      scale *= 128;
    }
    throw bad('varint too long');
  }

  string(): string {
    if (this.end - this.pos < 4) throw bad('record ends early');
    const len = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    if (len > this.end - this.pos) throw bad('string runs past its record');
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  bytes(n: number): Buffer {
    if (this.end - this.pos < n) throw bad('record ends early');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  done(): void {
    if (this.pos !== this.end) throw bad('record has trailing bytes');
  }
}

/** Incremental decoder: push() chunks in order (any split), then finish(). Throws 'badSnapshot'. */
export class SnapshotDecoder {
  private carry: Buffer | null = null;
  private header: { currentRevision: number; compactRevision: number } | null = null;
  private readonly keys: string[] = [];
  private readonly histories: KeyHistory[] = [];
  private readonly leases: SnapshotLease[] = [];
  private currentKey: string | null = null;
  private currentHistory: KeyHistory = [];
  private versionsLeft = 0;
  /** Versions of the current key read so far. */
  private filled = 0;
  private versionCount = 0;
  private ended = false;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    let p = 0;
    while (buf.length - p >= 4) {
      const len = buf.readUInt32LE(p);
      if (len === 0 || len > MAX_RECORD_BYTES) throw bad(`implausible record length ${len}`);
      if (buf.length - p - 4 < len) break;
      this.record(new RecordReader(buf, p + 4, p + 4 + len));
      p += 4 + len;
    }
    // Copy the partial tail so it does not pin the whole chunk.
    this.carry = p < buf.length ? Buffer.from(buf.subarray(p)) : null;
  }

  finish(): DecodedSnapshot {
    if (this.carry) throw bad('truncated in the middle of a record');
    if (!this.ended) throw bad('truncated (no end record)');
    return {
      currentRevision: this.header!.currentRevision,
      compactRevision: this.header!.compactRevision,
      keys: this.keys,
      histories: this.histories,
      leases: this.leases,
    };
  }

  private record(r: RecordReader): void {
    if (this.ended) throw bad('data after the end record');
    const tag = r.u8();
    if (!this.header && tag !== TAG_HEADER) throw bad('does not start with a header (not a snapshot?)');
    switch (tag) {
      case TAG_HEADER:
        this.readHeader(r);
        break;
      case TAG_KEY:
        this.readKey(r);
        break;
      case TAG_VERSION:
        this.readVersion(r);
        break;
      case TAG_LEASE:
        this.readLease(r);
        break;
      case TAG_END:
        this.readEnd(r);
        break;
      default:
        throw bad(`unknown record tag ${tag}`);
    }
    r.done();
  }

  private readHeader(r: RecordReader): void {
    if (this.header) throw bad('second header');
    if (!r.bytes(MAGIC.length).equals(MAGIC)) throw bad('bad magic (not an MVCC snapshot)');
    const format = r.varint();
    if (format !== FORMAT_VERSION) throw bad(`unsupported format version ${format}`);
    const currentRevision = r.varint();
    const compactRevision = r.varint();
    if (currentRevision < 1 || compactRevision > currentRevision) throw bad(`inconsistent revisions current=${currentRevision} compact=${compactRevision}`);
    this.header = { currentRevision, compactRevision };
  }

  private readKey(r: RecordReader): void {
    if (this.versionsLeft > 0) throw bad(`key ${JSON.stringify(this.currentKey)} is missing versions`);
    if (this.leases.length > 0) throw bad('key after leases');
    const key = r.string();
    const count = r.varint();
    if (key === '') throw bad('empty key');
    if (count < 1 || count > this.header!.currentRevision) throw bad(`key ${JSON.stringify(key)} claims ${count} versions`);
    const prev = this.keys.length > 0 ? this.keys[this.keys.length - 1]! : undefined;
    if (prev !== undefined && compareKeys(prev, key) >= 0) throw bad(`keys out of order at ${JSON.stringify(key)}`);
    this.currentKey = key;
    // Exact-size arrays: growing from [] by push would reserve ~16 slots per key (128 MB at 1M keys).
    this.currentHistory = count <= 1024 ? new Array<KeyVersion>(count) : [];
    this.filled = 0;
    this.versionsLeft = count;
    this.keys.push(key);
    this.histories.push(this.currentHistory);
  }

  private readVersion(r: RecordReader): void {
    if (this.versionsLeft === 0 || this.currentKey === null) throw bad('version record without a key');
    const mod = r.varint();
    const sub = r.varint();
    const create = r.varint();
    const ver = r.varint();
    const lease = r.varint();
    const value = r.string();
    const key = this.currentKey;
    const history = this.currentHistory;
    const prevMod = this.filled > 0 ? history[this.filled - 1]!.mod : 0;
    if (mod <= prevMod || mod < 2 || mod > this.header!.currentRevision) throw bad(`key ${JSON.stringify(key)}: bad revision ${mod}`);
    if (ver === 0 ? create !== 0 || lease !== 0 || value !== '' : create < 2 || create > mod) {
      throw bad(`key ${JSON.stringify(key)}: inconsistent version at revision ${mod}`);
    }
    history[this.filled++] = new KeyVersion(key, mod, sub, create, ver, value, lease);
    this.versionsLeft--;
    this.versionCount++;
  }

  private readLease(r: RecordReader): void {
    if (this.versionsLeft > 0) throw bad('lease record inside a key');
    const id = r.varint();
    const ttl = r.varint();
    const remainingTtl = r.varint();
    const prev = this.leases.length > 0 ? this.leases[this.leases.length - 1]!.id : 0;
    if (id <= prev || ttl < 1) throw bad(`bad lease ${id}`);
    this.leases.push({ id, ttl, remainingTtl });
  }

  private readEnd(r: RecordReader): void {
    if (this.versionsLeft > 0) throw bad('end record inside a key');
    const keys = r.varint();
    const versions = r.varint();
    const leases = r.varint();
    if (keys !== this.keys.length || versions !== this.versionCount || leases !== this.leases.length) {
      throw bad(`counts do not match (keys ${this.keys.length}/${keys}, versions ${this.versionCount}/${versions}, leases ${this.leases.length}/${leases})`);
    }
    this.ended = true;
  }
}
