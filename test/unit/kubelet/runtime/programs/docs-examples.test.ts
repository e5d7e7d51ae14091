// The Kubernetes documentation's container commands, driven with a FakeClock: the exec liveness
// probe, the init container waiting on a Service, the emptyDir writer, a Job; PID-1 TERM semantics
// and kills. Time only moves when the test advances it.
import { existsSync, readFileSync } from 'node:fs';
import t from 'tap';
import { FakeClock } from '../../../../../lib/util/clock.js';
import { waitFor } from '../../../../../lib/util/wait.js';
import { testProcess, type TestProcess } from '../../../../helpers/mock-process.js';

/** Starts the process and remembers when it has ended. */
function start(proc: TestProcess): { status: Promise<number>; done(): boolean } {
  let ended = false;
  const status = proc.run().finally(() => (ended = true));
  return { status, done: () => ended };
}

/** Waits until the script sleeps on the fake clock (exactly one timer armed). */
const sleeping = (clock: FakeClock) => waitFor(() => clock.pending() === 1, { description: 'a timer on the fake clock' });

/** A few turns of the event loop, for asserting that something did NOT happen. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

t.test('exec liveness probe example: /tmp/healthy exists for 30 s, then is gone', async (t) => {
  const clock = new FakeClock(Date.UTC(2026, 11, 5, 12, 0, 0));
  const proc = testProcess({ argv: ['/bin/sh', '-c', 'touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600'], clock, pid1: true });
  t.teardown(() => proc.cleanup());
  const probe = async () => {
    const exec = testProcess({ argv: ['cat', '/tmp/healthy'], root: proc.root, clock });
    const status = await exec.run();
    exec.cleanup();
    return status;
  };
  const run = start(proc);
  await sleeping(clock);
  t.ok(existsSync(proc.hostPath('/tmp/healthy')), 'file created');
  t.equal(await probe(), 0, 'cat /tmp/healthy succeeds');
  clock.advance(29_999);
  t.ok(existsSync(proc.hostPath('/tmp/healthy')), 'still there just before 30 s');
  clock.advance(1);
  await waitFor(() => !existsSync(proc.hostPath('/tmp/healthy')) && clock.pending() === 1, { description: 'file removed, sleeping 600' });
  t.equal(await probe(), 1, 'cat /tmp/healthy fails once removed');
  t.notOk(run.done(), 'container still running');
  proc.kill();
  t.equal(await run.status, 137, 'killed: 128+9');
  t.equal(clock.pending(), 0, 'no timer left behind');
});

t.test('init container: until nslookup myservice… succeeds it waits, printing', async (t) => {
  const clock = new FakeClock();
  let ready = false;
  const proc = testProcess({
    argv: ['sh', '-c', 'until nslookup myservice.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local; do echo waiting for myservice; sleep 2; done'],
    clock,
    files: { '/var/run/secrets/kubernetes.io/serviceaccount/namespace': 'default', '/etc/resolv.conf': 'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 127.96.0.10\noptions ndots:5\n' },
    resolveHost: async (name) => {
      if (ready && name === 'myservice.default.svc.cluster.local') return ['127.96.40.2'];
      throw Object.assign(new Error(`queryA ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    },
  });
  t.teardown(() => proc.cleanup());
  const run = start(proc);
  await sleeping(clock);
  clock.advance(2000);
  await sleeping(clock);
  const failure = 'Server:\t\t127.96.0.10\nAddress:\t127.96.0.10:53\n\n** server can\'t find myservice.default.svc.cluster.local: NXDOMAIN\n\nwaiting for myservice\n';
  t.equal(proc.stdout(), failure + failure, 'two failed lookups, two waits');
  ready = true;
  clock.advance(2000);
  t.equal(await run.status, 0, 'init container completes');
  t.equal(proc.stdout(), failure + failure + 'Server:\t\t127.96.0.10\nAddress:\t127.96.0.10:53\n\nName:\tmyservice.default.svc.cluster.local\nAddress: 127.96.40.2\n\n');
  t.equal(clock.pending(), 0);
});

t.test('shared emptyDir writer: while true; do date >> /html/index.html; sleep 1; done', async (t) => {
  const clock = new FakeClock(Date.UTC(2026, 11, 5, 12, 0, 0));
  const proc = testProcess({ argv: ['/bin/sh', '-c', 'while true; do date >> /html/index.html; sleep 1; done'], clock, files: { '/html/.keep': '' } });
  t.teardown(() => proc.cleanup());
  const run = start(proc);
  for (let i = 0; i < 3; i++) {
    await sleeping(clock);
    clock.advance(1000);
  }
  await waitFor(() => readFileSync(proc.hostPath('/html/index.html'), 'utf8').split('\n').length === 5);
  t.equal(readFileSync(proc.hostPath('/html/index.html'), 'utf8'), ['Sat Dec  5 12:00:00 UTC 2026', 'Sat Dec  5 12:00:01 UTC 2026', 'Sat Dec  5 12:00:02 UTC 2026', 'Sat Dec  5 12:00:03 UTC 2026', ''].join('\n'));
  proc.kill();
  t.equal(await run.status, 137);
  t.equal(clock.pending(), 0);
});

t.test('Job: echo hello; sleep 1; echo done', async (t) => {
  const clock = new FakeClock();
  const proc = testProcess({ argv: ['/bin/sh', '-c', 'echo hello; sleep 1; echo done'], clock });
  t.teardown(() => proc.cleanup());
  const run = start(proc);
  await sleeping(clock);
  t.equal(proc.stdout(), 'hello\n', 'first line before the sleep');
  clock.advance(999);
  await settle();
  t.notOk(run.done(), 'still sleeping at 999 ms');
  clock.advance(1);
  t.equal(await run.status, 0);
  t.equal(proc.stdout(), 'hello\ndone\n');
});

t.test('PID 1 ignores TERM without a trap: sh -c "sleep 3600" runs until killed', async (t) => {
  const clock = new FakeClock();
  const proc = testProcess({ argv: ['/bin/sh', '-c', 'sleep 3600'], clock, pid1: true });
  t.teardown(() => proc.cleanup());
  const run = start(proc);
  await sleeping(clock);
  proc.signal('TERM');
  await settle();
  t.notOk(run.done(), 'TERM ignored');
  t.equal(clock.pending(), 1, 'still sleeping');
  proc.kill();
  t.equal(await run.status, 137, 'the grace period ends it with KILL');
  t.equal(clock.pending(), 0);
});

t.test('a process that is not PID 1 ends on TERM with 143', async (t) => {
  const clock = new FakeClock();
  const proc = testProcess({ argv: ['/bin/sh', '-c', 'sleep 3600'], clock, pid1: false });
  t.teardown(() => proc.cleanup());
  const run = start(proc);
  await sleeping(clock);
  proc.signal('TERM');
  t.equal(await run.status, 143);
  t.equal(clock.pending(), 0);
});

t.test("trap 'exit 0' TERM: PID 1 exits at once, the running sleep aborted", async (t) => {
  const clock = new FakeClock();
  const proc = testProcess({ argv: ['/bin/sh', '-c', "trap 'echo got TERM; exit 0' TERM; echo started; while true; do sleep 3600; done"], clock, pid1: true });
  t.teardown(() => proc.cleanup());
  const run = start(proc);
  await sleeping(clock);
  proc.signal('TERM');
  t.equal(await run.status, 0);
  t.equal(proc.stdout(), 'started\ngot TERM\n');
  t.equal(clock.pending(), 0, 'sleep timer cleared');
});

t.test('a trap that does not exit lets the script go on', async (t) => {
  const clock = new FakeClock();
  const proc = testProcess({ argv: ['/bin/sh', '-c', "trap 'echo caught' TERM; sleep 100; echo after $?"], clock, pid1: true });
  t.teardown(() => proc.cleanup());
  const run = start(proc);
  await sleeping(clock);
  proc.signal('TERM');
  t.equal(await run.status, 0);
  t.equal(proc.stdout(), 'caught\nafter 143\n');
});

t.test('trap - TERM restores the default: ignored again by PID 1', async (t) => {
  const clock = new FakeClock();
  const proc = testProcess({ argv: ['/bin/sh', '-c', "trap 'exit 0' TERM; trap - TERM; sleep 3600"], clock, pid1: true });
  t.teardown(() => proc.cleanup());
  const run = start(proc);
  await sleeping(clock);
  proc.signal('TERM');
  await settle();
  t.notOk(run.done(), 'TERM ignored after trap -');
  proc.kill();
  t.equal(await run.status, 137);
});

t.test('kill aborts sleep, pipelines and busy loops at once, leaving no timers', async (t) => {
  for (const script of ['sleep 600', 'sleep infinity', 'yes | cat > /dev/null', 'while true; do :; done', 'sleep 5 | sleep 10', '(sleep 100) & wait']) {
    const clock = new FakeClock();
    const proc = testProcess({ argv: ['sh', '-c', script], clock });
    const run = start(proc);
    await settle();
    proc.kill();
    t.equal(await run.status, 137, script);
    t.equal(clock.pending(), 0, `${script}: no timers`);
    proc.cleanup();
  }
});

t.test('sleep sums its operands and units on the clock', async (t) => {
  const clock = new FakeClock();
  const proc = testProcess({ argv: ['sleep', '1m', '0.5'], clock });
  t.teardown(() => proc.cleanup());
  const run = start(proc);
  await sleeping(clock);
  t.equal(clock.nextTimerAt(), 60_500);
  clock.advance(60_500);
  t.equal(await run.status, 0);
  const bad = testProcess({ argv: ['sleep', 'abc'], clock });
  t.equal(await bad.run(), 1);
  t.equal(bad.stderr(), "sleep: invalid number 'abc'\n");
  bad.cleanup();
});
