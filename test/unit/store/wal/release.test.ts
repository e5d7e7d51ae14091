// releaseTo() deletes whole segments covered by a durable snapshot marker; the log that remains
// still replays with its hard state and marker.
import t from 'tap';
import { Wal } from '../../../../store/wal/wal.js';
import { parseSegmentFileName } from '../../../../store/wal/format.js';
import { entry, entryData, segmentNames, tempDir } from './helpers.js';

const OPTS = { segmentBytes: 2048 };

async function logOf300(dir: string): Promise<Wal> {
  const { wal } = await Wal.open(dir, OPTS);
  await wal.append([{ type: 'state', data: Buffer.from('hard-state-v1') }]);
  for (let i = 1; i <= 300; i += 3) await wal.append([entry(i), entry(i + 1), entry(i + 2)]);
  return wal;
}

t.test('nothing is released before a snapshot marker is durable', async (t) => {
  const dir = await tempDir(t);
  const wal = await logOf300(dir);
  const before = await segmentNames(dir);
  t.ok(before.length > 5);
  t.same(await wal.releaseTo(200), []);
  t.same(await segmentNames(dir), before);
  await wal.close();
});

t.test('segments covered by the marker are deleted and the rest replays', async (t) => {
  const dir = await tempDir(t);
  const wal = await logOf300(dir);
  await wal.append([{ type: 'snapshotMarker', index: 200, term: 3 }]);
  const deleted = await wal.releaseTo(200);
  t.ok(deleted.length > 0, `deleted ${deleted.length} segments`);
  const remaining = await segmentNames(dir);
  t.same(wal.segmentFiles(), remaining);
  t.equal(wal.stats().segmentsReleased, deleted.length);
  // The oldest remaining segment may still hold entries up to 200, but the next one starts past it.
  const firstIndexes = remaining.map((n) => parseSegmentFileName(n)!.firstIndex);
  t.ok(firstIndexes[0]! <= 201);
  t.ok(firstIndexes[1]! > 201, 'no segment that could be deleted was kept');
  await wal.close();

  const { wal: reopened, replay } = await Wal.open(dir, OPTS);
  t.same(replay.snapshot, { index: 200, term: 3 });
  t.same(replay.hardState, Buffer.from('hard-state-v1'), 'hard state survives its segment being deleted');
  t.same(
    replay.entries.map((e) => e.index),
    Array.from({ length: 100 }, (_, i) => 201 + i),
  );
  t.same(replay.entries[0]!.data, entryData(201));
  await reopened.close();
});

t.test('releaseTo never goes past the durable marker', async (t) => {
  const dir = await tempDir(t);
  const wal = await logOf300(dir);
  await wal.append([{ type: 'snapshotMarker', index: 100, term: 2 }]);
  await wal.releaseTo(290);
  const remaining = await segmentNames(dir);
  const firstIndexes = remaining.map((n) => parseSegmentFileName(n)!.firstIndex);
  t.ok(firstIndexes[0]! <= 101, 'entries after the marker are all still on disk');
  await wal.close();
  const { wal: reopened, replay } = await Wal.open(dir, OPTS);
  t.same(replay.snapshot, { index: 100, term: 2 });
  t.equal(replay.entries.length, 200);
  t.equal(replay.entries[0]!.index, 101);
  await reopened.close();
});

t.test('a marker at the last index releases all but the current segment', async (t) => {
  const dir = await tempDir(t);
  const wal = await logOf300(dir);
  await wal.append([{ type: 'snapshotMarker', index: 300, term: 5 }]);
  await wal.releaseTo(300);
  t.equal((await segmentNames(dir)).length, 1);
  await wal.append([entry(301)]);
  await wal.close();
  const { wal: reopened, replay } = await Wal.open(dir, OPTS);
  t.same(replay.snapshot, { index: 300, term: 5 });
  t.same(
    replay.entries.map((e) => e.index),
    [301],
  );
  t.equal(replay.lastIndex, 301);
  await reopened.close();
});

t.test('releases keep working as the log grows and new markers arrive', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir, OPTS);
  let maxSegments = 0;
  for (let i = 1; i <= 600; i++) {
    await wal.append([entry(i)]);
    if (i % 50 === 0) {
      await wal.append([{ type: 'snapshotMarker', index: i - 10, term: 1 }, { type: 'state', data: Buffer.from(`s${i}`) }]);
      await wal.releaseTo(i - 10);
    }
    maxSegments = Math.max(maxSegments, (await segmentNames(dir)).length);
  }
  t.ok(maxSegments <= 6, `disk use stays bounded (at most ${maxSegments} segments)`);
  await wal.close();
  const { wal: reopened, replay } = await Wal.open(dir, OPTS);
  t.same(replay.snapshot, { index: 590, term: 1 });
  t.same(replay.hardState, Buffer.from('s600'));
  t.same(
    replay.entries.map((e) => e.index),
    Array.from({ length: 10 }, (_, i) => 591 + i),
  );
  await reopened.close();
});

t.test('releaseTo rejects a bad index', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir);
  await t.rejects(wal.releaseTo(-1), /non-negative/);
  await t.rejects(wal.releaseTo(Number.NaN), /non-negative/);
  await wal.close();
});
