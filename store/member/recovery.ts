// Recovery: rebuild a member's durable state from its data dir — the newest usable snapshot, then
// the WAL replayed after it — into what the Raft core (MemoryStorage) and the state machine need.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../lib/util/logger.js';
import { MvccStore } from '../mvcc/index.js';
import { MemoryStorage, type Entry, type HardState } from '../raft/index.js';
import * as snapfiles from '../snapshot/snapshot.js';
import { Wal } from '../wal/wal.js';

export interface RecoverOptions {
  dataDir: string;
  fsync: boolean;
  logger: Logger;
  onFsync?: (seconds: number) => void;
}

export interface Recovered {
  wal: Wal;
  storage: MemoryStorage;
  mvcc: MvccStore;
  /** Index of the restored snapshot (0 without one); also the applied index to start from. */
  snapshotIndex: number;
  /** Voters recorded with the snapshot (empty without one). */
  confVoters: number[];
  hardState: HardState | undefined;
  /** Nothing on disk yet: a brand-new member of the initial cluster. */
  fresh: boolean;
}

export const walDir = (dataDir: string) => join(dataDir, 'wal');
export const snapDir = (dataDir: string) => join(dataDir, 'snap');

/** Encodes a WAL entry record: type (u8), term (f64), then the entry's data. */
export function encodeEntry(e: Entry): Buffer {
  const buf = Buffer.allocUnsafe(9 + e.data.byteLength);
  buf.writeUInt8(e.type === 'confChange' ? 1 : 0, 0);
  buf.writeDoubleBE(e.term, 1);
  buf.set(e.data, 9);
  return buf;
}

export function decodeEntry(index: number, buf: Buffer): Entry {
  if (buf.length < 9) throw new Error(`WAL entry ${index} is ${buf.length} bytes, shorter than its header`);
  return { index, type: buf.readUInt8(0) === 1 ? 'confChange' : 'normal', term: buf.readDoubleBE(1), data: buf.subarray(9) };
}

export async function recover(opts: RecoverOptions): Promise<Recovered> {
  const log = opts.logger;
  await mkdir(walDir(opts.dataDir), { recursive: true });
  await mkdir(snapDir(opts.dataDir), { recursive: true });
  const { wal, replay } = await Wal.open(walDir(opts.dataDir), { fsync: opts.fsync, logger: log, ...(opts.onFsync ? { onFsync: opts.onFsync } : {}) });
  for (const r of replay.repairs) log.warn(r, 'WAL: truncated a torn tail');
  const marker = replay.snapshot;
  const storage = new MemoryStorage();
  let mvcc = new MvccStore();
  let snapshotIndex = 0;
  let confVoters: number[] = [];
  if (marker) {
    const loaded = await snapfiles.loadNewest(snapDir(opts.dataDir), { maxIndex: marker.index, logger: log });
    for (const s of loaded.skipped) log.warn(s, 'snapshot: skipped a bad snapshot file');
    const snap = loaded.snapshot;
    if (!snap || snap.index !== marker.index) {
      await wal.close().catch(() => undefined);
      throw new Error(
        `data dir ${opts.dataDir}: the WAL starts after a snapshot at index ${marker.index}, but ${snap ? `the newest usable snapshot is at ${snap.index}` : 'no snapshot file is usable'}; refusing to start with a gap`,
      );
    }
    const meta = JSON.parse(snap.meta.toString('utf8')) as { confState: { voters: number[] } };
    storage.applySnapshot({ metadata: { index: snap.index, term: snap.term, confState: meta.confState }, data: snap.data });
    mvcc = MvccStore.restore(snap.data);
    snapshotIndex = snap.index;
    confVoters = meta.confState.voters;
    log.info({ index: snap.index, revision: mvcc.currentRevision }, 'restored snapshot');
  }
  if (replay.entries.length > 0) storage.append(replay.entries.map((e) => decodeEntry(e.index, e.data)));
  let hardState: HardState | undefined;
  if (replay.hardState) {
    hardState = JSON.parse(replay.hardState.toString('utf8')) as HardState;
    // Commit-index-only changes are not written on their own (see the ready loop), so the stored
    // commit may lag; a snapshot's index is committed by definition.
    hardState.commit = Math.max(hardState.commit, snapshotIndex);
    storage.setHardState(hardState);
  }
  const fresh = replay.created || (storage.lastIndex() === 0 && !marker && !replay.hardState);
  return { wal, storage, mvcc, snapshotIndex, confVoters, hardState, fresh };
}
