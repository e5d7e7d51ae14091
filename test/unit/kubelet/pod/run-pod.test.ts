import t from 'tap';
import { Harness, makePod } from './harness.js';

t.test('a pod runs: sandbox, pull, create, start; status Running with conditions, IPs, qosClass and events', async (t) => {
  const h = new Harness();
  const pod = makePod({ containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '100m' } } }] });
  h.kubelet.handlePodUpdate(pod);
  await h.settle();
  const s = h.status(pod);
  t.equal(s.phase, 'Running');
  t.equal(s.qosClass, 'Burstable');
  t.match(s.podIP, /^127\.244\.1\./);
  t.equal(s.hostIP, '127.0.10.1');
  t.same(s.conditions!.map((c) => `${c.type}=${c.status}`), ['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
  t.equal(s.conditions!.find((c) => c.type === 'PodScheduled')!.lastTransitionTime, '2025-01-01T00:00:00Z', 'the scheduler condition is kept as it was');
  const web = s.containerStatuses![0]!;
  t.ok(web.state?.running?.startedAt);
  t.equal(web.ready, true);
  t.equal(web.started, true);
  t.equal(web.restartCount, 0);
  t.equal(web.image, 'nginx:1.27');
  t.match(web.containerID, /^mock:\/\/c\d+$/);
  t.match(web.imageID, /^docker\.io\/library\/nginx@sha256:/);
  t.same(h.reasons(), ['Pulling', 'Pulled', 'Created', 'Started']);
  t.match(h.events[1]!.message, /^Successfully pulled image "nginx:1\.27" in 0s \(0s including waiting\)\. Image size: 1234 bytes\.$/);
  t.equal(h.events[2]!.message, 'Created container: web');
  t.equal(h.events[2]!.fieldPath, 'spec.containers{web}');
  t.equal(h.events[3]!.message, 'Started container web');
  t.ok(h.statuses.length >= 1, 'status written to the API');
  t.equal(h.statuses.at(-1)!.status.phase, 'Running');

  const sandbox = [...h.runtime.sandboxes.values()][0]!;
  t.same(sandbox.config.dnsConfig, { servers: ['127.96.0.10'], searches: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'] });
  t.equal(sandbox.config.hostname, pod.metadata!.name);
  t.equal(sandbox.config.logDirectory, `/tmp/k8ts-test-logs/default_${pod.metadata!.name}_${pod.metadata!.uid}`);
  const c = h.runtime.running(pod.metadata!.uid!, 'web')!;
  t.equal(c.config.logPath, 'web/0.log');
  t.equal(c.config.annotations['io.kubernetes.container.restartCount'], '0');
  t.equal(c.config.resources.cpuRequestMillis, 100);

  // A second sync with nothing changed writes nothing and starts nothing.
  const writes = h.statuses.length;
  const calls = h.runtime.calls.length;
  await h.advance(60_000);
  t.equal(h.statuses.length, writes, 'no status write when nothing changed');
  t.same(h.runtime.calls.slice(calls).filter((c) => !c.startsWith('list')), []);
  h.kubelet.workers.stop();
});

t.test('an image already present with IfNotPresent is not pulled again', async (t) => {
  const h = new Harness();
  await h.runtime.pullImage({ image: 'nginx:1.27' });
  const pod = makePod({});
  h.kubelet.handlePodUpdate(pod);
  await h.settle();
  t.same(h.reasons(), ['Pulled', 'Created', 'Started']);
  t.equal(h.events[0]!.message, 'Container image "nginx:1.27" already present on machine');
  h.kubelet.workers.stop();
});

t.test('qosClass Guaranteed and BestEffort', async (t) => {
  const h = new Harness();
  const g = makePod({ containers: [{ name: 'web', image: 'nginx:1.27', resources: { limits: { cpu: '500m', memory: '128Mi' } } }] });
  const b = makePod({});
  h.kubelet.handlePodUpdate(g);
  h.kubelet.handlePodUpdate(b);
  await h.settle();
  t.equal(h.status(g).qosClass, 'Guaranteed');
  t.equal(h.status(b).qosClass, 'BestEffort');
  h.kubelet.workers.stop();
});

t.test('a container that is not ready makes Ready and ContainersReady false with the real message', async (t) => {
  const h = new Harness();
  h.probes.readiness.set('web', false);
  const pod = makePod({ containers: [{ name: 'web', image: 'nginx:1.27' }, { name: 'side', image: 'busybox:1.36' }] });
  h.kubelet.handlePodUpdate(pod);
  await h.settle();
  const s = h.status(pod);
  const ready = s.conditions!.find((c) => c.type === 'Ready')!;
  t.equal(ready.status, 'False');
  t.equal(ready.reason, 'ContainersNotReady');
  t.equal(ready.message, 'containers with unready status: [web]');
  const since = ready.lastTransitionTime;
  h.probes.readiness.set('web', true);
  h.clock.advance(5_000);
  h.probes.emit({ podUID: pod.metadata!.uid!, containerName: 'web', containerID: 'x', type: 'readiness', result: 'success' });
  await h.settle();
  const now = h.status(pod).conditions!.find((c) => c.type === 'Ready')!;
  t.equal(now.status, 'True');
  t.not(now.lastTransitionTime, since, 'transition time moves when the status changes');
  t.equal(h.status(pod).conditions!.find((c) => c.type === 'Initialized')!.lastTransitionTime, s.conditions!.find((c) => c.type === 'Initialized')!.lastTransitionTime, 'unchanged conditions keep their time');
  h.kubelet.workers.stop();
});
