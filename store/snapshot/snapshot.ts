// Snapshot files: saved atomically (temp file, fsync, rename, directory fsync), loaded newest-first
// with fallback past corrupt ones, purged down to the newest N.
import { open, readdir, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32c } from '../wal/crc32c.js';
import { ensureDir, fsyncDir, writeFully } from '../wal/fs-sync.js';
import {
  decodeHeader,
  decodeTrailer,
  encodeHeader,
  encodeTrailer,
  parseSnapshotFileName,
  snapshotFileName,
  SNAPSHOT_HEADER_BYTES,
  SNAPSHOT_TRAILER_BYTES,
} from './format.js';

export { snapshotFileName, parseSnapshotFileName } from './format.js';

export interface SnapshotToSave {
  index: number;
  term: number;
  /**
   * The state machine image. A Buffer is written as is (no copy); an async iterable of chunks
   * (e.g. a generator serialising the store) is streamed, so it never has to exist whole in memory.
   */
  data: Uint8Array | AsyncIterable<Uint8Array>;
  /** Opaque metadata stored beside the data (e.g. the Raft membership as JSON). */
  meta?: Uint8Array;
}

export interface SaveOptions {
  /** Default true. `false` is UNSAFE (a crash can leave no or a partial snapshot): tests only. */
  fsync?: boolean;
}

export interface LoadedSnapshot {
  /** File name inside the directory. */
  file: string;
  index: number;
  term: number;
  meta: Buffer;
  /** A view into the single buffer the file was read into. */
  data: Buffer;
}

export interface SkippedSnapshot {
  file: string;
  reason: string;
  /** The name the corrupt file was renamed to, so purge() and later loads leave it alone. */
  quarantinedAs?: string;
}

export interface SnapshotLogger {
  warn(obj: object, msg: string): void;
}

export interface LoadOptions {
  /** Ignore snapshots newer than this index (e.g. to match the WAL's snapshot marker). */
  maxIndex?: number;
  /** Rename corrupt files to `<name>.broken` (default true), as etcd does. */
  quarantine?: boolean;
  logger?: SnapshotLogger;
}

const TEMP_SUFFIX = '.tmp';
const BROKEN_SUFFIX = '.broken';
/** Small streamed chunks are gathered into writes of this size. */
const WRITE_CHUNK_BYTES = 1024 * 1024;

function isSafeNonNegative(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** Sequential writer that gathers small chunks into large writes and checksums as it goes. */
class ChecksummingWriter {
  position = 0;
  crc = 0;
  private staging = Buffer.allocUnsafe(0);
  private staged = 0;

  constructor(private readonly fh: FileHandle) {}

  /** Writes bytes that are not part of the checksummed body (header, trailer). */
  async writeRaw(bytes: Uint8Array): Promise<void> {
    await this.flush();
    await writeFully(this.fh, bytes, this.position);
    this.position += bytes.length;
  }

  async writeBody(chunk: Uint8Array): Promise<void> {
    this.crc = crc32c(chunk, this.crc);
    if (chunk.length >= WRITE_CHUNK_BYTES) {
      await this.flush();
      await writeFully(this.fh, chunk, this.position);
      this.position += chunk.length;
      return;
    }
    if (this.staging.length === 0) this.staging = Buffer.allocUnsafe(WRITE_CHUNK_BYTES);
    if (this.staged + chunk.length > this.staging.length) await this.flush();
    this.staging.set(chunk, this.staged);
    this.staged += chunk.length;
  }

  async flush(): Promise<void> {
    if (this.staged === 0) return;
    await writeFully(this.fh, this.staging.subarray(0, this.staged), this.position);
    this.position += this.staged;
    this.staged = 0;
  }
}

/**
 * Writes `<index>-<term>.snap` atomically: a reader sees either the complete file or none (a
 * leftover `.tmp` from a crash is ignored by loadNewest). Returns the file name and its size.
 */
export async function save(dir: string, snap: SnapshotToSave, opts: SaveOptions = {}): Promise<{ file: string; bytes: number }> {
  if (!isSafeNonNegative(snap.index) || !isSafeNonNegative(snap.term)) {
    throw new Error(`snapshot index ${snap.index} and term ${snap.term} must be non-negative safe integers`);
  }
  const meta = snap.meta ?? Buffer.alloc(0);
  if (!(meta instanceof Uint8Array) || meta.length > 0xffff_ffff) throw new Error('snapshot meta must be a Uint8Array under 4 GiB');
  const data = snap.data;
  const isBytes = data instanceof Uint8Array;
  if (!isBytes && (typeof data !== 'object' || data === null || !(Symbol.asyncIterator in data))) {
    throw new Error('snapshot data must be a Uint8Array or an async iterable of Uint8Array');
  }
  const fsync = opts.fsync ?? true;
  await ensureDir(dir, fsync);
  const file = snapshotFileName(snap.index, snap.term);
  const tmp = join(dir, file + TEMP_SUFFIX);
  const fh = await open(tmp, 'w');
  let bytes: number;
  try {
    const w = new ChecksummingWriter(fh);
    await w.writeRaw(encodeHeader({ index: snap.index, term: snap.term, metaLength: meta.length }));
    const bodyStart = w.position;
    await w.writeBody(meta);
    if (isBytes) {
      await w.writeBody(data);
    } else {
      for await (const chunk of data) {
        if (!(chunk instanceof Uint8Array)) throw new Error('snapshot data stream yielded something other than a Uint8Array');
        await w.writeBody(chunk);
      }
    }
    await w.flush();
    const dataLength = w.position - bodyStart - meta.length;
    await w.writeRaw(encodeTrailer({ dataLength, bodyCrc: w.crc }));
    bytes = w.position;
    if (fsync) await fh.sync();
    await fh.close();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await rename(tmp, join(dir, file));
  if (fsync) await fsyncDir(dir);
  return { file, bytes };
}

/** Checks a whole snapshot file held in `buf`; returns the snapshot or why it is invalid. */
export function decodeSnapshotFile(file: string, buf: Buffer): LoadedSnapshot | string {
  const named = parseSnapshotFileName(file);
  if (!named) return 'not a snapshot file name';
  const header = decodeHeader(buf);
  if (typeof header === 'string') return header;
  const trailer = decodeTrailer(buf);
  if (typeof trailer === 'string') return trailer;
  if (header.index !== named.index || header.term !== named.term) {
    return `header says index ${header.index} term ${header.term}, file name says ${named.index} ${named.term}`;
  }
  const bodyEnd = buf.length - SNAPSHOT_TRAILER_BYTES;
  if (SNAPSHOT_HEADER_BYTES + header.metaLength + trailer.dataLength !== bodyEnd) {
    return `sizes disagree: file has ${buf.length} bytes, header and trailer describe ${SNAPSHOT_HEADER_BYTES + header.metaLength + trailer.dataLength + SNAPSHOT_TRAILER_BYTES}`;
  }
  if (crc32c(buf, 0, SNAPSHOT_HEADER_BYTES, bodyEnd) !== trailer.bodyCrc) return 'data CRC mismatch';
  const metaEnd = SNAPSHOT_HEADER_BYTES + header.metaLength;
  return {
    file,
    index: header.index,
    term: header.term,
    meta: buf.subarray(SNAPSHOT_HEADER_BYTES, metaEnd),
    data: buf.subarray(metaEnd, bodyEnd),
  };
}

interface NamedSnapshot {
  file: string;
  index: number;
  term: number;
}

/** Snapshot files in `dir`, newest (highest index, then term) first; [] when `dir` does not exist. */
async function listSnapshots(dir: string): Promise<{ snapshots: NamedSnapshot[]; names: string[] }> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { snapshots: [], names: [] };
    throw err;
  }
  const snapshots: NamedSnapshot[] = [];
  for (const file of names) {
    const parsed = parseSnapshotFileName(file);
    if (parsed) snapshots.push({ file, ...parsed });
  }
  snapshots.sort((a, b) => b.index - a.index || b.term - a.term);
  return { snapshots, names };
}

/**
 * Loads the newest valid snapshot. Corrupt ones are skipped (reported in `skipped`, logged, and by
 * default renamed to `.broken`) and the next older one is tried. I/O errors other than corruption
 * propagate. Files up to 2 GiB (one read into a single buffer; data and meta are views into it).
 */
export async function loadNewest(
  dir: string,
  opts: LoadOptions = {},
): Promise<{ snapshot: LoadedSnapshot | undefined; skipped: SkippedSnapshot[] }> {
  const { snapshots } = await listSnapshots(dir);
  const skipped: SkippedSnapshot[] = [];
  for (const s of snapshots) {
    if (opts.maxIndex !== undefined && s.index > opts.maxIndex) continue;
    const decoded = decodeSnapshotFile(s.file, await readFile(join(dir, s.file)));
    if (typeof decoded !== 'string') return { snapshot: decoded, skipped };
    const skip: SkippedSnapshot = { file: s.file, reason: decoded };
    if (opts.quarantine ?? true) {
      skip.quarantinedAs = s.file + BROKEN_SUFFIX;
      await rename(join(dir, s.file), join(dir, skip.quarantinedAs));
    }
    opts.logger?.warn({ dir, ...skip }, 'snapshot: skipping a corrupt snapshot file');
    skipped.push(skip);
  }
  return { snapshot: undefined, skipped };
}

/**
 * Deletes all but the newest `keep` snapshot files, plus leftover temp files of snapshots older
 * than the oldest one kept (a temp file of a newer snapshot may be a save in progress). Corrupt
 * files already renamed to `.broken` are left for inspection. Returns the deleted names.
 */
export async function purge(dir: string, keep: number, opts: SaveOptions = {}): Promise<string[]> {
  if (!Number.isSafeInteger(keep) || keep < 1) throw new Error(`purge keeps at least 1 snapshot, got ${keep}`);
  const { snapshots, names } = await listSnapshots(dir);
  if (snapshots.length === 0) return [];
  const oldestKept = snapshots[Math.min(keep, snapshots.length) - 1]!.index;
  const doomed = snapshots.slice(keep).map((s) => s.file);
  for (const name of names) {
    if (!name.endsWith('.snap' + TEMP_SUFFIX)) continue;
    const parsed = parseSnapshotFileName(name.slice(0, -TEMP_SUFFIX.length));
    if (parsed && parsed.index < oldestKept) doomed.push(name);
  }
  for (const name of doomed) await unlink(join(dir, name));
  if (doomed.length > 0 && (opts.fsync ?? true)) await fsyncDir(dir);
  return doomed;
}
