import t from 'tap';
import { EventWindow, type CacheChange } from '../../../../apiserver/storage/event-window.js';

const change = (revision: number, key = `k${revision}`): CacheChange => ({ revision, key, type: 'ADDED', current: undefined, previous: undefined });

t.test('keeps the newest `capacity` changes in order and reports evictions', async (t) => {
  const w = new EventWindow(3);
  t.equal(w.push(change(1)), undefined);
  t.equal(w.push(change(2)), undefined);
  t.equal(w.push(change(3)), undefined);
  t.equal(w.push(change(4))?.revision, 1, 'the oldest is evicted');
  t.equal(w.push(change(5))?.revision, 2);
  t.equal(w.size, 3);
  t.same([...w.since(0)].map((c) => c.revision), [3, 4, 5]);
  t.throws(() => w.at(3), RangeError);
  w.clear();
  t.equal(w.size, 0);
  t.same([...w.since(0)], []);
  t.throws(() => new EventWindow(0), RangeError);
});

t.test('indexAfter / since find the first change after a revision (several changes may share one)', async (t) => {
  const w = new EventWindow(10);
  for (const [rev, key] of [[2, 'a'], [4, 'a'], [4, 'b'], [7, 'c'], [9, 'a']] as const) w.push(change(rev, key));
  const table: Array<[number, number[]]> = [
    [0, [2, 4, 4, 7, 9]],
    [2, [4, 4, 7, 9]],
    [3, [4, 4, 7, 9]],
    [4, [7, 9]],
    [8, [9]],
    [9, []],
    [100, []],
  ];
  for (const [after, want] of table) t.same([...w.since(after)].map((c) => c.revision), want, `since ${after}`);
  // Wrapped ring: still ordered.
  for (let r = 10; r < 20; r++) w.push(change(r));
  t.equal(w.indexAfter(14), 5);
  t.same([...w.since(17)].map((c) => c.revision), [18, 19]);
});
