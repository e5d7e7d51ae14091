import t from 'tap';
import { Harness, makePod } from './harness.js';

t.test('deletion: Killing, preStop, stop with the grace period, sandbox stopped, final DELETE with the UID', async (t) => {
  const h = new Harness();
  const pod = makePod({ terminationGracePeriodSeconds: 45, containers: [{ name: 'web', image: 'nginx:1.27', lifecycle: { preStop: { exec: { command: ['nginx', '-s', 'quit'] } } } }] });
  const uid = pod.metadata!.uid!;
  h.kubelet.handlePodUpdate(pod);
  await h.settle();
  const before = h.runtime.calls.length;
  h.kubelet.handlePodUpdate({ ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2025-01-01T00:01:00Z', deletionGracePeriodSeconds: 20 } });
  await h.settle();
  t.same(h.lifecycle.calls, ['preStop web']);
  const killing = h.events.find((e) => e.reason === 'Killing')!;
  t.equal(killing.message, 'Stopping container web');
  t.same(h.runtime.stopGrace, [{ name: 'web', grace: 20 }], 'deletionGracePeriodSeconds wins over the spec');
  const after = h.runtime.calls.slice(before);
  const stop = after.indexOf('stopContainer web');
  const sandboxStop = after.findIndex((c) => c.startsWith('stopPodSandbox'));
  const del = after.findIndex((c) => c.startsWith('DELETE'));
  t.ok(stop >= 0 && sandboxStop > stop && del > sandboxStop, `stop, then sandbox, then DELETE: ${after.join(', ')}`);
  t.same(h.deletes, [{ namespace: 'default', name: pod.metadata!.name, uid }]);
  t.ok(h.probes.removed.includes(uid), 'probes stopped');
  t.equal(h.kubelet.workers.state(uid), 'terminated');

  h.kubelet.handlePodRemove(pod);
  await h.settle();
  await new Promise((r) => setImmediate(r));
  t.equal(h.kubelet.workers.state(uid), undefined, 'forgotten once the API object is gone');
  t.equal(h.runtime.byName(uid, 'web').length, 0, 'its containers are removed');
  h.kubelet.workers.stop();
});

t.test('a mirror pod is not deleted by the pod lifecycle', async (t) => {
  const h = new Harness();
  const pod = makePod({}, { annotations: { 'kubernetes.io/config.mirror': 'abc' } });
  h.kubelet.handlePodUpdate(pod);
  await h.settle();
  h.kubelet.handlePodUpdate({ ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2025-01-01T00:01:00Z', deletionGracePeriodSeconds: 0 } });
  await h.settle();
  t.notOk(h.runtime.running(pod.metadata!.uid!, 'web'));
  t.same(h.deletes, []);
  h.kubelet.workers.stop();
});

t.test('the API status write fails while the apiserver is away, then catches up', async (t) => {
  let down = true;
  const writes: string[] = [];
  const k = new Harness({
    statusWriter: {
      patchStatus: async (_pod, status) => {
        if (down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        writes.push(status.phase ?? '');
      },
      deletePod: async () => undefined,
    },
  });
  const pod = makePod({});
  k.kubelet.handlePodUpdate(pod);
  await k.settle();
  t.ok(k.runtime.running(pod.metadata!.uid!, 'web'), 'the pod runs although its status cannot be written');
  t.same(writes, []);
  down = false;
  await k.advance(30_000);
  t.same(writes, ['Running'], 'written once the apiserver is back');
  k.kubelet.workers.stop();
  k.kubelet.statusManager.stop();
});
