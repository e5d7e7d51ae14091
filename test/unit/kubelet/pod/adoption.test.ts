import t from 'tap';
import { Harness, makePod } from './harness.js';
import { generatePodStatus } from '../../../../kubelet/status/generate.js';

t.test('a restarted kubelet adopts running containers: no restart, restartCount unchanged', async (t) => {
  const first = new Harness();
  const pod = makePod({ initContainers: [{ name: 'init', image: 'busybox:1.36' }] });
  const uid = pod.metadata!.uid!;
  first.kubelet.handlePodUpdate(pod);
  await first.settle();
  first.runtime.exit(first.runtime.running(uid, 'init')!.status.id, 0);
  await first.kubelet.pleg.relist();
  await first.settle();
  first.runtime.exit(first.runtime.running(uid, 'web')!.status.id, 2);
  await first.kubelet.pleg.relist();
  await first.settle();
  const running = first.runtime.running(uid, 'web')!.status.id;
  t.equal(first.containerState(pod, 'web')!.restartCount, 1);
  const apiPod = { ...pod, status: first.status(pod) };
  first.kubelet.workers.stop();

  // A new kubelet over the same runtime (the runtime outlives the kubelet process).
  const k = new Harness({ runtime: first.runtime });
  const calls = first.runtime.calls.length;
  k.kubelet.handlePodUpdate(apiPod);
  await k.settle();
  const sideEffects = first.runtime.calls.slice(calls);
  t.same(sideEffects, [], 'nothing created, started, stopped or removed');
  t.equal(first.runtime.running(uid, 'web')!.status.id, running);
  const st = k.kubelet.statusManager.getPodStatus(uid)!;
  t.equal(st.phase, 'Running');
  t.equal(st.containerStatuses![0]!.restartCount, 1);
  t.equal(st.initContainerStatuses![0]!.state!.terminated!.reason, 'Completed', 'the finished init container is not run again');
  k.kubelet.workers.stop();
});

t.test('the runtime lost everything: a new sandbox and containers, restartCount carried on from the API status', async (t) => {
  const h = new Harness();
  const pod = makePod({});
  const uid = pod.metadata!.uid!;
  h.kubelet.handlePodUpdate(pod);
  await h.settle();
  h.runtime.exit(h.runtime.running(uid, 'web')!.status.id, 1);
  await h.kubelet.pleg.relist();
  await h.settle();
  t.equal(h.containerState(pod, 'web')!.restartCount, 1);

  h.runtime.loseEverything();
  await h.kubelet.pleg.relist();
  await h.settle();
  const c = h.runtime.running(uid, 'web');
  t.ok(c, 'running again');
  t.equal(c!.config.annotations['io.kubernetes.container.restartCount'], '2');
  t.equal(c!.config.logPath, 'web/2.log');
  t.equal(h.containerState(pod, 'web')!.restartCount, 2);
  t.equal(h.status(pod).phase, 'Running');
  h.kubelet.workers.stop();
});

t.test('a sandbox that died is recreated with the next attempt and the containers restarted', async (t) => {
  const h = new Harness();
  const pod = makePod({});
  const uid = pod.metadata!.uid!;
  h.kubelet.handlePodUpdate(pod);
  await h.settle();
  const sb = [...h.runtime.sandboxes.keys()][0]!;
  await h.runtime.stopPodSandbox(sb);
  await h.kubelet.pleg.relist();
  await h.settle();
  t.ok(h.reasons().includes('SandboxChanged'));
  t.ok(h.runtime.calls.includes(`runPodSandbox ${pod.metadata!.name}#1`));
  t.ok(h.runtime.running(uid, 'web'));
  t.equal(h.containerState(pod, 'web')!.restartCount, 1);
  h.kubelet.workers.stop();
});

t.test('a finished pod whose containers are gone (a new runtime) stays finished: nothing runs again', async (t) => {
  const h = new Harness();
  const pod = makePod({ restartPolicy: 'Never' });
  const uid = pod.metadata!.uid!;
  const finished = {
    ...pod,
    status: {
      phase: 'Succeeded',
      containerStatuses: [{ name: 'web', image: 'nginx', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
    },
  };
  h.kubelet.handlePodUpdate(finished);
  await h.settle();
  t.same(h.runtime.calls.filter((c) => /^(runPodSandbox|createContainer|startContainer)/.test(c)), [], 'no sandbox or container was started');
  t.equal(h.kubelet.statusManager.getPodStatus(uid)?.phase ?? 'Succeeded', 'Succeeded', 'the phase stays Succeeded');
  // What the status generator makes of it (the guards aside): the old terminated state stands.
  const st = generatePodStatus({ pod: finished, runtime: { uid, name: 'p', namespace: 'default', sandboxes: [], containers: [] }, oldStatus: finished.status, failures: new Map(), probes: h.probes, runtimeName: 'mock', hostIPs: ['127.0.10.1'], nowMs: 0 } as Parameters<typeof generatePodStatus>[0]);
  t.equal(st.phase, 'Succeeded');
  t.same(st.containerStatuses?.[0]?.state, { terminated: { exitCode: 0, reason: 'Completed' } }, 'not ContainerCreating');
  h.kubelet.workers.stop();
});
