import t from 'tap';
import { FakeClock } from '../../../../lib/util/clock.js';
import { ItemExponentialRateLimiter } from '../../../../lib/workqueue/rate-limiters.js';
import { RateLimitingQueue } from '../../../../lib/workqueue/rate-limiting-queue.js';

t.test('addRateLimited delays by growing backoff; forget resets it', async (t) => {
  const clock = new FakeClock();
  const q = new RateLimitingQueue({ clock, rateLimiter: new ItemExponentialRateLimiter({ baseDelayMs: 10 }) });
  const arrivals: number[] = [];
  for (let attempt = 0; attempt < 4; attempt++) {
    const start = clock.now();
    q.addRateLimited('k');
    for (let i = 0; i < 1_000 && q.len() === 0; i++) clock.advance(1);
    arrivals.push(clock.now() - start);
    const k = (await q.get())!;
    q.done(k);
  }
  t.same(arrivals, [10, 20, 40, 80]);
  t.equal(q.numRequeues('k'), 4);
  q.forget('k');
  t.equal(q.numRequeues('k'), 0);
  q.addRateLimited('k');
  clock.advance(10);
  t.equal(q.len(), 1, 'back to the base delay');
});

t.test('the default limiter is on the queue clock', async (t) => {
  const clock = new FakeClock();
  const q = new RateLimitingQueue({ clock });
  q.addRateLimited('k');
  clock.advance(4);
  t.equal(q.len(), 0);
  clock.advance(1);
  t.equal(q.len(), 1, 'first retry after 5 ms');
});
