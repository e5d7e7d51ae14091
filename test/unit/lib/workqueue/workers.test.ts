import t from 'tap';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { FakeClock } from '../../../../lib/util/clock.js';
import { ItemExponentialRateLimiter } from '../../../../lib/workqueue/rate-limiters.js';
import { RateLimitingQueue } from '../../../../lib/workqueue/rate-limiting-queue.js';
import { runWorkers } from '../../../../lib/workqueue/workers.js';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk)));
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

t.test('workers reconcile keys, requeue failures with backoff, forget on success', async (t) => {
  const clock = new FakeClock();
  const q = new RateLimitingQueue({ clock, rateLimiter: new ItemExponentialRateLimiter({ baseDelayMs: 100 }) });
  const { logger, lines } = capturingLogger();
  const ac = new AbortController();
  const attempts = new Map<string, number>();
  const run = runWorkers(
    q,
    2,
    async (key) => {
      const n = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, n);
      if (key === 'flaky' && n < 3) throw new Error(`attempt ${n} failed`);
    },
    { signal: ac.signal, logger },
  );
  q.add('ok');
  q.add('flaky');
  await flush();
  t.equal(attempts.get('ok'), 1);
  t.equal(attempts.get('flaky'), 1);
  t.equal(q.numRequeues('flaky'), 1, 'the failure was rate-limited');
  t.equal(q.numRequeues('ok'), 0);
  clock.advance(100);
  await flush();
  t.equal(attempts.get('flaky'), 2, 'retried after 100 ms');
  clock.advance(199);
  await flush();
  t.equal(attempts.get('flaky'), 2, 'the second retry waits 200 ms');
  clock.advance(1);
  await flush();
  t.equal(attempts.get('flaky'), 3);
  t.equal(q.numRequeues('flaky'), 0, 'the success forgot the failures');
  t.equal(lines.filter((l) => l.key === 'flaky').length, 2, 'each failure logged with its key');
  ac.abort();
  await run;
  t.ok(q.shuttingDown);
});

t.test('one key is never reconciled by two workers at once', async (t) => {
  const q = new RateLimitingQueue({ clock: new FakeClock() });
  const ac = new AbortController();
  let running = 0;
  let maxRunning = 0;
  let calls = 0;
  const release: Array<() => void> = [];
  const run = runWorkers(
    q,
    4,
    async () => {
      calls++;
      maxRunning = Math.max(maxRunning, ++running);
      await new Promise<void>((resolve) => release.push(resolve));
      running--;
    },
    { signal: ac.signal, logger: pino({ level: 'silent' }) },
  );
  q.add('k');
  await flush();
  q.add('k');
  q.add('k');
  await flush();
  t.equal(calls, 1, 'the re-adds wait for the running reconcile');
  release.shift()!();
  await flush();
  t.equal(calls, 2, 'then run once more');
  release.shift()!();
  await flush();
  t.equal(maxRunning, 1);
  ac.abort();
  await run;
});

t.test('abort stops the loops after the key in hand; queued keys are left alone', async (t) => {
  const q = new RateLimitingQueue({ clock: new FakeClock() });
  const ac = new AbortController();
  const seen: string[] = [];
  let finishFirst!: () => void;
  const run = runWorkers(
    q,
    1,
    async (key, signal) => {
      seen.push(key);
      if (key === 'first') await new Promise<void>((resolve) => (finishFirst = resolve));
      t.notOk(signal.aborted && key !== 'first', 'nothing starts after the abort');
    },
    { signal: ac.signal, logger: pino({ level: 'silent' }) },
  );
  q.add('first');
  q.add('second');
  await flush();
  let stopped = false;
  void run.then(() => (stopped = true));
  ac.abort();
  await flush();
  t.notOk(stopped, 'runWorkers waits for the reconcile in progress');
  finishFirst();
  await run;
  t.same(seen, ['first']);
});

t.test('a reconcile that throws because of the abort is neither requeued nor logged', async (t) => {
  const q = new RateLimitingQueue({ clock: new FakeClock() });
  const ac = new AbortController();
  const { logger, lines } = capturingLogger();
  const run = runWorkers(
    q,
    1,
    (_key, signal) =>
      new Promise<void>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })),
    { signal: ac.signal, logger },
  );
  q.add('k');
  await flush();
  ac.abort();
  await run;
  t.equal(q.numRequeues('k'), 0);
  t.same(lines, []);
});

t.test('an already-aborted signal returns at once; bad worker counts are refused', async (t) => {
  const q = new RateLimitingQueue({ clock: new FakeClock() });
  await runWorkers(q, 1, () => void t.fail('no reconcile'), { signal: AbortSignal.abort(), logger: pino({ level: 'silent' }) });
  t.ok(q.shuttingDown);
  await t.rejects(runWorkers(q, 0, () => {}, { signal: AbortSignal.abort(), logger: pino({ level: 'silent' }) }), RangeError);
});
