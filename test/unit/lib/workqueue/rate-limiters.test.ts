import t from 'tap';
import { FakeClock } from '../../../../lib/util/clock.js';
import {
  BucketRateLimiter,
  ItemExponentialRateLimiter,
  ItemFastSlowRateLimiter,
  MaxOfRateLimiter,
  defaultControllerRateLimiter,
} from '../../../../lib/workqueue/rate-limiters.js';

t.test('exponential backoff doubles per failure from 5 ms, caps at 1000 s, and forget resets', async (t) => {
  const rl = new ItemExponentialRateLimiter();
  const delays = Array.from({ length: 5 }, () => rl.when('a'));
  t.same(delays, [5, 10, 20, 40, 80]);
  t.equal(rl.numRequeues('a'), 5);
  t.equal(rl.when('b'), 5, 'keys back off independently');
  for (let i = 0; i < 100; i++) rl.when('a');
  t.equal(rl.when('a'), 1_000_000, 'capped at 1000 s');
  rl.forget('a');
  t.equal(rl.numRequeues('a'), 0);
  t.equal(rl.when('a'), 5);
});

t.test('exponential backoff is configurable and validated', async (t) => {
  const rl = new ItemExponentialRateLimiter({ baseDelayMs: 100, maxDelayMs: 300 });
  t.same([rl.when('k'), rl.when('k'), rl.when('k'), rl.when('k')], [100, 200, 300, 300]);
  t.throws(() => new ItemExponentialRateLimiter({ baseDelayMs: 0 }), RangeError);
  t.throws(() => new ItemExponentialRateLimiter({ baseDelayMs: 10, maxDelayMs: 5 }), RangeError);
});

t.test('fast-slow limiter switches after maxFastAttempts', async (t) => {
  const rl = new ItemFastSlowRateLimiter({ fastDelayMs: 1, slowDelayMs: 100, maxFastAttempts: 2 });
  t.same([rl.when('k'), rl.when('k'), rl.when('k')], [1, 1, 100]);
  rl.forget('k');
  t.equal(rl.when('k'), 1);
});

t.test('bucket limiter: burst free, then paced at qps across all keys, refilled by the clock', async (t) => {
  const clock = new FakeClock();
  const rl = new BucketRateLimiter({ qps: 10, burst: 3, clock });
  t.same([rl.when('a'), rl.when('b'), rl.when('c')], [0, 0, 0], 'the burst is free');
  t.equal(rl.when('a'), 100, 'the 4th waits one token (100 ms at 10 qps)');
  t.equal(rl.when('d'), 200, 'reservations queue up, whatever the key');
  t.equal(rl.numRequeues('a'), 0, 'no per-key memory');
  clock.advance(10_000);
  t.same([rl.when('a'), rl.when('a'), rl.when('a'), rl.when('a')], [0, 0, 0, 100], 'refill stops at burst');
});

t.test('max-of takes the slowest and forwards forget to all', async (t) => {
  const clock = new FakeClock();
  const rl = new MaxOfRateLimiter(new ItemExponentialRateLimiter({ baseDelayMs: 1 }), new BucketRateLimiter({ qps: 1, burst: 2, clock }));
  t.equal(rl.when('a'), 1, 'bucket has tokens; exponential says 1 ms');
  t.equal(rl.when('a'), 2);
  t.equal(rl.when('b'), 1_000, 'bucket is empty: 1 s wins over 1 ms');
  t.equal(rl.numRequeues('a'), 2);
  rl.forget('a');
  t.equal(rl.numRequeues('a'), 0);
  t.throws(() => new MaxOfRateLimiter(), RangeError);
});

t.test('the default controller limiter is exponential 5 ms plus 10 qps / burst 100', async (t) => {
  const clock = new FakeClock();
  const rl = defaultControllerRateLimiter({ clock });
  const first100 = Array.from({ length: 100 }, (_, i) => rl.when(`key-${i}`));
  t.ok(first100.every((d) => d === 5), 'within the burst every new key waits 5 ms');
  t.equal(rl.when('key-100'), 100, 'past the burst the bucket paces at 10 qps');
  t.equal(rl.numRequeues('key-0'), 1);
});
