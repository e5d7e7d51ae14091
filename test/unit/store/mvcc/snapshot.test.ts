import t from 'tap';
import { Readable } from 'node:stream';
import { MvccError } from '../../../../store/mvcc/errors.js';
import { MvccStore } from '../../../../store/mvcc/store.js';
import type { Command, WatchEvent } from '../../../../store/mvcc/types.js';
import { ManualScheduler, mustApply, newStore, rng } from './helpers.js';

/** A store with history, deletes, multi-key revisions, leases and a compaction. */
function buildStore(): { store: MvccStore; scheduler: ManualScheduler } {
  const { store, scheduler } = newStore();
  const rand = rng(99);
  for (let id = 1; id <= 5; id++) mustApply(store, { type: 'leaseGrant', id, ttl: 10 * id });
  for (let i = 0; i < 3000; i++) {
    const key = `/registry/things/ns-${i % 7}/obj-${i}${i % 50 === 0 ? '-é😀' : ''}`;
    store.apply({ type: 'put', key, value: JSON.stringify({ i, pad: 'x'.repeat(i % 40) }), lease: i % 10 === 0 ? (i % 5) + 1 : 0 });
  }
  for (let step = 0; step < 1500; step++) {
    const i = Math.floor(rand() * 3000);
    const key = `/registry/things/ns-${i % 7}/obj-${i}`;
    const r = rand();
    let cmd: Command;
    if (r < 0.5) cmd = { type: 'put', key, value: `update ${step}` };
    else if (r < 0.7) cmd = { type: 'deleteRange', key };
    else cmd = { type: 'txn', compare: [], success: [{ type: 'put', key: key + '/b', value: 'b' }, { type: 'put', key: key + '/a', value: 'a' }], failure: [] };
    store.apply(cmd);
  }
  mustApply(store, { type: 'leaseRevoke', id: 2 });
  mustApply(store, { type: 'leaseCheckpoint', checkpoints: [{ id: 3, remainingTtl: 7 }] });
  mustApply(store, { type: 'compact', revision: store.currentRevision - 1000 });
  return { store, scheduler };
}

function replayAll(store: MvccStore, scheduler: ManualScheduler, startRevision: number): string[] {
  const out: string[] = [];
  const h = store.watch({ key: '', prefix: true, startRevision, prevKv: true }, (events: WatchEvent[]) => {
    for (const e of events) out.push(JSON.stringify(e));
  });
  scheduler.runAll();
  h.cancel();
  return out;
}

t.test('snapshot round trip preserves state, history and leases', async (t) => {
  const { store: original, scheduler: originalScheduler } = buildStore();
  const chunks = original.snapshot(64 * 1024);
  t.ok(chunks.length > 1, `snapshot comes in chunks (${chunks.length})`);
  const size = chunks.reduce((n, c) => n + c.length, 0);
  t.comment(`snapshot of ${original.indexedKeys} keys: ${size} bytes`);
  const scheduler = new ManualScheduler();
  const restored = MvccStore.restore(chunks, { watch: { schedule: scheduler.schedule } });
  t.equal(restored.currentRevision, original.currentRevision);
  t.equal(restored.compactRevision, original.compactRevision);
  t.equal(restored.indexedKeys, original.indexedKeys);
  t.equal(restored.keyCount, original.range({ key: '', prefix: true, countOnly: true }).count, 'live key count');
  t.equal(restored.keyCount, original.keyCount);
  t.equal(restored.approximateSizeBytes, original.approximateSizeBytes);
  t.same(restored.leases(), original.leases(), 'leases with their keys and checkpoints');
  t.ok(Buffer.concat(restored.snapshot()).equals(Buffer.concat(original.snapshot())), 're-snapshot is byte-identical');
  let differing = 0;
  for (let rev = original.compactRevision; rev <= original.currentRevision; rev += 97) {
    const a = original.range({ key: '', prefix: true, revision: rev });
    const b = restored.range({ key: '', prefix: true, revision: rev });
    if (JSON.stringify(a) !== JSON.stringify(b)) differing++;
  }
  t.equal(differing, 0, 'reads at past revisions agree');
  const replayRestored = replayAll(restored, scheduler, original.compactRevision);
  t.ok(replayRestored.length > 900, `watch history replays (${replayRestored.length} events)`);
  t.same(replayRestored, replayAll(original, originalScheduler, original.compactRevision), 'watch replay agrees, sub-revision order included');
  // Both continue identically.
  const more: Command[] = [
    { type: 'put', key: '/registry/things/ns-1/obj-1', value: 'next', prevKv: true },
    { type: 'leaseRevoke', id: 1 },
    { type: 'deleteRange', key: '/registry/things/ns-3/', prefix: true },
    { type: 'compact', revision: original.currentRevision },
  ];
  for (const cmd of more) t.same(restored.apply(cmd), original.apply(cmd), `same result for ${cmd.type}`);
  t.ok(Buffer.concat(restored.snapshot()).equals(Buffer.concat(original.snapshot())), 'still identical afterwards');
});

t.test('restore accepts any chunking and streams', async (t) => {
  const { store: original } = buildStore();
  const whole = Buffer.concat(original.snapshot());
  const odd: Buffer[] = [];
  for (let i = 0; i < whole.length; i += 777) odd.push(whole.subarray(i, i + 777));
  const fromOdd = MvccStore.restore(odd);
  t.equal(fromOdd.currentRevision, original.currentRevision);
  const fromStream = await MvccStore.restoreFrom(Readable.from(odd));
  t.ok(Buffer.concat(fromStream.snapshot()).equals(whole), 'async stream restore is identical');
  t.ok(Buffer.concat(MvccStore.restore(whole).snapshot()).equals(whole), 'single buffer restore is identical');
  const empty = new MvccStore();
  t.equal(MvccStore.restore(empty.snapshot()).currentRevision, 1, 'an empty store round-trips');
});

t.test('corrupt snapshots are refused with badSnapshot', async (t) => {
  const whole = Buffer.concat(buildStore().store.snapshot());
  const flipped = Buffer.from(whole);
  flipped[6] = 0x21; // inside the magic
  const table: Array<[string, Buffer]> = [
    ['empty', Buffer.alloc(0)],
    ['truncated mid-stream', whole.subarray(0, Math.floor(whole.length / 2))],
    ['missing end record', whole.subarray(0, whole.length - 8)],
    ['wrong magic', flipped],
    ['garbage', Buffer.from('{"not":"a snapshot"}')],
    ['trailing data', Buffer.concat([whole, whole.subarray(0, 20)])],
  ];
  for (const [name, buf] of table) {
    let err: unknown;
    try {
      MvccStore.restore(buf);
    } catch (e) {
      err = e;
    }
    t.ok(err instanceof MvccError && err.code === 'badSnapshot', `${name}: ${(err as Error | undefined)?.message}`);
  }
});

t.test('a lazy snapshot stream refuses to continue after the store changed', async (t) => {
  const { store } = buildStore();
  const it = store.snapshotChunks(4096)[Symbol.iterator]();
  t.notOk(it.next().done);
  store.apply({ type: 'put', key: 'interloper', value: 'x' });
  t.throws(() => it.next(), { code: 'badSnapshot' });
});
