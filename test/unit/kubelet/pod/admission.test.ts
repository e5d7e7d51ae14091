import t from 'tap';
import { Harness, makePod } from './harness.js';

t.test('a pod that does not fit is rejected: Failed, OutOfcpu, the real message, and an event', async (t) => {
  const h = new Harness();
  const big = makePod({ containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '3600m' } } }] });
  const more = makePod({ containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '500m' } } }] });
  h.kubelet.handlePodUpdate(big);
  await h.settle();
  h.kubelet.handlePodUpdate(more);
  await h.settle();
  const s = h.status(more);
  t.equal(s.phase, 'Failed');
  t.equal(s.reason, 'OutOfcpu');
  t.equal(s.message, 'Pod was rejected: Node didn\'t have enough resource: cpu, requested: 500, used: 3600, capacity: 4000');
  t.same(h.events.at(-1), { type: 'Warning', reason: 'OutOfcpu', message: "Node didn't have enough resource: cpu, requested: 500, used: 3600, capacity: 4000" });
  t.notOk(h.runtime.running(more.metadata!.uid!, 'web'), 'never started');
  t.equal(h.kubelet.runningPods().length, 1);
  h.kubelet.workers.stop();
});

t.test('host port taken → NodePorts; node selector mismatch → NodeAffinity; pods full → OutOfpods', async (t) => {
  const h = new Harness();
  h.node!.status!.allocatable!.pods = '2';
  const a = makePod({ containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80, hostPort: 8080 }] }] });
  const b = makePod({ containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80, hostPort: 8080 }] }] });
  const c = makePod({ nodeSelector: { disk: 'hdd' } });
  h.kubelet.handlePodUpdate(a);
  h.kubelet.handlePodUpdate(b);
  h.kubelet.handlePodUpdate(c);
  await h.settle();
  t.equal(h.status(b).reason, 'NodePorts');
  t.equal(h.status(b).message, "Pod was rejected: Predicate NodePorts failed: node(s) didn't have free ports for the requested pod ports");
  t.equal(h.status(c).reason, 'NodeAffinity');
  const d = makePod({});
  h.kubelet.handlePodUpdate(d);
  const e = makePod({});
  h.kubelet.handlePodUpdate(e);
  await h.settle();
  t.equal(h.status(e).reason, 'OutOfpods');
  t.equal(h.status(e).message, "Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: 2, capacity: 2");
  h.kubelet.workers.stop();
});
