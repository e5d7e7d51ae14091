import t from 'tap';
import { setImmediate as flush } from 'node:timers/promises';
import { FakeClock } from '../../../lib/util/clock.js';
import { runOpenLoop, type OpenLoopOptions, type OpenLoopResult } from '../../../bench/lib/open-loop.js';

/** Drives an open loop on a fake clock, 1 ms per step, until it finishes (bounded). */
async function drive(clock: FakeClock, opts: Omit<OpenLoopOptions, 'now' | 'sleep'>): Promise<OpenLoopResult> {
  let result: OpenLoopResult | undefined;
  let failure: unknown;
  runOpenLoop({ ...opts, now: () => clock.now(), sleep: (ms) => clock.sleep(ms) }).then(
    (r) => (result = r),
    (e: unknown) => (failure = e),
  );
  for (let step = 0; step < 20_000 && result === undefined && failure === undefined; step++) {
    await flush();
    clock.advance(1);
  }
  await flush();
  if (failure !== undefined) throw failure;
  if (result === undefined) throw new Error('open loop did not finish within 20000 fake ms');
  return result;
}

t.test('requests start on schedule, whatever the earlier ones are doing', async (t) => {
  const clock = new FakeClock();
  const starts: number[] = [];
  // 100/s for 100 ms: 10 requests, one every 10 ms; each takes 35 ms, so several overlap.
  const r = await drive(clock, {
    ratePerSec: 100,
    durationMs: 100,
    op: async () => {
      starts.push(clock.now());
      await clock.sleep(35);
    },
  });
  t.same(starts, [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
  t.equal(r.scheduled, 10);
  t.equal(r.ok, 10);
  t.equal(r.errors, 0);
  t.equal(r.p50Ms, 35);
  t.equal(r.p99Ms, 35);
  t.equal(r.maxMs, 35);
  t.equal(r.sendLagP99Ms, 0);
  t.equal(r.completedPerSec, 10 / 0.125, '10 completions from t=0 to t=125');
});

t.test('latency counts from the scheduled start, so a stalled server is not hidden', async (t) => {
  const clock = new FakeClock();
  let blockedUntil = 0;
  // Request 0 stalls everything for 50 ms: later requests queue behind it (one at a time).
  const r = await drive(clock, {
    ratePerSec: 100,
    durationMs: 50,
    op: async (seq) => {
      if (seq === 0) blockedUntil = 50;
      const wait = Math.max(blockedUntil - clock.now(), 0) + 1;
      await clock.sleep(wait);
    },
  });
  // Requests 0..4 scheduled at 0,10,..,40 all finish at 51 (the stall) → 51, 41, 31, 21, 11 ms.
  t.equal(r.maxMs, 51);
  t.equal(r.p50Ms, 31);
});

t.test('failures are counted with the first message, not timed', async (t) => {
  const clock = new FakeClock();
  const r = await drive(clock, {
    ratePerSec: 1000,
    durationMs: 10,
    op: async (seq) => {
      await clock.sleep(1);
      if (seq % 5 === 2) throw new Error(`bad ${seq}`);
    },
  });
  t.equal(r.scheduled, 10);
  t.equal(r.errors, 2);
  t.equal(r.ok, 8);
  t.equal(r.firstError, 'bad 2');
});

t.test('a synchronous throw counts as a failed request', async (t) => {
  const clock = new FakeClock();
  const r = await drive(clock, {
    ratePerSec: 1000,
    durationMs: 2,
    op: () => {
      throw new Error('sync');
    },
  });
  t.equal(r.errors, 2);
  t.equal(r.ok, 0);
  t.ok(Number.isNaN(r.maxMs));
  t.equal(r.completedPerSec, 0);
});

t.test('bad settings are refused', async (t) => {
  await t.rejects(runOpenLoop({ ratePerSec: 0, durationMs: 10, op: async () => undefined }), RangeError);
  await t.rejects(runOpenLoop({ ratePerSec: 10, durationMs: Number.NaN, op: async () => undefined }), RangeError);
});
