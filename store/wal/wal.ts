// The write-ahead log: a directory of append-only segment files holding opaque records (Raft
// entries, hard state, snapshot markers) with group commit.
//
// Durability protocol:
//  - append() validates and queues; one batch is in flight at a time. Everything queued while a
//    write + fdatasync runs goes out in the next single write + single fdatasync, and every caller's
//    promise resolves only after the fdatasync covering its records returned.
//  - A segment is rotated between batches once the next batch would push it past `segmentBytes`.
//    The new segment is written under a .tmp name (header + copies of the current hard state and
//    snapshot marker), synced, renamed into place and the directory synced, so a segment either
//    exists whole or not at all, and older segments can later be deleted without losing state.
//  - open() replays every segment; a torn tail of the last segment is cut off (and reported),
//    anything else that does not check out is a WalCorruptError (see segment-scan.ts).
import { open, readdir, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  encodeInto,
  encodeSegmentHeader,
  encodedSize,
  MAX_PAYLOAD_BYTES,
  parseSegmentFileName,
  segmentFileName,
  segmentHeaderSize,
  type WalRecord,
} from './format.js';
import { WalClosedError, WalCorruptError, WalFailedError, WalUsageError } from './errors.js';
import { ensureDir, fsyncDir, writeFully } from './fs-sync.js';
import { LogPosition, type SnapshotMarker } from './log-position.js';
import { ReplayState, type ReplayedLog } from './replay.js';
import { scanSegment, type SegmentScan } from './segment-scan.js';

export type { WalRecord } from './format.js';
export type { SnapshotMarker } from './log-position.js';
export type { WalEntry, ReplayedLog } from './replay.js';
export { WalClosedError, WalCorruptError, WalFailedError, WalUsageError } from './errors.js';

export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
const MAX_SEGMENT_BYTES = 1024 * 1024 * 1024;

/** The subset of a pino logger the WAL uses. */
export interface WalLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface WalOptions {
  /** Rotate to a new segment once the next batch would make the current one larger. Default 64 MiB. */
  segmentBytes?: number;
  /**
   * fdatasync every batch (default true). `false` is UNSAFE: acknowledged appends can vanish on a
   * crash or power loss. Only for tests and benchmarks.
   */
  fsync?: boolean;
  /** Called with the duration of every data fsync (batch or new segment), in seconds, for metrics. */
  onFsync?: (seconds: number) => void;
  logger?: WalLogger;
  /** Monotonic milliseconds for fsync timing; default performance.now. */
  monotonicMs?: () => number;
}

/** A torn tail that open() cut off. */
export interface WalRepair {
  file: string;
  /** The file was truncated to this length. */
  offset: number;
  droppedBytes: number;
  reason: string;
}

export interface WalReplay extends ReplayedLog {
  /** Torn tails cut off while opening (at most one: only the last segment may have one). */
  repairs: WalRepair[];
  /** True when the directory held no segment and a fresh log was created. */
  created: boolean;
}

export interface WalStats {
  /** append() calls accepted. */
  appendCalls: number;
  /** Appended records written (segment headers and their state/marker copies not counted). */
  records: number;
  /** Bytes written to segment files, framing, segment headers and copies included. */
  bytes: number;
  /** Group-commit batches: each one write + one fdatasync. */
  batches: number;
  /** fdatasync calls on segment files (batches plus new segments). */
  fsyncs: number;
  /** fsync calls on the directory (segment creation and deletion). */
  dirFsyncs: number;
  rotations: number;
  segmentsReleased: number;
  /** Segment files currently in the log. */
  segments: number;
}

interface Segment {
  seq: number;
  firstIndex: number;
  name: string;
}

interface PendingAppend {
  records: readonly WalRecord[];
  bytes: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** What has been encoded into the files so far (ahead of durable while a batch is in flight). */
interface WrittenState {
  position: LogPosition;
  hardState: Buffer | undefined;
  marker: SnapshotMarker | undefined;
}

type Counters = Omit<WalStats, 'segments'>;

const noopLogger: WalLogger = { warn: () => undefined, error: () => undefined };

class Syncer {
  constructor(
    private readonly enabled: boolean,
    private readonly counters: Counters,
    private readonly monotonicMs: () => number,
    private readonly onFsync: ((seconds: number) => void) | undefined,
  ) {}

  async file(fh: FileHandle): Promise<void> {
    if (!this.enabled) return;
    const start = this.monotonicMs();
    await fh.datasync();
    this.counters.fsyncs++;
    this.onFsync?.((this.monotonicMs() - start) / 1000);
  }

  async dir(dir: string): Promise<void> {
    if (!this.enabled) return;
    await fsyncDir(dir);
    this.counters.dirFsyncs++;
  }
}

function shapeError(rec: WalRecord): string | undefined {
  if (typeof rec !== 'object' || rec === null) return 'not a record object';
  switch (rec.type) {
    case 'entry':
    case 'state':
      if (!(rec.data instanceof Uint8Array)) return `${rec.type} data must be a Buffer or Uint8Array`;
      if (rec.data.length > MAX_PAYLOAD_BYTES - 8) return `${rec.type} data of ${rec.data.length} bytes is too large`;
      return undefined;
    case 'snapshotMarker':
      return undefined;
    default:
      return `unknown record type ${JSON.stringify((rec as { type?: unknown }).type)}`;
  }
}

/** Creates a whole segment atomically: write a .tmp file, sync it, rename it, sync the directory. */
async function createSegmentFile(
  dir: string,
  seq: number,
  firstIndex: number,
  copies: readonly WalRecord[],
  syncer: Syncer,
): Promise<{ fh: FileHandle; size: number; name: string }> {
  const name = segmentFileName(seq, firstIndex);
  const buf = Buffer.alloc(segmentHeaderSize() + copies.reduce((n, r) => n + encodedSize(r), 0));
  let off = encodeSegmentHeader(buf, 0, seq, firstIndex);
  for (const rec of copies) off = encodeInto(buf, off, rec, 0);
  const tmp = join(dir, `${name}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    await writeFully(fh, buf, 0);
    await syncer.file(fh);
    await rename(tmp, join(dir, name));
    await syncer.dir(dir);
  } catch (err) {
    await fh.close();
    throw err;
  }
  return { fh, size: buf.length, name };
}

/** End of the records written with the segment header (batchStart 0): where appended data begins. */
function initialBatchEnd(scan: SegmentScan): number {
  let end = 0;
  for (const r of scan.records) if (r.batchStart === 0) end = r.offset + r.size;
  return end;
}

export class Wal {
  private queue: PendingAppend[] = [];
  private flushActive = false;
  private idleWaiters: (() => void)[] = [];
  private failure: WalFailedError | undefined;
  private closing: Promise<void> | undefined;
  private releasing: Promise<unknown> = Promise.resolve();

  private constructor(
    /** The directory holding the segments. */
    readonly dir: string,
    private readonly segmentBytes: number,
    private readonly logger: WalLogger,
    private readonly syncer: Syncer,
    private readonly counters: Counters,
    private segments: Segment[],
    private fh: FileHandle,
    private size: number,
    private segmentBaseSize: number,
    /** Validation state including everything queued. */
    private accepted: LogPosition,
    private written: WrittenState,
    private durableMarkerIndex: number,
  ) {}

  /**
   * Opens (creating if needed) the WAL in `dir` and replays it. Throws WalCorruptError when the log
   * is damaged anywhere but a torn tail of the last segment.
   */
  static async open(dir: string, options: WalOptions = {}): Promise<{ wal: Wal; replay: WalReplay }> {
    const segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    if (!Number.isSafeInteger(segmentBytes) || segmentBytes < 1024 || segmentBytes > MAX_SEGMENT_BYTES) {
      throw new WalUsageError(`segmentBytes must be an integer from 1024 to ${MAX_SEGMENT_BYTES}, got ${segmentBytes}`);
    }
    const logger = options.logger ?? noopLogger;
    const counters: Counters = {
      appendCalls: 0,
      records: 0,
      bytes: 0,
      batches: 0,
      fsyncs: 0,
      dirFsyncs: 0,
      rotations: 0,
      segmentsReleased: 0,
    };
    const syncer = new Syncer(options.fsync ?? true, counters, options.monotonicMs ?? (() => performance.now()), options.onFsync);

    await ensureDir(dir, options.fsync ?? true);
    const names = await readdir(dir);
    const leftovers = names.filter((n) => n.endsWith('.wal.tmp'));
    for (const n of leftovers) {
      // A segment whose creation never completed: it was never part of the log.
      logger.warn({ file: n }, 'wal: removing unfinished segment file');
      await unlink(join(dir, n));
    }
    if (leftovers.length > 0) await syncer.dir(dir);

    const segments: Segment[] = [];
    for (const name of names) {
      const parsed = parseSegmentFileName(name);
      if (parsed) segments.push({ ...parsed, name });
    }
    segments.sort((a, b) => a.seq - b.seq);
    for (let i = 1; i < segments.length; i++) {
      if (segments[i]!.seq !== segments[i - 1]!.seq + 1) {
        throw new WalCorruptError(segments[i]!.name, 0, `segment ${segments[i - 1]!.seq + 1} is missing before it`);
      }
    }

    let created = false;
    if (segments.length === 0) {
      const fresh = await createSegmentFile(dir, 1, 1, [], syncer);
      await fresh.fh.close();
      counters.bytes += fresh.size;
      segments.push({ seq: 1, firstIndex: 1, name: fresh.name });
      created = true;
    }

    const state = new ReplayState();
    let lastScan: SegmentScan | undefined;
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i]!;
      const isLast = i === segments.length - 1;
      const scan = scanSegment(seg.name, await readFile(join(dir, seg.name)), isLast);
      state.applySegment(seg.name, scan.records, seg.seq, seg.firstIndex);
      if (isLast) lastScan = scan;
    }
    const log = state.result();

    const last = segments[segments.length - 1]!;
    const fh = await open(join(dir, last.name), 'r+');
    const repairs: WalRepair[] = [];
    try {
      if (lastScan!.torn) {
        const torn = lastScan!.torn;
        await fh.truncate(torn.offset);
        await syncer.file(fh);
        const repair = { file: last.name, offset: torn.offset, droppedBytes: torn.droppedBytes, reason: torn.reason };
        repairs.push(repair);
        logger.warn({ ...repair, dir }, 'wal: truncated a torn tail (a write cut short by a crash)');
      }
    } catch (err) {
      await fh.close();
      throw err;
    }

    const markerIndex = log.snapshot?.index ?? 0;
    const wal = new Wal(
      dir,
      segmentBytes,
      logger,
      syncer,
      counters,
      segments,
      fh,
      lastScan!.goodBytes,
      initialBatchEnd(lastScan!),
      new LogPosition(log.lastIndex, markerIndex),
      {
        position: new LogPosition(log.lastIndex, markerIndex),
        // Our own copy: the caller owns the replayed buffer and may modify it.
        hardState: log.hardState && Buffer.from(log.hardState),
        marker: log.snapshot && { ...log.snapshot },
      },
      markerIndex,
    );
    return { wal, replay: { ...log, repairs, created } };
  }

  /** Highest index accepted so far (queued records included). */
  get lastIndex(): number {
    return this.accepted.lastIndex;
  }

  /**
   * Appends records in order. Resolves once they (and everything appended before them) are
   * durable. Concurrent calls share fsyncs. An empty array is a barrier: it resolves when all
   * earlier appends are durable. Rejects with WalUsageError (nothing is written) when a record
   * breaks the index rules, WalClosedError after close(), WalFailedError after an I/O failure.
   * Record buffers are encoded when their batch is written: do not modify them until this settles.
   */
  append(records: readonly WalRecord[]): Promise<void> {
    if (this.closing) return Promise.reject(new WalClosedError());
    if (this.failure) return Promise.reject(this.failure);
    if (!Array.isArray(records)) return Promise.reject(new WalUsageError('append() takes an array of records'));
    const position = this.accepted.clone();
    let bytes = 0;
    for (let i = 0; i < records.length; i++) {
      const rec = records[i]!;
      const why = shapeError(rec) ?? position.reject(rec);
      if (why) return Promise.reject(new WalUsageError(`record ${i}: ${why}`));
      position.advance(rec);
      bytes += encodedSize(rec);
    }
    this.accepted = position;
    this.counters.appendCalls++;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ records: records.slice(), bytes, resolve, reject });
      if (!this.flushActive) {
        this.flushActive = true;
        void this.flushLoop();
      }
    });
  }

  private async flushLoop(): Promise<void> {
    try {
      // Yield once so that every append() made in the same tick joins the first batch.
      await Promise.resolve();
      while (this.queue.length > 0 && !this.failure) await this.flushOnce();
    } finally {
      // No await between the loop's last check and this: an append() racing with the end of the
      // loop either was seen by the check or sees flushActive === false and starts a new loop.
      this.flushActive = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private async flushOnce(): Promise<void> {
    let batch: PendingAppend[] = [];
    try {
      const first = this.queue[0]!;
      if (this.size > this.segmentBaseSize && this.size + first.bytes > this.segmentBytes) await this.rotate();
      const room = this.segmentBytes - this.size;
      let count = 0;
      let bytes = 0;
      while (count < this.queue.length) {
        const next = this.queue[count]!;
        if (count > 0 && bytes + next.bytes > room) break;
        bytes += next.bytes;
        count++;
      }
      batch = this.queue.splice(0, count);
      if (bytes > 0) {
        const buf = this.encodeBatch(batch, bytes);
        await writeFully(this.fh, buf, this.size);
        await this.syncer.file(this.fh);
        this.size += bytes;
        this.counters.bytes += bytes;
        this.counters.batches++;
      }
      this.durableMarkerIndex = this.written.position.markerIndex;
    } catch (err) {
      this.fail(err, batch);
      return;
    }
    for (const p of batch) p.resolve();
  }

  private encodeBatch(batch: readonly PendingAppend[], bytes: number): Buffer {
    const buf = Buffer.allocUnsafe(bytes);
    const batchStart = this.size;
    let off = 0;
    for (const p of batch) {
      for (const rec of p.records) {
        off = encodeInto(buf, off, rec, batchStart);
        this.written.position.advance(rec);
        if (rec.type === 'state') this.written.hardState = Buffer.from(rec.data);
        else if (rec.type === 'snapshotMarker') this.written.marker = { index: rec.index, term: rec.term };
        this.counters.records++;
      }
    }
    return buf;
  }

  private async rotate(): Promise<void> {
    const copies: WalRecord[] = [];
    if (this.written.hardState) copies.push({ type: 'state', data: this.written.hardState });
    if (this.written.marker) copies.push({ type: 'snapshotMarker', ...this.written.marker });
    const seq = this.segments[this.segments.length - 1]!.seq + 1;
    const firstIndex = this.written.position.lastIndex + 1;
    const created = await createSegmentFile(this.dir, seq, firstIndex, copies, this.syncer);
    const old = this.fh;
    this.fh = created.fh;
    this.size = created.size;
    this.segmentBaseSize = created.size;
    this.segments.push({ seq, firstIndex, name: created.name });
    this.counters.bytes += created.size;
    this.counters.rotations++;
    await old.close();
  }

  private fail(err: unknown, batch: readonly PendingAppend[]): void {
    const message = err instanceof Error ? err.message : String(err);
    this.failure = new WalFailedError(`wal write failed in ${this.dir}: ${message}; reopen the wal to recover`, { cause: err });
    this.logger.error({ err, dir: this.dir }, 'wal: write failed; refusing further appends');
    const doomed = [...batch, ...this.queue];
    this.queue = [];
    for (const p of doomed) p.reject(this.failure);
  }

  /**
   * Deletes the oldest segments whose live entries all have index <= `index`, never beyond the
   * latest durable snapshot marker and never the segment being written. Returns the deleted file
   * names, oldest first. Call it after the snapshot marker's append() resolved.
   */
  releaseTo(index: number): Promise<string[]> {
    const run = async (): Promise<string[]> => {
      if (this.closing) throw new WalClosedError();
      if (!Number.isSafeInteger(index) || index < 0) throw new WalUsageError(`releaseTo index ${index} is not a non-negative safe integer`);
      const limit = Math.min(index, this.durableMarkerIndex);
      let n = 0;
      // A segment's live entries all have index < the next segment's firstIndex: that segment was
      // started at lastIndex + 1, and any higher index written earlier was overridden by then.
      while (n + 1 < this.segments.length && this.segments[n + 1]!.firstIndex - 1 <= limit) n++;
      const doomed = this.segments.splice(0, n);
      const deleted: string[] = [];
      try {
        for (const seg of doomed) {
          await unlink(join(this.dir, seg.name)).catch((err: NodeJS.ErrnoException) => {
            if (err.code !== 'ENOENT') throw err; // already gone: an earlier attempt got this far
          });
          // Sync after each deletion: POSIX does not promise that unsynced deletions reach the disk
          // in order, and a crash must never leave a newer segment deleted but an older one present.
          await this.syncer.dir(this.dir);
          deleted.push(seg.name);
          this.counters.segmentsReleased++;
        }
      } catch (err) {
        // Put back what is still listed on disk so the in-memory list never skips a sequence number.
        this.segments.unshift(...doomed.slice(deleted.length));
        throw err;
      }
      return deleted;
    };
    const result = this.releasing.then(run, run);
    this.releasing = result.catch(() => undefined);
    return result;
  }

  stats(): WalStats {
    return { ...this.counters, segments: this.segments.length };
  }

  /** Segment file names, oldest first. */
  segmentFiles(): string[] {
    return this.segments.map((s) => s.name);
  }

  /** Refuses new appends, waits for queued ones to be written, and closes the current segment. */
  close(): Promise<void> {
    if (!this.closing) {
      this.closing = (async () => {
        if (this.flushActive) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
        await this.releasing;
        await this.fh.close();
      })();
    }
    return this.closing;
  }
}
