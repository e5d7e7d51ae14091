import t from 'tap';
import { Backoff } from '../../../../lib/util/backoff.js';

t.test('grows by factor up to the cap, without jitter', async (t) => {
  const b = new Backoff({ initialMs: 100, factor: 2, capMs: 500, jitter: 0 });
  t.same([b.next(), b.next(), b.next(), b.next(), b.next()], [100, 200, 400, 500, 500]);
  b.reset();
  t.equal(b.next(), 100);
});

t.test('jitter adds up to jitter × delay using the injected random', async (t) => {
  const b = new Backoff({ initialMs: 100, factor: 2, capMs: 1000, jitter: 0.5, random: () => 1 });
  t.same([b.next(), b.next()], [150, 300]);
  const z = new Backoff({ initialMs: 100, jitter: 0.5, random: () => 0 });
  t.equal(z.next(), 100);
});

t.test('rejects nonsense options', async (t) => {
  t.throws(() => new Backoff({ initialMs: 0 }), RangeError);
  t.throws(() => new Backoff({ factor: 0.5 }), RangeError);
  t.throws(() => new Backoff({ initialMs: 100, capMs: 10 }), RangeError);
});
