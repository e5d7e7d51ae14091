// Concurrent append() calls share fsyncs, and nobody is told "durable" before an fsync covering
// their records has completed.
import t from 'tap';
import { Wal } from '../../../../store/wal/wal.js';
import { entry, entryData, tempDir } from './helpers.js';

t.test('1000 concurrent appends share a handful of fsyncs, all durable and in order', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir, { segmentBytes: 32 * 1024 });
  const calls = 1000;
  const lateResolutions: number[] = [];
  const pending: Promise<void>[] = [];
  for (let i = 1; i <= calls; i++) {
    const fsyncsAtCall = wal.stats().fsyncs;
    pending.push(
      wal.append([entry(i, 64)]).then(() => {
        const s = wal.stats();
        // Resolved only after its record was written and an fsync started after the call finished.
        if (s.records < i || s.fsyncs <= fsyncsAtCall) lateResolutions.push(i);
      }),
    );
  }
  await Promise.all(pending);
  const stats = wal.stats();
  t.same(lateResolutions, [], 'every promise resolved after a covering fsync');
  t.equal(stats.appendCalls, calls);
  t.equal(stats.records, calls);
  t.ok(stats.rotations >= 2, `the batch was split across ${stats.rotations + 1} segments`);
  t.ok(stats.fsyncs <= 2 * (stats.rotations + 2), `${stats.fsyncs} fsyncs for ${calls} calls`);
  t.ok(stats.batches < calls / 20, `${stats.batches} batches for ${calls} calls`);
  await wal.close();

  const { wal: reopened, replay } = await Wal.open(dir, { segmentBytes: 32 * 1024 });
  t.equal(replay.entries.length, calls);
  const wrong = replay.entries.filter((e, i) => e.index !== i + 1 || !e.data.equals(entryData(i + 1, 64)));
  t.same(wrong, [], 'order and contents preserved');
  await reopened.close();
});

t.test('appenders that each wait for their previous append still batch together', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir);
  let nextIndex = 1;
  const appenders = 16;
  const perAppender = 40;
  const run = async () => {
    for (let k = 0; k < perAppender; k++) await wal.append([entry(nextIndex++, 100)]);
  };
  await Promise.all(Array.from({ length: appenders }, run));
  const stats = wal.stats();
  const calls = appenders * perAppender;
  t.equal(stats.appendCalls, calls);
  t.ok(stats.fsyncs <= calls / 4, `${stats.fsyncs} fsyncs for ${calls} calls`);
  await wal.close();
  const { wal: reopened, replay } = await Wal.open(dir);
  t.same(
    replay.entries.map((e) => e.index),
    Array.from({ length: calls }, (_, i) => i + 1),
  );
  await reopened.close();
});

t.test('appends made while a batch is in flight go out in the next single batch', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir);
  const fsyncsBefore = wal.stats().fsyncs; // creating the first segment synced it
  const first = wal.append([entry(1)]);
  // Let the first batch start (it picks up everything appended in the same tick).
  await Promise.resolve();
  await Promise.resolve();
  const rest = Array.from({ length: 50 }, (_, i) => wal.append([entry(i + 2)]));
  await Promise.all([first, ...rest]);
  t.equal(wal.stats().batches, 2);
  t.equal(wal.stats().fsyncs - fsyncsBefore, 2);
  await wal.close();
});
