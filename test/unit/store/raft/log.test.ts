// Unit tests for MemoryStorage, the unstable tail and RaftLog: append, conflicts, truncation,
// commit/apply bookkeeping, compaction and snapshot restore.
import t from 'tap';
import { MemoryStorage, CompactedError, UnavailableError, SnapshotOutOfDateError } from '../../../../store/raft/storage.js';
import { RaftLog } from '../../../../store/raft/log.js';
import { Unstable } from '../../../../store/raft/unstable.js';
import type { Entry, Snapshot } from '../../../../store/raft/types.js';

function ent(index: number, term: number, data = ''): Entry {
  return { index, term, type: 'normal', data: new TextEncoder().encode(data) };
}

/** Entries [from..to] with the given terms (terms[k] for index from+k). */
function ents(from: number, terms: number[]): Entry[] {
  return terms.map((term, k) => ent(from + k, term));
}

function terms(list: readonly Entry[]): string {
  return list.map((e) => `${e.index}/${e.term}`).join(' ');
}

function snap(index: number, term: number, voters = [1, 2, 3]): Snapshot {
  return { metadata: { index, term, confState: { voters } }, data: new Uint8Array([1, 2, 3]) };
}

t.test('MemoryStorage append truncates conflicting tails and rejects gaps', async (t) => {
  const cases: { name: string; append: Entry[]; want: string; throws?: boolean }[] = [
    { name: 'same entries', append: ents(3, [3, 4, 5]), want: '3/3 4/4 5/5' },
    { name: 'conflict in the middle', append: ents(4, [6, 6]), want: '3/3 4/6 5/6' },
    { name: 'conflict at the start', append: ents(3, [6, 6, 6]), want: '3/3 4/6 5/6' },
    { name: 'extends', append: ents(6, [5]), want: '3/3 4/4 5/5 6/5' },
    { name: 'overlaps the compacted prefix', append: ents(2, [3, 3, 5]), want: '3/3 4/5' },
    { name: 'entirely compacted', append: ents(1, [1, 1]), want: '3/3 4/4 5/5' },
    { name: 'gap', append: ents(7, [5]), want: '', throws: true },
  ];
  for (const c of cases) {
    const s = new MemoryStorage();
    s.applySnapshot(snap(3, 3));
    s.append(ents(4, [4, 5]));
    if (c.throws) {
      t.throws(() => s.append(c.append), /gap/, c.name);
      continue;
    }
    s.append(c.append);
    const got = [`3/${s.term(3)}`, ...s.entries(s.firstIndex(), s.lastIndex() + 1, Infinity).map((e) => `${e.index}/${e.term}`)];
    t.equal(got.join(' '), c.want, c.name);
  }
});

t.test('MemoryStorage bounds, size limits, snapshots and compaction', async (t) => {
  const s = new MemoryStorage();
  s.append(ents(1, [1, 1, 2, 2, 3]));
  t.equal(s.firstIndex(), 1);
  t.equal(s.lastIndex(), 5);
  t.throws(() => s.entries(0, 2, Infinity), CompactedError);
  t.throws(() => s.entries(2, 7, Infinity), UnavailableError);
  t.equal(s.entries(2, 6, 1).length, 1, 'size limit still returns one entry');
  t.equal(s.entries(2, 6, 16 * 2).length, 2, 'size limit counts entry headers');

  const sn = s.createSnapshot(3, { voters: [1, 2] }, new Uint8Array([9]));
  t.same(sn.metadata, { index: 3, term: 2, confState: { voters: [1, 2] } });
  t.equal(s.firstIndex(), 1, 'createSnapshot does not drop entries by itself');
  s.compact(3);
  t.equal(s.firstIndex(), 4);
  t.equal(s.term(3), 2, 'term of the compaction point is kept');
  t.throws(() => s.term(2), CompactedError);
  t.throws(() => s.entries(3, 5, Infinity), CompactedError);
  t.equal(terms(s.entries(4, 6, Infinity)), '4/2 5/3');
  t.throws(() => s.createSnapshot(2, { voters: [1] }, new Uint8Array()), SnapshotOutOfDateError);
  t.throws(() => s.compact(9), UnavailableError);
  t.same(s.initialState().confState, { voters: [1, 2] });

  s.applySnapshot(snap(10, 4));
  t.equal(s.firstIndex(), 11);
  t.equal(s.lastIndex(), 10);
  t.throws(() => s.applySnapshot(snap(5, 3)), SnapshotOutOfDateError);
});

t.test('Unstable: in-progress tracking, truncation and stableTo', async (t) => {
  const u = new Unstable(5);
  u.truncateAndAppend(ents(5, [1, 1, 1]));
  t.equal(terms(u.nextEntries()), '5/1 6/1 7/1');
  u.acceptInProgress();
  t.equal(u.nextEntries().length, 0, 'handed out entries are not handed out again');
  // A new leader overwrites 6.. while the Ready is in flight.
  u.truncateAndAppend(ents(6, [2, 2]));
  t.equal(u.offsetInProgress, 6, 'in-progress offset falls back to the truncation point');
  t.equal(terms(u.nextEntries()), '6/2 7/2');
  u.stableTo(7, 1);
  t.equal(u.offset, 5, 'stableTo with a stale term is ignored');
  u.acceptInProgress();
  u.stableTo(7, 2);
  t.equal(u.offset, 8);
  t.equal(u.entries.length, 0);
  // Truncation below the offset replaces everything and shadows storage.
  u.truncateAndAppend(ents(8, [2]));
  u.truncateAndAppend(ents(3, [3]));
  t.equal(u.offset, 3);
  t.equal(terms(u.entries), '3/3');
  t.throws(() => u.truncateAndAppend(ents(9, [3])), /gap/);
});

function newLog(storageTerms: number[], unstableTerms: number[] = []): RaftLog {
  const s = new MemoryStorage();
  s.append(ents(1, storageTerms));
  const log = new RaftLog(s);
  if (unstableTerms.length) log.append(ents(storageTerms.length + 1, unstableTerms));
  return log;
}

t.test('RaftLog.maybeAppend: matching, conflicts and commit', async (t) => {
  // Log: 1/1 2/2 3/3 (storage) ; leader says prev=(index,logTerm), entries, commit
  const cases: { name: string; index: number; logTerm: number; commit: number; es: Entry[]; lastNew?: number; want: string; commit2: number; throws?: boolean }[] = [
    { name: 'prev mismatch', index: 3, logTerm: 2, commit: 3, es: [], want: '1/1 2/2 3/3', commit2: 0 },
    { name: 'prev beyond log', index: 4, logTerm: 4, commit: 3, es: [], want: '1/1 2/2 3/3', commit2: 0 },
    { name: 'heartbeat-like, commit bounded by lastNew', index: 2, logTerm: 2, commit: 3, es: [], lastNew: 2, want: '1/1 2/2 3/3', commit2: 2 },
    { name: 'append new', index: 3, logTerm: 3, commit: 4, es: ents(4, [4]), lastNew: 4, want: '1/1 2/2 3/3 4/4', commit2: 4 },
    { name: 'duplicate entries are no-ops', index: 1, logTerm: 1, commit: 3, es: ents(2, [2, 3]), lastNew: 3, want: '1/1 2/2 3/3', commit2: 3 },
    { name: 'conflict truncates', index: 1, logTerm: 1, commit: 2, es: ents(2, [4, 4]), lastNew: 3, want: '1/1 2/4 3/4', commit2: 2 },
    { name: 'short message does not commit stale tail', index: 1, logTerm: 1, commit: 3, es: ents(2, [4]), lastNew: 2, want: '1/1 2/4', commit2: 2 },
  ];
  for (const c of cases) {
    const log = newLog([1, 2, 3]);
    const got = log.maybeAppend(c.index, c.logTerm, c.commit, c.es);
    t.equal(got, c.lastNew, `${c.name}: lastNew`);
    t.equal(terms(log.slice(1, log.lastIndex() + 1, Infinity)!), c.want, `${c.name}: log`);
    t.equal(log.committed, c.commit2, `${c.name}: commit`);
  }
  const log = newLog([1, 2, 3]);
  log.commitTo(2);
  t.throws(() => log.maybeAppend(1, 1, 3, ents(2, [5])), /conflicts with committed/, 'never truncates committed entries');
});

t.test('RaftLog.findConflictByTerm skips a term at a time', async (t) => {
  // index: 1 2 3 4 5 6 7 ; terms: 1 1 2 2 2 4 4
  const log = newLog([1, 1, 2, 2, 2], [4, 4]);
  const cases = [
    { index: 7, term: 5, want: { index: 7, term: 4 } },
    { index: 7, term: 3, want: { index: 5, term: 2 } },
    { index: 7, term: 2, want: { index: 5, term: 2 } },
    { index: 7, term: 1, want: { index: 2, term: 1 } },
    { index: 4, term: 1, want: { index: 2, term: 1 } },
    { index: 7, term: 0, want: { index: 0, term: 0 } },
  ];
  for (const c of cases) t.same(log.findConflictByTerm(c.index, c.term), c.want, `(${c.index}, ${c.term})`);
  const s = new MemoryStorage();
  s.applySnapshot(snap(4, 2));
  s.append(ents(5, [3, 3]));
  const compacted = new RaftLog(s);
  t.same(compacted.findConflictByTerm(6, 2), { index: 4, term: 2 }, 'the snapshot term is known');
  t.same(compacted.findConflictByTerm(6, 1), { index: 3, term: 0 }, 'below the snapshot the term is unknown (0)');
});

t.test('RaftLog: up-to-date comparison, commit only in current term, slices across storage/unstable', async (t) => {
  const log = newLog([1, 2], [3, 3]);
  t.equal(log.lastIndex(), 4);
  t.equal(log.lastTerm(), 3);
  t.ok(log.isUpToDate(4, 3));
  t.ok(log.isUpToDate(1, 4), 'higher last term wins regardless of length');
  t.notOk(log.isUpToDate(3, 3), 'same term, shorter log loses');
  t.notOk(log.isUpToDate(9, 2), 'lower last term loses regardless of length');

  t.notOk(log.maybeCommit(2, 3), 'an entry of an older term is not committed by counting');
  t.ok(log.maybeCommit(4, 3));
  t.equal(log.committed, 4);
  t.throws(() => log.commitTo(9), /beyond last index/);

  t.equal(terms(log.slice(2, 5, Infinity)!), '2/2 3/3 4/3', 'slice spans storage and unstable');
  t.equal(log.slice(1, 5, 16 * 3)!.length, 3, 'size limit across the boundary');
  t.equal(log.stableIndex(), 2);
  (log.storage as MemoryStorage).append(log.unstable.nextEntries()); // the driver persisted them
  log.stableTo(4, 3);
  t.equal(log.stableIndex(), 4);

  t.equal(terms(log.nextCommittedEntries()), '1/1 2/2 3/3 4/3');
  log.applying = 4;
  t.notOk(log.hasNextCommittedEntries());
  log.appliedTo(4);
  t.equal(log.applied, 4);
  t.throws(() => log.appliedTo(5), /out of range/);
});

t.test('RaftLog: compaction and snapshot restore', async (t) => {
  const s = new MemoryStorage();
  s.append(ents(1, [1, 1, 2, 2]));
  const log = new RaftLog(s);
  log.commitTo(4);
  log.appliedTo(4);
  s.createSnapshot(3, { voters: [1] }, new Uint8Array());
  s.compact(3);
  t.equal(log.firstIndex(), 4);
  t.equal(log.term(3), 2, 'term at the compaction point is known');
  t.equal(log.term(2), undefined, 'compacted terms are unknown');
  t.equal(log.slice(2, 4, Infinity), undefined, 'slicing compacted entries signals a snapshot is needed');

  const incoming = snap(10, 5);
  log.restore(incoming);
  t.equal(log.committed, 10);
  t.equal(log.firstIndex(), 11);
  t.equal(log.lastIndex(), 10);
  t.equal(log.term(10), 5);
  t.ok(log.hasPendingSnapshot());
  t.notOk(log.hasNextCommittedEntries(), 'no entries to apply while a snapshot is pending');
  log.stableSnapTo(10);
  t.notOk(log.hasPendingSnapshot());
});
