import t from 'tap';
import { rm, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Wal, WalClosedError, WalFailedError, WalUsageError, type WalRecord } from '../../../../store/wal/wal.js';
import { entries, entry, entryData, segmentNames, tempDir } from './helpers.js';

function summary(list: { index: number; data: Buffer }[]): string[] {
  return list.map((e) => `${e.index}:${e.data.toString('latin1')}`);
}

function expected(list: WalRecord[]): string[] {
  return list.map((r) => (r.type === 'entry' ? `${r.index}:${Buffer.from(r.data).toString('latin1')}` : ''));
}

t.test('a fresh directory opens as an empty log with one segment', async (t) => {
  const dir = join(await tempDir(t), 'nested', 'wal');
  const { wal, replay } = await Wal.open(dir);
  t.equal(replay.created, true);
  t.same(replay.entries, []);
  t.equal(replay.lastIndex, 0);
  t.equal(replay.hardState, undefined);
  t.equal(replay.snapshot, undefined);
  t.same(replay.repairs, []);
  t.same(await segmentNames(dir), ['0000000000000001-0000000000000001.wal']);
  await wal.close();
  const again = await Wal.open(dir);
  t.equal(again.replay.created, false);
  await again.wal.close();
});

t.test('many records round-trip across several segment rotations and reopens', async (t) => {
  const dir = await tempDir(t);
  const written: WalRecord[] = [];
  let next = 1;
  let lastState = Buffer.alloc(0);
  const appendSome = async (wal: Wal, calls: number) => {
    for (let c = 0; c < calls; c++) {
      const batch: WalRecord[] = [];
      for (let k = 0; k < (c % 7) + 1; k++) batch.push(entry(next++, 24 + ((next * 37) % 200)));
      if (c % 5 === 0) {
        lastState = Buffer.from(`term=${c};vote=${c % 3};commit=${next - 1}`);
        batch.push({ type: 'state', data: lastState });
      }
      written.push(...batch.filter((r) => r.type === 'entry'));
      await wal.append(batch);
    }
  };

  const first = await Wal.open(dir, { segmentBytes: 4096 });
  await appendSome(first.wal, 120);
  const stats = first.wal.stats();
  t.ok(stats.rotations >= 5, `rotated ${stats.rotations} times`);
  t.equal(stats.segments, stats.rotations + 1);
  await first.wal.close();

  const second = await Wal.open(dir, { segmentBytes: 4096 });
  t.same(summary(second.replay.entries), expected(written));
  t.equal(second.replay.lastIndex, next - 1);
  t.same(second.replay.hardState, lastState);
  t.same(second.replay.repairs, []);
  await appendSome(second.wal, 40);
  await second.wal.close();

  const third = await Wal.open(dir, { segmentBytes: 4096 });
  t.same(summary(third.replay.entries), expected(written));
  t.equal(third.replay.lastIndex, next - 1);
  t.same(third.replay.hardState, lastState);
  t.equal((await segmentNames(dir)).length, third.wal.stats().segments);
  await third.wal.close();
});

t.test('a later entry with an index <= last index replaces the suffix (conflict truncation)', async (t) => {
  interface Case {
    name: string;
    segmentBytes?: number;
    batches: WalRecord[][];
    want: WalRecord[];
    lastIndex: number;
  }
  const cases: Case[] = [
    {
      name: 'override in the middle drops the rest',
      batches: [entries(1, 10), [entry(6, 40, 'b')]],
      want: [...entries(1, 5), entry(6, 40, 'b')],
      lastIndex: 6,
    },
    {
      name: 'override then continue',
      batches: [entries(1, 10), entries(4, 7, 40, 'b'), entries(8, 9, 40, 'c')],
      want: [...entries(1, 3), ...entries(4, 7, 40, 'b'), ...entries(8, 9, 40, 'c')],
      lastIndex: 9,
    },
    {
      name: 'override from index 1 replaces everything',
      batches: [entries(1, 5), [entry(1, 40, 'x')]],
      want: [entry(1, 40, 'x')],
      lastIndex: 1,
    },
    {
      name: 'override of the last entry only',
      batches: [entries(1, 5), [entry(5, 40, 'z')]],
      want: [...entries(1, 4), entry(5, 40, 'z')],
      lastIndex: 5,
    },
    {
      name: 'several overrides inside one append call',
      batches: [[...entries(1, 6), entry(3, 40, 'p'), entry(4, 40, 'p'), entry(2, 40, 'q')]],
      want: [entry(1), entry(2, 40, 'q')],
      lastIndex: 2,
    },
    {
      name: 'override reaching back across segment boundaries',
      segmentBytes: 1024,
      batches: [...Array.from({ length: 60 }, (_, i) => [entry(i + 1)]), entries(20, 25, 40, 'n'), entries(26, 30, 40, 'm')],
      want: [...entries(1, 19), ...entries(20, 25, 40, 'n'), ...entries(26, 30, 40, 'm')],
      lastIndex: 30,
    },
  ];
  for (const c of cases) {
    const dir = await tempDir(t);
    const opts = { segmentBytes: c.segmentBytes ?? 64 * 1024, fsync: false };
    const { wal } = await Wal.open(dir, opts);
    for (const b of c.batches) await wal.append(b);
    t.equal(wal.lastIndex, c.lastIndex, `${c.name}: lastIndex while open`);
    await wal.close();
    const { wal: reopened, replay } = await Wal.open(dir, opts);
    t.same(summary(replay.entries), expected(c.want), c.name);
    t.equal(replay.lastIndex, c.lastIndex, `${c.name}: lastIndex after replay`);
    await reopened.close();
  }
});

t.test('snapshot markers: entries at or below the marker are dropped, a marker may run ahead of the log', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir);
  await wal.append([...entries(1, 10), { type: 'snapshotMarker', index: 5, term: 2 }]);
  await wal.close();
  let opened = await Wal.open(dir);
  t.same(opened.replay.snapshot, { index: 5, term: 2 });
  t.same(summary(opened.replay.entries), expected(entries(6, 10)));
  t.equal(opened.replay.lastIndex, 10);

  // A follower installing a snapshot from the leader that is beyond its own log.
  await opened.wal.append([{ type: 'snapshotMarker', index: 100, term: 4 }]);
  t.equal(opened.wal.lastIndex, 100);
  await t.rejects(opened.wal.append([entry(50)]), WalUsageError, 'entry below the marker');
  await t.rejects(opened.wal.append([entry(102)]), WalUsageError, 'gap after the marker');
  await opened.wal.append([entry(101)]);
  await opened.wal.close();

  opened = await Wal.open(dir);
  t.same(opened.replay.snapshot, { index: 100, term: 4 });
  t.same(summary(opened.replay.entries), expected([entry(101)]));
  t.equal(opened.replay.lastIndex, 101);
  await opened.wal.close();
});

t.test('the last state record wins', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir, { fsync: false });
  await wal.append([{ type: 'state', data: Buffer.from('one') }, entry(1)]);
  await wal.append([{ type: 'state', data: Buffer.from('two') }]);
  await wal.append([entry(2), { type: 'state', data: Buffer.from('three') }, entry(3)]);
  await wal.close();
  const { wal: w2, replay } = await Wal.open(dir, { fsync: false });
  t.same(replay.hardState, Buffer.from('three'));
  t.same(summary(replay.entries), expected(entries(1, 3)));
  await w2.close();
});

t.test('append rejects bad records without writing anything', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir, { fsync: false });
  await wal.append(entries(1, 3));
  const bad: [string, unknown[]][] = [
    ['gap after the last index', [entry(5)]],
    ['index 0', [entry(0)]],
    ['fractional index', [{ type: 'entry', index: 1.5, data: Buffer.alloc(1) }]],
    ['data that is not bytes', [{ type: 'entry', index: 4, data: 'text' }]],
    ['unknown record type', [{ type: 'bogus' }]],
    ['good record followed by a gap', [entry(4), entry(6)]],
    ['negative marker term', [{ type: 'snapshotMarker', index: 2, term: -1 }]],
  ];
  for (const [name, records] of bad) {
    await t.rejects(wal.append(records as WalRecord[]), WalUsageError, name);
  }
  await t.rejects(wal.append('nope' as unknown as WalRecord[]), WalUsageError, 'not an array');
  await wal.append([{ type: 'snapshotMarker', index: 2, term: 1 }]);
  await t.rejects(wal.append([{ type: 'snapshotMarker', index: 1, term: 1 }]), /goes back/, 'marker moving backwards');
  t.equal(wal.lastIndex, 3, 'rejected appends left the index alone');
  await wal.append([entry(4)]);
  await wal.close();
  const { wal: w2, replay } = await Wal.open(dir, { fsync: false });
  t.same(summary(replay.entries), expected(entries(3, 4)));
  await w2.close();
});

t.test('close waits for queued appends, then refuses new ones', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir);
  const pending = [wal.append([entry(1)]), wal.append([entry(2)]), wal.append([])];
  let settled = 0;
  for (const p of pending) void p.then(() => settled++);
  await wal.close();
  await Promise.all(pending);
  t.equal(settled, 3);
  await t.rejects(wal.append([entry(3)]), WalClosedError);
  await wal.close();
  const { wal: w2, replay } = await Wal.open(dir);
  t.same(summary(replay.entries), expected(entries(1, 2)));
  await w2.close();
});

t.test('an empty append is a barrier that resolves after earlier appends', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir);
  const order: string[] = [];
  const a = wal.append([entry(1)]).then(() => order.push('entry'));
  const b = wal.append([]).then(() => order.push('barrier'));
  await Promise.all([a, b]);
  t.same(order, ['entry', 'barrier']);
  await wal.close();
});

t.test('the fsync observer sees every data fsync', async (t) => {
  const dir = await tempDir(t);
  const seen: number[] = [];
  let now = 0;
  const { wal } = await Wal.open(dir, {
    segmentBytes: 2048,
    onFsync: (s) => seen.push(s),
    monotonicMs: () => (now += 2.5),
  });
  for (let i = 1; i <= 40; i++) await wal.append([entry(i)]);
  const stats = wal.stats();
  t.ok(stats.rotations > 0);
  t.equal(seen.length, stats.fsyncs);
  t.ok(seen.every((s) => s === 0.0025), 'durations measured with the injected clock');
  t.ok(stats.dirFsyncs >= stats.rotations, 'each new segment synced its directory');
  await wal.close();
});

t.test('fsync: false writes but never syncs', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir, { fsync: false, segmentBytes: 2048 });
  for (let i = 1; i <= 40; i++) await wal.append([entry(i)]);
  t.equal(wal.stats().fsyncs, 0);
  t.equal(wal.stats().dirFsyncs, 0);
  t.ok(wal.stats().batches >= 40);
  await wal.close();
  const { wal: w2, replay } = await Wal.open(dir, { fsync: false });
  t.equal(replay.entries.length, 40);
  await w2.close();
});

t.test('an I/O failure fails the batch and every later append', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir, { segmentBytes: 1024, fsync: false });
  await wal.append([entry(1)]);
  // With the directory gone, the next rotation cannot create its segment.
  await rm(dir, { recursive: true, force: true });
  const big = entries(2, 40);
  await t.rejects(wal.append(big), WalFailedError);
  await t.rejects(wal.append([entry(2)]), WalFailedError);
  await wal.close();
});

t.test('an unfinished segment (.tmp) left by a crash is removed on open', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir);
  await wal.append(entries(1, 3));
  await wal.close();
  await writeFile(join(dir, '0000000000000002-0000000000000004.wal.tmp'), entryData(1, 10));
  const { wal: w2, replay } = await Wal.open(dir);
  t.same(summary(replay.entries), expected(entries(1, 3)));
  t.notOk((await readdir(dir)).some((n) => n.endsWith('.tmp')));
  await w2.append([entry(4)]);
  await w2.close();
});

t.test('segmentBytes must be sane', async (t) => {
  const dir = await tempDir(t);
  await t.rejects(Wal.open(dir, { segmentBytes: 10 }), WalUsageError);
});
