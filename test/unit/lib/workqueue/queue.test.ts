import t from 'tap';
import { WorkQueue } from '../../../../lib/workqueue/queue.js';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

t.test('a key added many times is queued once, in first-add order', async (t) => {
  const q = new WorkQueue();
  for (const key of ['a', 'b', 'a', 'c', 'b', 'a']) q.add(key);
  t.equal(q.len(), 3);
  t.equal(await q.get(), 'a');
  t.equal(await q.get(), 'b');
  t.equal(await q.get(), 'c');
  t.equal(q.len(), 0);
});

t.test('a key added while processing comes back only after done, once', async (t) => {
  const q = new WorkQueue();
  q.add('a');
  const first = await q.get();
  t.equal(first, 'a');
  q.add('a');
  q.add('a');
  t.equal(q.len(), 0, 'not handed out while a worker holds it');
  let second: string | undefined;
  void q.get().then((k) => (second = k));
  await flush();
  t.equal(second, undefined, 'a second worker waits instead of getting the held key');
  q.done('a');
  await flush();
  t.equal(second, 'a', 'the re-add is delivered after done');
  t.equal(q.len(), 0, 'and only once');
  q.done('a');
  t.equal(q.len(), 0, 'done without a re-add queues nothing');
});

t.test('many workers never hold the same key at once', async (t) => {
  const q = new WorkQueue<number>();
  const held = new Set<number>();
  let overlaps = 0;
  let processed = 0;
  const worker = async () => {
    for (;;) {
      const key = await q.get();
      if (key === undefined) return;
      if (held.has(key)) overlaps++;
      held.add(key);
      // Re-add some keys while they are held, then yield so other workers run in between.
      if (processed++ % 3 === 0) q.add(key);
      await flush();
      held.delete(key);
      q.done(key);
    }
  };
  const workers = Array.from({ length: 4 }, worker);
  for (let round = 0; round < 20; round++) {
    for (let key = 0; key < 5; key++) q.add(key);
    await flush();
  }
  // Bounded: every round at most 5 keys plus re-adds; wait until the queue settles.
  for (let i = 0; i < 200 && (q.len() > 0 || held.size > 0); i++) await flush();
  q.shutDown();
  await Promise.all(workers);
  t.equal(overlaps, 0);
  t.ok(processed >= 20, `processed ${processed} keys`);
});

t.test('get waits for an add; waiting getters are served in order', async (t) => {
  const q = new WorkQueue();
  const got: string[] = [];
  const g1 = q.get().then((k) => got.push(`1:${k}`));
  const g2 = q.get().then((k) => got.push(`2:${k}`));
  await flush();
  t.same(got, []);
  q.add('x');
  q.add('y');
  await Promise.all([g1, g2]);
  t.same(got, ['1:x', '2:y']);
});

t.test('shutDown wakes waiting getters with undefined and refuses adds', async (t) => {
  const q = new WorkQueue();
  const waiting = [q.get(), q.get()];
  q.shutDown();
  t.same(await Promise.all(waiting), [undefined, undefined]);
  t.ok(q.shuttingDown);
  q.add('late');
  t.equal(q.len(), 0);
  t.equal(await q.get(), undefined);
});

t.test('after shutDown, queued keys are still handed out, then undefined (as client-go)', async (t) => {
  const q = new WorkQueue();
  q.add('a');
  q.add('b');
  q.shutDown();
  t.equal(await q.get(), 'a');
  t.equal(await q.get(), 'b');
  t.equal(await q.get(), undefined);
});

t.test('shutDownWithDrain resolves only when every handed-out key is done', async (t) => {
  const q = new WorkQueue();
  q.add('a');
  q.add('b');
  const a = (await q.get())!;
  const b = (await q.get())!;
  q.add('a'); // dirty while processing: done() re-queues it, the drain still waits only for held keys
  let drained = false;
  const drain = q.shutDownWithDrain().then(() => (drained = true));
  await flush();
  t.notOk(drained);
  q.done(a);
  await flush();
  t.notOk(drained, 'b is still held');
  q.done(b);
  await drain;
  t.ok(drained);
  t.equal(await q.shutDownWithDrain().then(() => 'again'), 'again', 'an idle queue drains at once');
});

t.test('shutDown ends a drain in progress', async (t) => {
  const q = new WorkQueue();
  q.add('a');
  await q.get();
  const drain = q.shutDownWithDrain();
  q.shutDown();
  await drain;
  t.pass('drain resolved');
});

t.test('done for a key never handed out is ignored', async (t) => {
  const q = new WorkQueue();
  q.done('nope');
  q.add('a');
  q.done('a');
  t.equal(q.len(), 1);
  t.equal(await q.get(), 'a');
});
