import t from 'tap';
import { setImmediate as flush } from 'node:timers/promises';
import { FakeClock } from '../../../lib/util/clock.js';
import { runClosedLoop, type ClosedLoopOptions, type ClosedLoopResult } from '../../../bench/lib/load.js';

/** Drives a closed loop on a fake clock, 1 ms per step, until it finishes (bounded). */
async function drive(clock: FakeClock, opts: ClosedLoopOptions): Promise<ClosedLoopResult> {
  let result: ClosedLoopResult | undefined;
  let failure: unknown;
  runClosedLoop({ ...opts, now: () => clock.now() }).then(
    (r) => (result = r),
    (e: unknown) => (failure = e),
  );
  for (let step = 0; step < 10_000 && result === undefined && failure === undefined; step++) {
    await flush();
    clock.advance(1);
  }
  await flush();
  if (failure !== undefined) throw failure;
  if (result === undefined) throw new Error('closed loop did not finish within 10000 fake ms');
  return result;
}

t.test('counts only completions inside the window', async (t) => {
  const clock = new FakeClock();
  const r = await drive(clock, { concurrency: 2, warmupMs: 10, durationMs: 100, op: () => clock.sleep(2) });
  // Each worker completes at 2, 4, …; completions at 10..110 count: 51 per worker.
  t.equal(r.ops, 102);
  t.equal(r.errors, 0);
  t.equal(r.windowSeconds, 0.1);
  t.equal(r.opsPerSec, 1020);
  t.equal(r.p50Ms, 2);
  t.equal(r.p99Ms, 2);
  t.notOk('firstError' in r);
});

t.test('latency percentiles see the slow requests', async (t) => {
  const clock = new FakeClock();
  // Every 10th request of the single worker is slow.
  const r = await drive(clock, { concurrency: 1, warmupMs: 0, durationMs: 1000, op: (_w, seq) => clock.sleep(seq % 10 === 9 ? 10 : 1) });
  t.equal(r.p50Ms, 1);
  t.equal(r.p99Ms, 10);
  t.ok(r.ops > 0 && r.ops < 1000, `ops ${r.ops}`);
});

t.test('failed requests are counted, not timed', async (t) => {
  const clock = new FakeClock();
  const r = await drive(clock, {
    concurrency: 1,
    warmupMs: 0,
    durationMs: 20,
    op: async (_w, seq) => {
      await clock.sleep(1);
      if (seq % 2 === 1) throw new Error(`boom ${seq}`);
    },
  });
  t.equal(r.ops, 10);
  t.equal(r.errors, 10);
  t.equal(r.firstError, 'boom 1');
});

t.test('bad options are rejected with a clear error', async (t) => {
  const op = async () => undefined;
  await t.rejects(runClosedLoop({ concurrency: 0, warmupMs: 0, durationMs: 1, op }), /concurrency/);
  await t.rejects(runClosedLoop({ concurrency: 1.5, warmupMs: 0, durationMs: 1, op }), /concurrency/);
  await t.rejects(runClosedLoop({ concurrency: 1, warmupMs: -1, durationMs: 1, op }), /warmupMs/);
  await t.rejects(runClosedLoop({ concurrency: 1, warmupMs: 0, durationMs: 0, op }), /durationMs/);
});
