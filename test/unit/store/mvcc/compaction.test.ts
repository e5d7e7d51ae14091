import t from 'tap';
import type { MvccStore } from '../../../../store/mvcc/store.js';
import type { Command, KeyValue, WatchEvent } from '../../../../store/mvcc/types.js';
import { codeOf, del, mustApply, newStore, put, rng } from './helpers.js';

/** Everything a read at `rev` returns, as one comparable string per key. */
function dumpAt(store: MvccStore, rev: number): string[] {
  return store.range({ key: '', prefix: true, revision: rev }).kvs.map((kv: KeyValue) => JSON.stringify(kv));
}

function replayFrom(store: MvccStore, flush: () => void, startRevision: number): string[] {
  const out: string[] = [];
  const h = store.watch({ key: '', prefix: true, startRevision, prevKv: true }, (events: WatchEvent[]) => {
    for (const e of events) out.push(JSON.stringify(e));
  });
  flush();
  h.cancel();
  return out;
}

t.test('compaction keeps every read and watch at or after the compaction revision intact', async (t) => {
  const { store, scheduler } = newStore();
  const rand = rng(2024);
  const keys = Array.from({ length: 40 }, (_, i) => `/k/${i}`);
  mustApply(store, { type: 'leaseGrant', id: 1, ttl: 100 });
  for (let step = 0; step < 600; step++) {
    const key = keys[Math.floor(rand() * keys.length)]!;
    const r = rand();
    let cmd: Command;
    if (r < 0.6) cmd = { type: 'put', key, value: `v${step}`, lease: r < 0.1 ? 1 : 0 };
    else if (r < 0.85) cmd = { type: 'deleteRange', key };
    else cmd = { type: 'txn', compare: [], success: [{ type: 'put', key, value: `t${step}` }, { type: 'deleteRange', key: key + 'x', rangeEnd: key + 'y' }], failure: [] };
    store.apply(cmd);
  }
  const current = store.currentRevision;
  const compactAt = Math.floor(current / 2);
  const readsBefore = new Map<number, string[]>();
  for (let rev = compactAt; rev <= current; rev++) readsBefore.set(rev, dumpAt(store, rev));
  const replayBefore = replayFrom(store, () => scheduler.runAll(), compactAt);
  const indexedBefore = store.indexedKeys;

  const sizeBefore = store.approximateSizeBytes;
  const res = mustApply(store, { type: 'compact', revision: compactAt });
  t.ok(store.approximateSizeBytes < sizeBefore, 'compaction frees retained bytes');
  t.equal(res.header.revision, current, 'compaction does not bump the revision');
  t.equal(store.compactRevision, compactAt);
  let differing = 0;
  for (let rev = compactAt; rev <= current; rev++) if (JSON.stringify(dumpAt(store, rev)) !== JSON.stringify(readsBefore.get(rev))) differing++;
  t.equal(differing, 0, 'reads at every revision >= compactRevision are unchanged');
  t.same(replayFrom(store, () => scheduler.runAll(), compactAt), replayBefore, 'watch replay from compactRevision is unchanged');
  t.throws(() => store.range({ key: '/k/0', revision: compactAt - 1 }), { code: 'compacted', compactRevision: compactAt });
  t.ok(store.indexedKeys <= indexedBefore);
  t.equal(codeOf(store.apply({ type: 'compact', revision: compactAt })), 'compacted', 'compacting to the same revision again');
  t.equal(codeOf(store.apply({ type: 'compact', revision: compactAt - 1 })), 'compacted');
  t.equal(codeOf(store.apply({ type: 'compact', revision: current + 1 })), 'futureRevision');

  // Compacting everything leaves exactly the live keys, each with one version.
  put(store, '/fresh', 'x');
  mustApply(store, { type: 'compact', revision: store.currentRevision });
  const live = store.range({ key: '', prefix: true });
  t.equal(store.indexedKeys, live.count, 'deleted keys and superseded versions are gone');
  t.equal(store.keyCount, live.count, 'keyCount tracks live keys');
  t.same(
    dumpAt(store, store.currentRevision).filter((kv) => !kv.includes('/fresh')),
    readsBefore.get(current),
    'the present is untouched',
  );
  t.throws(() => dumpAt(store, current), { code: 'compacted' });
});

t.test('what compaction drops and keeps, key by key', async (t) => {
  const { store, scheduler } = newStore();
  put(store, 'a', 'a1'); // 2
  put(store, 'a', 'a2'); // 3
  put(store, 'b', 'b1'); // 4
  del(store, 'b'); // 5
  put(store, 'c', 'c1'); // 6
  del(store, 'c'); // 7 (tombstone exactly at the compaction revision)
  put(store, 'a', 'a3'); // 8
  mustApply(store, { type: 'compact', revision: 7 });
  t.equal(store.get('a', 7)!.value, 'a2', 'the value a read at the compaction revision sees is kept');
  t.equal(store.get('a')!.value, 'a3');
  t.equal(store.get('b', 7), undefined);
  t.equal(store.indexedKeys, 2, "b (deleted before 7) is dropped; c's tombstone at 7 stays for watchers");
  t.throws(() => store.get('c', 6), { code: 'compacted' }, 'c1 is kept only as the prevKv of the delete at 7');
  const events: string[] = [];
  store.watch({ key: '', prefix: true, startRevision: 7, prevKv: true }, (evs) => {
    for (const e of evs) events.push(`${e.type} ${e.kv.key}@${e.kv.modRevision}${e.prevKv ? ` prev=${e.prevKv.value}` : ''}`);
  });
  scheduler.runAll();
  t.same(events, ['DELETE c@7 prev=c1', 'PUT a@8 prev=a2'], 'events from 7 on, each with its prevKv');
  mustApply(store, { type: 'compact', revision: 8 });
  t.equal(store.indexedKeys, 1, 'the old tombstone goes at the next compaction');
  t.same(store.range({ key: 'a' }).kvs.map((kv) => kv.version), [3], 'versions keep counting after compaction');
  put(store, 'a', 'a4');
  t.same(store.get('a'), { key: 'a', value: 'a4', createRevision: 2, modRevision: 9, version: 4, lease: 0 });
});
