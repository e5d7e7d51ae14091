import t from 'tap';
import { CompactedError, MvccError } from '../../../../store/mvcc/errors.js';
import type { WatchEvent } from '../../../../store/mvcc/types.js';
import { del, mustApply, newStore, put } from './helpers.js';

interface Received {
  events: WatchEvent[];
  revision: number;
}

function recorder() {
  const calls: Received[] = [];
  const listener = (events: WatchEvent[], revision: number) => {
    calls.push({ events, revision });
  };
  const flat = () => calls.flatMap((c) => c.events.map((e) => `${e.type} ${e.kv.key}@${e.kv.modRevision}${e.prevKv ? ` prev=${e.prevKv.value}` : ''}`));
  return { calls, listener, flat };
}

t.test('replay from a revision, then live events, in order, exactly once', async (t) => {
  const { store, scheduler } = newStore({ watch: { replayBatchEvents: 2 } });
  put(store, '/w/a', '1'); // 2
  put(store, '/other', 'x'); // 3
  put(store, '/w/b', '1'); // 4
  put(store, '/w/a', '2'); // 5
  del(store, '/w/b'); // 6
  const rec = recorder();
  const handle = store.watch({ key: '/w/', prefix: true, startRevision: 3, prevKv: true }, rec.listener);
  t.equal(store.watcherCount, 1);
  t.same(rec.calls, [], 'nothing is delivered synchronously');
  // Live writes interleave with the catch-up; nothing may be lost or doubled.
  scheduler.runOnce();
  put(store, '/w/c', '1'); // 7
  mustApply(store, {
    type: 'txn',
    compare: [],
    success: [
      { type: 'put', key: '/w/z', value: 'z' },
      { type: 'put', key: '/w/a', value: '3' },
      { type: 'put', key: '/elsewhere', value: 'no' },
    ],
    failure: [],
  }); // 8
  scheduler.runAll();
  del(store, '/w/', { prefix: true }); // 9
  scheduler.runAll();
  t.same(rec.flat(), [
    'PUT /w/b@4',
    'PUT /w/a@5 prev=1',
    'DELETE /w/b@6 prev=1',
    'PUT /w/c@7',
    'PUT /w/z@8',
    'PUT /w/a@8 prev=2',
    'DELETE /w/a@9 prev=3',
    'DELETE /w/c@9 prev=1',
    'DELETE /w/z@9 prev=z',
  ]);
  // Batches never split a revision and report a revision covering their events.
  for (const call of rec.calls) {
    const revs = new Set(call.events.map((e) => e.kv.modRevision));
    t.ok(Math.max(...revs) <= call.revision, `batch revision ${call.revision} covers its events`);
  }
  const txnCall = rec.calls.find((c) => c.events.some((e) => e.kv.key === '/w/z'))!;
  t.equal(txnCall.events.filter((e) => e.kv.modRevision === 8).length, 2, 'both events of revision 8 arrive together');
  const deleteEvent = rec.calls.at(-1)!.events[0]!;
  t.same(deleteEvent.kv, { key: '/w/a', value: '', createRevision: 0, modRevision: 9, version: 0, lease: 0 }, 'DELETE kv shape');
  handle.cancel();
  t.equal(store.watcherCount, 0);
  put(store, '/w/after', '1');
  scheduler.runAll();
  t.equal(rec.flat().length, 9, 'no events after cancel');
});

t.test('watch from now, single key, filters', async (t) => {
  const { store, scheduler } = newStore();
  put(store, 'k', 'old');
  const all = recorder();
  const noDelete = recorder();
  const noPut = recorder();
  store.watch({ key: 'k' }, all.listener);
  store.watch({ key: 'k', filters: ['noDelete'] }, noDelete.listener);
  store.watch({ key: 'k', filters: ['noPut'] }, noPut.listener);
  put(store, 'k', 'new'); // 3
  put(store, 'kk', 'not the same key'); // 4
  del(store, 'k'); // 5
  scheduler.runAll();
  t.same(all.flat(), ['PUT k@3', 'DELETE k@5'], 'no startRevision: only changes after the watch began');
  t.same(noDelete.flat(), ['PUT k@3']);
  t.same(noPut.flat(), ['DELETE k@5']);
  t.notOk(all.calls[0]!.events[0]!.prevKv, 'no prevKv unless asked');
});

t.test('a watch starting in the future waits for that revision', async (t) => {
  const { store, scheduler } = newStore();
  const rec = recorder();
  store.watch({ key: 'k', startRevision: 4 }, rec.listener);
  put(store, 'k', '2'); // 2
  put(store, 'k', '3'); // 3
  put(store, 'k', '4'); // 4
  scheduler.runAll();
  t.same(rec.flat(), ['PUT k@4']);
});

t.test('watch from a compacted revision throws CompactedError', async (t) => {
  const { store } = newStore();
  for (let i = 0; i < 5; i++) put(store, 'k', String(i)); // 2..6
  mustApply(store, { type: 'compact', revision: 4 });
  const err = t.throws(() => store.watch({ key: 'k', startRevision: 3 }, () => {})) as unknown;
  t.ok(err instanceof CompactedError, 'a CompactedError');
  t.equal((err as CompactedError).compactRevision, 4);
  t.equal((err as CompactedError).code, 'compacted');
  t.doesNotThrow(() => store.watch({ key: 'k', startRevision: 4 }, () => {}), 'the compaction revision itself is still watchable');
});

t.test('compaction overtaking a catching-up watcher cancels it with compacted', async (t) => {
  const { store, scheduler } = newStore({ watch: { replayBatchEvents: 1 } });
  for (let i = 0; i < 10; i++) put(store, 'k', String(i)); // 2..11
  const rec = recorder();
  const reasons: MvccError[] = [];
  const handle = store.watch({ key: 'k', startRevision: 2 }, rec.listener, (r) => reasons.push(r));
  scheduler.runOnce(); // delivers revision 2 only
  mustApply(store, { type: 'compact', revision: 8 });
  scheduler.runAll();
  t.equal(handle.cancelled, true);
  t.equal(handle.cancelReason?.code, 'compacted');
  t.same(reasons.map((r) => r.code), ['compacted'], 'onCancel told once');
  t.same(rec.flat(), ['PUT k@2'], 'events before the cancel were delivered, none after');
});

t.test('slow watcher: pausing buffers, overflowing cancels with a clear reason', async (t) => {
  const { store, scheduler } = newStore({ watch: { maxBufferedEvents: 5 } });
  const reasons: MvccError[] = [];
  const received: number[] = [];
  let pauseNext = true;
  const handle = store.watch(
    { key: 'k' },
    (events) => {
      received.push(...events.map((e) => e.kv.modRevision));
      return pauseNext ? false : undefined;
    },
    (reason) => reasons.push(reason),
  );
  put(store, 'k', '1'); // 2
  scheduler.runAll();
  t.same(received, [2], 'first batch delivered, consumer pauses');
  for (let i = 0; i < 3; i++) put(store, 'k', 'x'); // 3..5 buffered
  scheduler.runAll();
  t.same(received, [2], 'nothing delivered while paused');
  pauseNext = false;
  handle.resume();
  scheduler.runAll();
  t.same(received, [2, 3, 4, 5], 'resume delivers the buffer in order');
  pauseNext = true;
  put(store, 'k', 'y'); // 6, consumer pauses again
  scheduler.runAll();
  const rev = store.currentRevision;
  for (let i = 0; i < 6; i++) put(store, 'k', 'z'); // the sixth queued event overflows the bound of 5
  t.equal(store.currentRevision, rev + 6, 'apply was never blocked by the slow watcher');
  t.equal(handle.cancelled, true);
  t.equal(handle.cancelReason?.code, 'slowWatcher');
  t.match(handle.cancelReason?.message ?? '', /re-watch/);
  t.equal(store.watcherCount, 0);
  t.equal(store.slowWatcherCancellations, 1);
  scheduler.runAll();
  t.same(reasons.map((r) => r.code), ['slowWatcher'], 'onCancel told asynchronously');
  t.same(received, [2, 3, 4, 5, 6], 'no events after cancellation');
});

t.test('a busy but not paused watcher falls back to the log instead of being cancelled', async (t) => {
  const { store, scheduler } = newStore({ watch: { maxBufferedEvents: 3, replayBatchEvents: 100 } });
  const rec = recorder();
  const handle = store.watch({ key: 'k' }, rec.listener);
  for (let i = 0; i < 10; i++) put(store, 'k', String(i)); // 2..11 without a delivery round in between
  scheduler.runAll();
  t.equal(handle.cancelled, false);
  t.same(rec.flat(), Array.from({ length: 10 }, (_, i) => `PUT k@${i + 2}`), 'all ten events, in order, once');
  put(store, 'k', 'live');
  scheduler.runAll();
  t.equal(rec.flat().at(-1), 'PUT k@12', 'back to live delivery');
});

t.test('a throwing listener is cancelled without affecting the store', async (t) => {
  const { store, scheduler } = newStore();
  const reasons: string[] = [];
  const handle = store.watch({ key: 'k' }, () => {
    throw new Error('boom');
  }, (r) => reasons.push(r.code));
  const ok = recorder();
  store.watch({ key: 'k' }, ok.listener);
  put(store, 'k', '1');
  scheduler.runAll();
  put(store, 'k', '2');
  scheduler.runAll();
  t.equal(handle.cancelled, true);
  t.same(reasons, ['watchListenerFailed']);
  t.same(ok.flat(), ['PUT k@2', 'PUT k@3'], 'other watchers unaffected');
});

t.test('lease revoke events and a watcher per delete', async (t) => {
  const { store, scheduler } = newStore();
  mustApply(store, { type: 'leaseGrant', id: 1, ttl: 10 });
  put(store, '/l/b', 'b', { lease: 1 });
  put(store, '/l/a', 'a', { lease: 1 });
  const rec = recorder();
  store.watch({ key: '/l/', prefix: true, prevKv: true }, rec.listener);
  mustApply(store, { type: 'leaseRevoke', id: 1 });
  scheduler.runAll();
  t.same(rec.flat(), ['DELETE /l/a@4 prev=a', 'DELETE /l/b@4 prev=b'], 'one revision, keys in order');
  t.equal(rec.calls.length, 1);
});

t.test('bad watch requests throw typed errors', async (t) => {
  const { store } = newStore();
  t.throws(() => store.watch({ key: '' }, () => {}), { code: 'emptyKey' });
  t.throws(() => store.watch({ key: 'k', filters: ['sometimes'] }, () => {}), { code: 'invalidArgument' });
  t.throws(() => store.watch({ key: 'k', startRevision: -1 }, () => {}), { code: 'invalidArgument' });
  t.equal(store.watcherCount, 0);
});

t.test('default scheduler delivers without help', async (t) => {
  const { MvccStore } = await import('../../../../store/mvcc/store.js');
  const store = new MvccStore();
  const got = new Promise<string[]>((resolve) => {
    store.watch({ key: 'k' }, (events) => resolve(events.map((e) => e.kv.value)));
  });
  put(store, 'k', 'hello');
  t.same(await got, ['hello']);
});
