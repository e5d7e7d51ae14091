import t from 'tap';
import { FakeClock } from '../../../../lib/util/clock.js';
import { DelayingQueue } from '../../../../lib/workqueue/delaying.js';

/** The keys in the queue now, in order (takes them and marks them done). */
async function drainNow(q: DelayingQueue): Promise<string[]> {
  const keys: string[] = [];
  while (q.len() > 0) {
    const k = (await q.get())!;
    keys.push(k);
    q.done(k);
  }
  return keys;
}

t.test('addAfter adds keys in due order on the fake clock', async (t) => {
  const clock = new FakeClock(1_000);
  const q = new DelayingQueue({ clock });
  q.addAfter('c', 300);
  q.addAfter('a', 100);
  q.addAfter('b', 200);
  q.addAfter('now', 0);
  t.same(await drainNow(q), ['now']);
  t.equal(q.waitingLen(), 3);
  clock.advance(99);
  t.same(await drainNow(q), []);
  clock.advance(1);
  t.same(await drainNow(q), ['a']);
  clock.advance(250);
  t.same(await drainNow(q), ['b', 'c']);
  t.equal(clock.pending(), 0, 'no timer left armed');
});

t.test('a key added twice keeps the earlier due time', async (t) => {
  const clock = new FakeClock();
  const q = new DelayingQueue({ clock });
  q.addAfter('k', 500);
  q.addAfter('k', 100); // earlier wins
  q.addAfter('k', 900); // later is ignored
  t.equal(q.waitingLen(), 1);
  clock.advance(100);
  t.same(await drainNow(q), ['k']);
  clock.advance(1_000);
  t.same(await drainNow(q), [], 'the superseded due times do not add it again');
});

t.test('equal due times keep the order keys were scheduled in', async (t) => {
  const clock = new FakeClock();
  const q = new DelayingQueue({ clock });
  for (const k of ['x', 'y', 'z']) q.addAfter(k, 50);
  clock.advance(50);
  t.same(await drainNow(q), ['x', 'y', 'z']);
});

t.test('a delayed key already queued is not duplicated', async (t) => {
  const clock = new FakeClock();
  const q = new DelayingQueue({ clock });
  q.add('k');
  q.addAfter('k', 10);
  clock.advance(10);
  t.same(await drainNow(q), ['k']);
});

t.test('shutDown cancels waiting keys and their timer', async (t) => {
  const clock = new FakeClock();
  const q = new DelayingQueue({ clock });
  q.addAfter('k', 10);
  t.equal(clock.pending(), 1);
  q.shutDown();
  t.equal(clock.pending(), 0);
  q.addAfter('late', 10);
  clock.advance(100);
  t.equal(q.len(), 0);
  t.equal(await q.get(), undefined);
});

t.test('many random delays come out sorted by due time', async (t) => {
  const clock = new FakeClock();
  const q = new DelayingQueue<string>({ clock });
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const due = new Map<string, number>();
  for (let i = 0; i < 200; i++) {
    const key = `k${i % 120}`; // some keys twice: earliest wins
    const ms = 1 + Math.floor(random() * 1_000);
    q.addAfter(key, ms);
    due.set(key, Math.min(due.get(key) ?? Infinity, ms));
  }
  const seen: string[] = [];
  for (let step = 0; step < 1_001; step++) {
    clock.advance(1);
    seen.push(...(await drainNow(q)));
  }
  t.equal(seen.length, due.size, 'every key exactly once');
  const times = seen.map((k) => due.get(k)!);
  t.same(times, [...times].sort((a, b) => a - b), 'in due order');
});
