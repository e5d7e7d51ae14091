import t from 'tap';
import { Harness, makePod } from '../pod/harness.js';

async function exitAndRelist(h: Harness, uid: string, name: string, code: number): Promise<void> {
  const c = h.runtime.running(uid, name);
  if (!c) throw new Error(`${name} is not running`);
  h.runtime.exit(c.status.id, code);
  await h.kubelet.pleg.relist();
  await h.settle();
}

t.test('CrashLoopBackOff: restarts at once, then after 10 s, 20 s, 40 s; waiting reason and message', async (t) => {
  const h = new Harness();
  const pod = makePod({});
  const uid = pod.metadata!.uid!;
  const full = `${pod.metadata!.name}_default(${uid})`;
  h.kubelet.handlePodUpdate(pod);
  await h.settle();
  await h.kubelet.pleg.relist();

  await exitAndRelist(h, uid, 'web', 1);
  t.ok(h.runtime.running(uid, 'web'), 'the first restart is immediate');
  t.equal(h.containerState(pod, 'web')!.restartCount, 1);
  t.equal(h.containerState(pod, 'web')!.lastState!.terminated!.exitCode, 1);
  t.equal(h.containerState(pod, 'web')!.lastState!.terminated!.reason, 'Error');

  for (const [delay, label] of [[10_000, '10s'], [20_000, '20s'], [40_000, '40s']] as const) {
    await exitAndRelist(h, uid, 'web', 1);
    t.notOk(h.runtime.running(uid, 'web'), `in back-off after the exit (${label})`);
    const st = h.containerState(pod, 'web')!;
    t.equal(st.state!.waiting!.reason, 'CrashLoopBackOff');
    t.equal(st.state!.waiting!.message, `back-off ${label} restarting failed container=web pod=${full}`);
    t.equal(st.lastState!.terminated!.exitCode, 1, 'the exit is in lastState');
    t.equal(h.status(pod).phase, 'Running', 'a crash-looping restartPolicy Always pod stays Running');
    const backoff = h.events.filter((e) => e.reason === 'BackOff').at(-1)!;
    t.equal(backoff.message, `Back-off restarting failed container web in pod ${full}`);
    t.equal(backoff.type, 'Warning');
    await h.advance(delay - 1);
    t.notOk(h.runtime.running(uid, 'web'), `not restarted before ${label}`);
    await h.advance(1);
    t.ok(h.runtime.running(uid, 'web'), `restarted once ${label} passed`);
  }
  t.equal(h.containerState(pod, 'web')!.restartCount, 4);
  t.equal(h.runtime.byName(uid, 'web').length, 3, 'only the running container and the two newest exited ones are kept');
  t.equal(h.runtime.running(uid, 'web')!.config.logPath, 'web/4.log');
  h.kubelet.workers.stop();
});

t.test('restartPolicy Never: exit 0 → Succeeded, sandbox stopped, containers kept for logs', async (t) => {
  const h = new Harness();
  const pod = makePod({ restartPolicy: 'Never' });
  const uid = pod.metadata!.uid!;
  h.kubelet.handlePodUpdate(pod);
  await h.settle();
  await exitAndRelist(h, uid, 'web', 0);
  const s = h.status(pod);
  t.equal(s.phase, 'Succeeded');
  t.equal(s.containerStatuses![0]!.state!.terminated!.reason, 'Completed');
  t.equal(s.conditions!.find((c) => c.type === 'Ready')!.reason, 'PodCompleted');
  t.equal(h.kubelet.workers.state(uid), 'terminated');
  t.same([...h.runtime.sandboxes.values()].map((x) => x.state), ['SANDBOX_NOTREADY']);
  t.equal(h.runtime.byName(uid, 'web').length, 1, 'the exited container stays for kubectl logs');
  t.equal(h.deletes.length, 0, 'a finished pod stays in the API');
  t.same(h.kubelet.runningPods(), [], 'a finished pod no longer counts against the node');
  h.kubelet.workers.stop();
});

t.test('restartPolicy Never: exit 1 → Failed', async (t) => {
  const h = new Harness();
  const pod = makePod({ restartPolicy: 'Never' });
  h.kubelet.handlePodUpdate(pod);
  await h.settle();
  await exitAndRelist(h, pod.metadata!.uid!, 'web', 1);
  t.equal(h.status(pod).phase, 'Failed');
  t.equal(h.containerState(pod, 'web')!.state!.terminated!.exitCode, 1);
  h.kubelet.workers.stop();
});

t.test('restartPolicy OnFailure: exit 1 restarts, exit 0 → Succeeded', async (t) => {
  const h = new Harness();
  const pod = makePod({ restartPolicy: 'OnFailure' });
  const uid = pod.metadata!.uid!;
  h.kubelet.handlePodUpdate(pod);
  await h.settle();
  await exitAndRelist(h, uid, 'web', 1);
  t.ok(h.runtime.running(uid, 'web'), 'restarted after a failure');
  t.equal(h.status(pod).phase, 'Running');
  await exitAndRelist(h, uid, 'web', 0);
  t.equal(h.status(pod).phase, 'Succeeded');
  t.notOk(h.runtime.running(uid, 'web'));
  h.kubelet.workers.stop();
});

t.test('liveness failure kills the container with the real message and restarts it', async (t) => {
  const h = new Harness();
  const pod = makePod({});
  const uid = pod.metadata!.uid!;
  h.kubelet.handlePodUpdate(pod);
  await h.settle();
  const first = h.runtime.running(uid, 'web')!.status.id;
  h.probes.emit({ podUID: uid, containerName: 'web', containerID: first, type: 'liveness', result: 'failure' });
  await h.settle();
  const killing = h.events.find((e) => e.reason === 'Killing')!;
  t.equal(killing.message, 'Container web failed liveness probe, will be restarted');
  const now = h.runtime.running(uid, 'web');
  t.ok(now, 'running again');
  t.not(now!.status.id, first, 'as a new container');
  t.equal(h.containerState(pod, 'web')!.restartCount, 1);
  t.equal(h.containerState(pod, 'web')!.lastState!.terminated!.exitCode, 137);
  h.kubelet.workers.stop();
});

t.test('a changed container spec kills and recreates the container', async (t) => {
  const h = new Harness();
  const pod = makePod({});
  const uid = pod.metadata!.uid!;
  h.kubelet.handlePodUpdate(pod);
  await h.settle();
  const first = h.runtime.running(uid, 'web')!.status.id;
  h.kubelet.handlePodUpdate({ ...pod, spec: { ...pod.spec!, containers: [{ name: 'web', image: 'nginx:1.28' }] } });
  await h.settle();
  t.equal(h.events.find((e) => e.reason === 'Killing')!.message, 'Container web definition changed, will be restarted');
  t.not(h.runtime.running(uid, 'web')!.status.id, first);
  t.equal(h.runtime.running(uid, 'web')!.config.image.image, 'nginx:1.28');
  h.kubelet.workers.stop();
});

t.test('postStart failure: FailedPostStartHook, the container is killed and restarted with backoff', async (t) => {
  const h = new Harness();
  h.lifecycle.failPostStart = true;
  const pod = makePod({ containers: [{ name: 'web', image: 'nginx:1.27', lifecycle: { postStart: { exec: { command: ['false'] } } } }] });
  h.kubelet.handlePodUpdate(pod);
  await h.settle();
  t.ok(h.reasons().includes('FailedPostStartHook'));
  t.equal(h.events.find((e) => e.reason === 'Killing')!.message, 'FailedPostStartHook');
  t.notOk(h.runtime.running(pod.metadata!.uid!, 'web'));
  t.equal(h.containerState(pod, 'web')!.state!.waiting!.reason, 'PostStartHookError');
  h.kubelet.workers.stop();
});
