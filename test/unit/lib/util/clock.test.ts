import t from 'tap';
import { FakeClock, realClock } from '../../../../lib/util/clock.js';

t.test('FakeClock fires timers in due order only when advanced', async (t) => {
  const clock = new FakeClock(1000);
  const fired: string[] = [];
  clock.setTimeout(() => fired.push('b@30'), 30);
  clock.setTimeout(() => fired.push('a@10'), 10);
  const c = clock.setTimeout(() => fired.push('cancelled'), 20);
  clock.clearTimeout(c);
  t.equal(clock.pending(), 2);
  clock.advance(9);
  t.same(fired, []);
  t.equal(clock.now(), 1009);
  clock.advance(25);
  t.same(fired, ['a@10', 'b@30']);
  t.equal(clock.now(), 1034);
  t.equal(clock.pending(), 0);
});

t.test('FakeClock runs timers scheduled by timers within the same advance', async (t) => {
  const clock = new FakeClock();
  const at: number[] = [];
  clock.setTimeout(() => {
    at.push(clock.now());
    clock.setTimeout(() => at.push(clock.now()), 5);
  }, 5);
  clock.advance(10);
  t.same(at, [5, 10]);
});

t.test('sleep resolves on advance and rejects on abort', async (t) => {
  const clock = new FakeClock();
  const done = clock.sleep(100);
  clock.advance(100);
  await done;
  const ac = new AbortController();
  const aborted = clock.sleep(100, ac.signal);
  ac.abort(new Error('stop'));
  await t.rejects(aborted, { message: 'stop' });
  t.equal(clock.pending(), 0, 'the aborted sleep removed its timer');
  await t.rejects(realClock.sleep(10, AbortSignal.abort(new Error('already'))), { message: 'already' });
});
