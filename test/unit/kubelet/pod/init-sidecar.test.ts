import t from 'tap';
import { Harness, makePod } from './harness.js';

function startOrder(h: Harness): string[] {
  return h.runtime.calls.filter((c) => c.startsWith('startContainer')).map((c) => c.slice('startContainer '.length));
}

t.test('init containers run strictly in order; regular containers wait; Init:0/2 comes from the statuses', async (t) => {
  const h = new Harness();
  const pod = makePod({ initContainers: [{ name: 'init-a', image: 'busybox:1.36' }, { name: 'init-b', image: 'busybox:1.36' }] });
  const uid = pod.metadata!.uid!;
  h.kubelet.handlePodUpdate(pod);
  await h.settle();
  t.same(startOrder(h), ['init-a']);
  let s = h.status(pod);
  t.equal(s.phase, 'Pending');
  t.ok(s.initContainerStatuses![0]!.state!.running, 'init-a runs');
  t.equal(s.initContainerStatuses![1]!.state!.waiting!.reason, 'PodInitializing');
  t.equal(s.containerStatuses![0]!.state!.waiting!.reason, 'PodInitializing');
  const init = s.conditions!.find((c) => c.type === 'Initialized')!;
  t.equal(init.status, 'False');
  t.equal(init.reason, 'ContainersNotInitialized');
  t.equal(init.message, 'containers with incomplete status: [init-a init-b]');

  h.runtime.exit(h.runtime.running(uid, 'init-a')!.status.id, 0);
  await h.kubelet.pleg.relist();
  await h.settle();
  t.same(startOrder(h), ['init-a', 'init-b']);
  s = h.status(pod);
  t.equal(s.initContainerStatuses![0]!.state!.terminated!.reason, 'Completed');
  t.equal(s.initContainerStatuses![0]!.ready, true, 'a completed init container reports ready');
  t.equal(s.conditions!.find((c) => c.type === 'Initialized')!.message, 'containers with incomplete status: [init-b]');

  h.runtime.exit(h.runtime.running(uid, 'init-b')!.status.id, 0);
  await h.kubelet.pleg.relist();
  await h.settle();
  t.same(startOrder(h), ['init-a', 'init-b', 'web']);
  s = h.status(pod);
  t.equal(s.phase, 'Running');
  t.equal(s.conditions!.find((c) => c.type === 'Initialized')!.status, 'True');
  h.kubelet.workers.stop();
});

t.test('a failing init container is restarted with backoff (restartPolicy Always) and fails the pod with Never', async (t) => {
  const h = new Harness();
  const pod = makePod({ initContainers: [{ name: 'init', image: 'busybox:1.36' }] });
  const uid = pod.metadata!.uid!;
  h.kubelet.handlePodUpdate(pod);
  await h.settle();
  h.runtime.exit(h.runtime.running(uid, 'init')!.status.id, 1);
  await h.kubelet.pleg.relist();
  await h.settle();
  t.ok(h.runtime.running(uid, 'init'), 'restarted at once the first time');
  h.runtime.exit(h.runtime.running(uid, 'init')!.status.id, 1);
  await h.kubelet.pleg.relist();
  await h.settle();
  t.equal(h.containerState(pod, 'init')!.state!.waiting!.reason, 'CrashLoopBackOff');
  t.equal(h.status(pod).phase, 'Pending');
  t.same(startOrder(h), ['init', 'init'], 'web never started');

  const never = makePod({ restartPolicy: 'Never', initContainers: [{ name: 'init', image: 'busybox:1.36' }] });
  h.kubelet.handlePodUpdate(never);
  await h.settle();
  h.runtime.exit(h.runtime.running(never.metadata!.uid!, 'init')!.status.id, 1);
  await h.kubelet.pleg.relist();
  await h.settle();
  t.equal(h.status(never).phase, 'Failed');
  h.kubelet.workers.stop();
});

t.test('sidecars start before the main containers, wait for their startup probe, keep running, stop after the main containers', async (t) => {
  const h = new Harness();
  h.probes.startup.set('proxy', false);
  const pod = makePod({
    restartPolicy: 'Never',
    initContainers: [{ name: 'proxy', image: 'envoy:1', restartPolicy: 'Always' }, { name: 'migrate', image: 'busybox:1.36' }],
    containers: [{ name: 'web', image: 'nginx:1.27' }],
  });
  const uid = pod.metadata!.uid!;
  h.kubelet.handlePodUpdate(pod);
  await h.settle();
  t.same(startOrder(h), ['proxy'], 'nothing follows until the sidecar has started');
  t.equal(h.status(pod).phase, 'Pending');
  h.probes.startup.set('proxy', true);
  h.probes.emit({ podUID: uid, containerName: 'proxy', containerID: h.runtime.running(uid, 'proxy')!.status.id, type: 'startup', result: 'success' });
  await h.settle();
  t.same(startOrder(h), ['proxy', 'migrate']);
  h.runtime.exit(h.runtime.running(uid, 'migrate')!.status.id, 0);
  await h.kubelet.pleg.relist();
  await h.settle();
  t.same(startOrder(h), ['proxy', 'migrate', 'web']);
  t.equal(h.status(pod).phase, 'Running');

  // The sidecar crashes while the main container runs: it is restarted (sidecars always are).
  h.runtime.exit(h.runtime.running(uid, 'proxy')!.status.id, 1);
  await h.kubelet.pleg.relist();
  await h.settle();
  t.ok(h.runtime.running(uid, 'proxy'), 'sidecar restarted');
  t.equal(h.containerState(pod, 'proxy')!.restartCount, 1);

  // The main container finishes (Never): the sidecar is stopped after it, and the pod Succeeded.
  const before = h.runtime.calls.length;
  h.runtime.exit(h.runtime.running(uid, 'web')!.status.id, 0);
  await h.kubelet.pleg.relist();
  await h.settle();
  t.notOk(h.runtime.running(uid, 'proxy'), 'sidecar stopped');
  t.ok(h.runtime.calls.slice(before).includes('stopContainer proxy'));
  t.equal(h.status(pod).phase, 'Succeeded');
  h.kubelet.workers.stop();
});

t.test('on deletion sidecars are stopped after the main containers, in reverse order', async (t) => {
  const h = new Harness();
  const pod = makePod({
    initContainers: [{ name: 'log', image: 'fluent:1', restartPolicy: 'Always' }, { name: 'proxy', image: 'envoy:1', restartPolicy: 'Always' }],
    containers: [{ name: 'web', image: 'nginx:1.27' }],
  });
  h.kubelet.handlePodUpdate(pod);
  await h.settle();
  t.same(startOrder(h), ['log', 'proxy', 'web']);
  const before = h.runtime.calls.length;
  h.kubelet.handlePodUpdate({ ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2025-01-01T00:01:00Z', deletionGracePeriodSeconds: 30 } });
  await h.settle();
  t.same(h.runtime.calls.slice(before).filter((c) => c.startsWith('stopContainer')), ['stopContainer web', 'stopContainer proxy', 'stopContainer log']);
  h.kubelet.workers.stop();
});
