import t, { type Test } from 'tap';
import { Registry } from 'prom-client';
import { LeaderElector, type LeaderCallbacks } from '../../../../lib/leader/elector.js';
import { MemoryLease, MemoryLeaseLock } from '../../../../lib/leader/memory-lock.js';
import { FakeClock } from '../../../../lib/util/clock.js';
import { Candidate, advance, flush, seeded, skewedClock, type CandidateOptions, type TimelineEvent } from './harness.js';

const START = Date.UTC(2026, 11, 5, 9, 0, 0);
const down = () => new Error('connect ECONNREFUSED');

function setup() {
  const clock = new FakeClock(START);
  const lease = new MemoryLease('kube-system', 'kube-scheduler');
  const timeline: TimelineEvent[] = [];
  const candidate = (id: string, opts: CandidateOptions = {}) => new Candidate(id, lease, clock, timeline, opts);
  /** a leads (it came first), b stands by. */
  const leaderAndStandby = async (aOpts: CandidateOptions = {}) => {
    const a = candidate('a', aOpts).start();
    await flush();
    return { a, b: candidate('b').start() };
  };
  return { clock, lease, timeline, candidate, leaderAndStandby };
}

/** One elector 'a' on its own lease, with the given callbacks. */
function soloElector(callbacks: LeaderCallbacks) {
  const clock = new FakeClock(START);
  const lease = new MemoryLease();
  const elector = new LeaderElector({ lock: new MemoryLeaseLock(lease), identity: 'a', clock, callbacks });
  return { clock, lease, elector };
}

/** Fails the test if two candidates lead at once. */
function checkOneLeader(t: Test, candidates: Candidate[]): void {
  if (candidates.filter((c) => c.leading).length > 1) t.fail(`two leaders: ${candidates.filter((c) => c.leading).map((c) => c.id)}`);
}

/** Advances the clock (at most `limitMs`) until `next` leads, checking at every step that no two lead. */
async function untilLeads(t: Test, clock: FakeClock, next: Candidate, all: Candidate[], limitMs = 60_000): Promise<void> {
  for (let waited = 0; waited < limitMs && !next.leading; waited += 100) await advance(clock, 100, 100, () => checkOneLeader(t, all));
}

/** When `who` did `what` first, on the shared clock (Infinity if never). */
function when(timeline: TimelineEvent[], who: string, what: TimelineEvent['what']): number {
  return timeline.find((e) => e.who === who && e.what === what)?.at ?? Infinity;
}

/** Leadership intervals [start, end) per candidate from the timeline. */
function intervals(timeline: TimelineEvent[], end: number): Array<{ who: string; from: number; to: number }> {
  const open = new Map<string, number>();
  const out: Array<{ who: string; from: number; to: number }> = [];
  for (const e of timeline) {
    if (e.what === 'started') open.set(e.who, e.at);
    if (e.what === 'aborted') {
      out.push({ who: e.who, from: open.get(e.who)!, to: e.at });
      open.delete(e.who);
    }
  }
  for (const [who, from] of open) out.push({ who, from, to: end });
  return out;
}

function overlaps(iv: ReturnType<typeof intervals>): string[] {
  const found: string[] = [];
  for (const x of iv) for (const y of iv) if (x.who < y.who && x.from < y.to && y.from < x.to) found.push(`${x.who}@${x.from} overlaps ${y.who}@${y.from}`);
  return found;
}

t.test('two candidates: one leads; the other takes over only after the lease expires', async (t) => {
  const { clock, lease, timeline, leaderAndStandby } = setup();
  const { a, b } = await leaderAndStandby();
  t.ok(a.leading, 'the first candidate creates the lease and leads');
  await advance(clock, 30_000, 100, () => checkOneLeader(t, [a, b]));
  t.ok(a.leading, 'a keeps renewing');
  t.notOk(b.leading);
  t.equal(b.elector.leader, 'a', 'b knows who leads');
  t.ok(timeline.some((e) => e.who === 'b' && e.what === 'new-leader:a'), 'onNewLeader reported a to b');
  const renewals = lease.writes.filter((w) => w.record.holderIdentity === 'a').length;
  t.ok(renewals >= 14, `a renewed every retry period (${renewals} writes in 30 s)`);

  // a is cut off from the apiserver: it cannot renew.
  a.lock.faults = { failBefore: down };
  const cutAt = clock.now();
  await untilLeads(t, clock, b, [a, b]);
  t.ok(b.leading, 'b took over');
  t.notOk(a.leading);
  const aborted = when(timeline, 'a', 'aborted');
  const stopped = when(timeline, 'a', 'stopped');
  const bStarted = when(timeline, 'b', 'started');
  t.ok(aborted <= cutAt + 10_000, 'a gave up within the renew deadline of its last renewal');
  t.ok(aborted < bStarted, `a's signal aborted (${aborted - START}) before b started (${bStarted - START})`);
  t.ok(stopped < bStarted, 'and onStoppedLeading ran before b started');
  t.ok(bStarted - cutAt >= 15_000 - 2_000, 'b waited out the lease since it last saw a renewal');
  const record = lease.read()!.record;
  t.equal(record.holderIdentity, 'b');
  t.equal(record.leaseTransitions, 1);
  await Promise.all([a.stop(), b.stop()]);
});

t.test('a clean stop releases the lease and a standby takes over at once', async (t) => {
  const { clock, lease, timeline, leaderAndStandby } = setup();
  const { a, b } = await leaderAndStandby();
  await advance(clock, 5_000);
  const stoppingAt = clock.now();
  await a.stop();
  const released = lease.read()!.record;
  t.equal(released.holderIdentity, '', 'holder cleared');
  t.equal(released.leaseDurationSeconds, 1);
  t.equal(released.leaseTransitions, 0, 'a release is not a transition');
  t.ok(when(timeline, 'a', 'stopped') <= stoppingAt, 'onStoppedLeading on shutdown');
  await advance(clock, 4_400); // b's retry period with the largest jitter (2 s × 2.2)
  t.ok(b.leading, 'b leads well before a 15 s lease could have expired');
  t.equal(lease.read()!.record.leaseTransitions, 1);
  await b.stop();
});

t.test('release waits for the work to stop', async (t) => {
  let finishWork!: () => void;
  let sawAbort = false;
  const { lease, elector } = soloElector({
    onStartedLeading: (signal) =>
      new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => (sawAbort = true));
        finishWork = resolve;
      }),
  });
  const ac = new AbortController();
  const run = elector.run(ac.signal);
  await flush();
  t.ok(elector.isLeader);
  ac.abort();
  await flush();
  t.ok(sawAbort, 'the work was told to stop');
  t.equal(lease.read()!.record.holderIdentity, 'a', 'not released while the work runs');
  finishWork();
  await run;
  t.equal(lease.read()!.record.holderIdentity, '', 'released once it stopped');
});

t.test('work that never stops is not released from under it; the lease is left to expire', async (t) => {
  const { clock, lease, elector } = soloElector({ onStartedLeading: () => new Promise<void>(() => {}) });
  const ac = new AbortController();
  const run = elector.run(ac.signal);
  await flush();
  ac.abort();
  await flush();
  await advance(clock, 10_000);
  await run;
  t.equal(lease.read()!.record.holderIdentity, 'a');
});

t.test('a renewal that lands but whose answer is lost: the leader stops, the standby still waits', async (t) => {
  const { clock, lease, timeline, leaderAndStandby } = setup();
  const { a, b } = await leaderAndStandby();
  await advance(clock, 4_000);
  // From now on a's writes reach the lease slowly and a never hears back: to b, a looks alive.
  a.lock.faults = { requestDelayMs: 1_500, failAfter: (op) => (op === 'update' ? new Error('timeout awaiting response headers') : undefined) };
  await untilLeads(t, clock, b, [a, b]);
  t.ok(b.leading);
  t.ok(when(timeline, 'a', 'aborted') < when(timeline, 'b', 'started'), 'a stopped before b started');
  t.ok(lease.writes.some((w, i) => i > 2 && w.record.holderIdentity === 'a'), "some of a's later writes did land");
  await Promise.all([a.stop(), b.stop()]);
});

t.test('clock offsets between machines do not matter: expiry is judged by the observer', async (t) => {
  for (const offset of [+3_600_000, -3_600_000, +86_400_000 * 365]) {
    const { clock, lease, timeline, leaderAndStandby } = setup();
    const { a, b } = await leaderAndStandby({ clock: skewedClock(clock, offset) });
    // a's renewTime is an hour (or a year) off b's clock; b must neither jump in nor wait for it.
    await advance(clock, 20_000, 100, () => checkOneLeader(t, [a, b]));
    t.ok(a.leading && !b.leading, `offset ${offset}: b does not take a live lease`);
    a.lock.faults = { failBefore: down };
    const cutAt = clock.now();
    await untilLeads(t, clock, b, [a, b], 40_000);
    t.ok(b.leading, `offset ${offset}: b takes over a dead lease`);
    t.ok(when(timeline, 'b', 'started') - cutAt < 20_000, 'within about a lease duration');
    t.ok(when(timeline, 'a', 'aborted') < when(timeline, 'b', 'started'));
    t.equal(lease.read()!.record.leaseTransitions, 1);
    await Promise.all([a.stop(), b.stop()]);
  }
});

t.test('skewed clocks, partitions, lost answers and latency: never two leaders at once', async (t) => {
  const { clock, lease, timeline, candidate } = setup();
  const random = seeded(42);
  // Offsets of hours; rates ±10%: within what leaseDuration − renewDeadline (5 s of 15 s) absorbs.
  const machines = [
    { id: 'a', offset: 0, rate: 1 },
    { id: 'b', offset: 7_200_000, rate: 1.1 },
    { id: 'c', offset: -10_800_000, rate: 0.9 },
  ];
  const candidates = machines.map(({ id, offset, rate }) =>
    candidate(id, { clock: skewedClock(clock, offset, rate), random: seeded(id.charCodeAt(0)), rejoin: true }).start(),
  );
  // Each machine flips between healthy, partitioned, slow and answer-losing for random stretches.
  const until = new Map<string, number>();
  const totalMs = 15 * 60_000;
  let maxLeaders = 0;
  await advance(clock, totalMs, 100, () => {
    for (const c of candidates) {
      if ((until.get(c.id) ?? 0) > clock.now()) continue;
      until.set(c.id, clock.now() + 1_000 + random() * 30_000);
      const mode = random();
      c.lock.faults =
        mode < 0.5 ? {} : mode < 0.7 ? { failBefore: down } : mode < 0.85 ? { requestDelayMs: 500 + random() * 3_000 } : { failAfter: () => new Error('answer lost') };
    }
    maxLeaders = Math.max(maxLeaders, candidates.filter((c) => c.leading).length);
  });
  t.equal(maxLeaders, 1, 'at most one leader at every step');
  const iv = intervals(timeline, clock.now());
  t.same(overlaps(iv), [], 'no two leadership intervals overlap on the shared timeline');
  const holders = new Set(iv.map((x) => x.who));
  t.comment(`${iv.length} terms: ${iv.map((x) => `${x.who} ${(x.from - START) / 1000}–${(x.to - START) / 1000}s`).join(', ')}`);
  t.ok(iv.length >= 4 && holders.size >= 2, `leadership changed hands (${iv.length} terms, ${holders.size} leaders)`);
  t.equal(lease.read()!.record.leaseTransitions + 1 >= holders.size, true, 'transitions counted');
  for (const c of candidates) c.lock.faults = {};
  await Promise.all(candidates.map((c) => c.stop()));
});

t.test('leaseTransitions counts holder changes; renewals keep acquireTime and move renewTime', async (t) => {
  const { clock, lease, candidate } = setup();
  const a1 = candidate('a').start();
  await flush();
  const first = lease.read()!.record;
  t.match(first, { holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 });
  t.match(first.acquireTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, 'MicroTime');
  await advance(clock, 6_000);
  const renewed = lease.read()!.record;
  t.equal(renewed.acquireTime, first.acquireTime);
  t.not(renewed.renewTime, first.renewTime);
  t.equal(renewed.leaseTransitions, 0, 'renewals are not transitions');

  await a1.stop();
  const b = candidate('b').start();
  await flush();
  t.equal(lease.read()!.record.leaseTransitions, 1, 'a → b');
  await b.stop();
  const a2 = candidate('a').start();
  await flush();
  t.equal(lease.read()!.record.leaseTransitions, 2, 'b → a');
  await a2.stop();
});

t.test('racing creates: exactly one candidate wins, the other sees AlreadyExists and stands by', async (t) => {
  const { clock, lease, candidate } = setup();
  const a = candidate('a').start();
  const b = candidate('b').start(); // both read "no lease" before either creates it
  await flush();
  t.equal([a, b].filter((c) => c.leading).length, 1);
  await advance(clock, 10_000);
  t.equal([a, b].filter((c) => c.leading).length, 1);
  t.equal(lease.writes[0].resourceVersion, '1');
  await Promise.all([a.stop(), b.stop()]);
});

t.test('a conflict on renewal means someone else got it: the leader stops at once', async (t) => {
  const { clock, lease, timeline, candidate } = setup();
  const a = candidate('a').start();
  await flush();
  await advance(clock, 3_000);
  // Between a's read and its write, another party takes the lease.
  a.lock.faults = {
    failBefore: (op) => {
      if (op !== 'update') return undefined;
      const current = lease.read()!;
      lease.update({ ...current.record, holderIdentity: 'intruder', leaseTransitions: current.record.leaseTransitions + 1 }, current.resourceVersion);
      a.lock.faults = {};
      return undefined;
    },
  };
  const conflictAt = clock.now() + 1_000; // a's next renewal
  await advance(clock, 5_000);
  t.notOk(a.leading, 'a stopped');
  t.ok(when(timeline, 'a', 'aborted') < conflictAt + 10_000, 'well before its renew deadline');
  t.ok(timeline.some((e) => e.who === 'a' && e.what === 'new-leader:intruder'));
  t.equal(lease.read()!.record.holderIdentity, 'intruder', 'a did not release what it no longer holds');
  await a.stop();
});

t.test('leader_election_master_status follows leadership', async (t) => {
  const clock = new FakeClock(START);
  const lease = new MemoryLease();
  const registries = [new Registry(), new Registry()];
  const acs = [new AbortController(), new AbortController()];
  const electors = ['a', 'b'].map(
    (id, i) =>
      new LeaderElector({ lock: new MemoryLeaseLock(lease), identity: id, clock, registry: registries[i], name: 'kube-scheduler', random: () => 0, callbacks: { onStartedLeading: () => {} } }),
  );
  const status = async (i: number) => (await registries[i].getSingleMetric('leader_election_master_status')!.get()).values.find((v) => v.labels.name === 'kube-scheduler')?.value;
  t.equal(await status(0), 0, 'reported as standby before running');
  const runs = electors.map((e, i) => e.run(acs[i].signal));
  await flush();
  t.same([await status(0), await status(1)], [1, 0]);
  acs[0].abort();
  await runs[0];
  t.equal(await status(0), 0);
  await advance(clock, 5_000);
  t.equal(await status(1), 1);
  acs[1].abort();
  await runs[1];
});

t.test('a failing leader callback gives leadership up and releases the lease', async (t) => {
  let stopped = false;
  const { lease, elector } = soloElector({
    onStartedLeading: async () => {
      throw new Error('controller failed to start');
    },
    onStoppedLeading: () => (stopped = true),
  });
  await elector.run(new AbortController().signal);
  t.ok(stopped);
  t.notOk(elector.isLeader);
  t.equal(lease.read()!.record.holderIdentity, '');
});

t.test('an abort while campaigning returns without leading', async (t) => {
  const { clock, leaderAndStandby } = setup();
  const { a, b } = await leaderAndStandby();
  await advance(clock, 3_000);
  await b.stop();
  t.notOk(b.leading);
  t.ok(a.leading);
  await a.stop();
});

t.test('configuration is validated as client-go does', async (t) => {
  const base = { lock: new MemoryLeaseLock(), identity: 'a', callbacks: { onStartedLeading: () => {} } };
  t.throws(() => new LeaderElector({ ...base, identity: '' }), /identity/);
  t.throws(() => new LeaderElector({ ...base, leaseDurationMs: 10_000, renewDeadlineMs: 10_000 }), /leaseDuration must be greater/);
  t.throws(() => new LeaderElector({ ...base, renewDeadlineMs: 2_000, retryPeriodMs: 2_000 }), /renewDeadline/);
  t.throws(() => new LeaderElector({ ...base, leaseDurationMs: 15_500 }), /whole number of seconds/);
  const fast = new LeaderElector({ ...base, leaseDurationMs: 2_000, renewDeadlineMs: 1_500, retryPeriodMs: 500 });
  t.equal(fast.leaseDurationMs, 2_000, 'short durations for chaos tests are fine');
  await t.rejects(
    (async () => {
      const ac = new AbortController();
      const first = fast.run(ac.signal);
      try {
        await fast.run(ac.signal);
      } finally {
        ac.abort();
        await first;
      }
    })(),
    /already running/,
  );
});
