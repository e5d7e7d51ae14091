import t from 'tap';
import { Registry } from 'prom-client';
import type { Container, Probe } from '../../../../lib/api/types.js';
import { FakeClock } from '../../../../lib/util/clock.js';
import type { ProbeUpdate } from '../../../../kubelet/pod-deps.js';
import { ProbeManager } from '../../../../kubelet/prober/manager.js';
import { FakeRuntime, RoundCounter, eventSink, exitWith, makePod } from './helpers.js';

const START = 1_000_000;

function setup(opts: { random?: () => number; registry?: Registry } = {}) {
  const clock = new FakeClock(START);
  const runtime = new FakeRuntime();
  const sink = eventSink();
  const rounds = new RoundCounter();
  const manager = new ProbeManager({ runtime, recordEvent: sink.record, clock, random: opts.random ?? (() => 0), registry: opts.registry, onProbed: rounds.onProbed });
  const updates: ProbeUpdate[] = [];
  manager.onUpdate((u) => updates.push(u));
  return { clock, runtime, sink, rounds, manager, updates };
}

function execProbe(command: string[], extra: Partial<Probe> = {}): Probe {
  return { exec: { command }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3, initialDelaySeconds: 0, ...extra };
}

function app(probes: Partial<Pick<Container, 'livenessProbe' | 'readinessProbe' | 'startupProbe'>>, extra: Partial<Container> = {}): Container {
  return { name: 'app', image: 'busybox', ...probes, ...extra };
}

function running(containerID: string, startedAtMs: number) {
  return new Map([['app', { containerID, startedAtMs }]]);
}

/** Moves the fake clock and waits until `rounds` probe rounds have completed in total. */
async function step(env: ReturnType<typeof setup>, ms: number, rounds: number) {
  env.clock.advance(ms);
  await env.rounds.after(rounds);
}

t.test('liveness fails only after failureThreshold failures in a row, then holds until a new container', async (t) => {
  const env = setup();
  const pod = makePod([app({ livenessProbe: execProbe(['check']) })]);
  env.manager.addPod(pod);
  env.manager.updatePod(pod, running('c1', START));
  env.runtime.next = exitWith(1, 'boom\n');
  await step(env, 0, 1);
  t.same(env.updates, [{ podUID: 'uid-1', containerName: 'app', containerID: 'c1', type: 'liveness', result: 'success' }], 'a new container is alive until proven otherwise');
  await step(env, 10_000, 2);
  t.equal(env.updates.length, 1, 'two failures are below the threshold');
  await step(env, 10_000, 3);
  t.same(env.updates.at(-1), { podUID: 'uid-1', containerName: 'app', containerID: 'c1', type: 'liveness', result: 'failure' });
  t.equal(env.sink.events.length, 3, 'every failed probe is an event');
  t.same(env.sink.events[0], { type: 'Warning', reason: 'Unhealthy', message: 'Liveness probe failed: boom\n', fieldPath: 'spec.containers{app}' });
  t.same(env.runtime.calls[0], { containerID: 'c1', cmd: ['check'], timeoutSeconds: 1 });

  await step(env, 10_000, 4);
  t.equal(env.runtime.calls.length, 3, 'on hold after a liveness failure: no probe of the dying container');

  env.runtime.next = exitWith(0);
  env.manager.updatePod(pod, running('c2', START + 30_000));
  await step(env, 10_000, 5);
  t.equal(env.runtime.calls.at(-1)?.containerID, 'c2', 'the new container is probed');
  t.same(env.updates.at(-1), { podUID: 'uid-1', containerName: 'app', containerID: 'c2', type: 'liveness', result: 'success' });
  await env.manager.close();
});

t.test('initialDelaySeconds and periodSeconds run on the injected clock', async (t) => {
  const env = setup();
  const pod = makePod([app({ readinessProbe: execProbe(['ready'], { initialDelaySeconds: 15, periodSeconds: 5 }) })]);
  env.manager.addPod(pod);
  env.manager.updatePod(pod, running('c1', START));
  await step(env, 0, 1);
  await step(env, 5_000, 2);
  await step(env, 4_999, 2);
  t.equal(env.runtime.calls.length, 0, 'no probe before initialDelaySeconds');
  await step(env, 1, 3);
  t.equal(env.runtime.calls.length, 0, 'still within the delay at 10 s');
  await step(env, 5_000, 4);
  t.equal(env.runtime.calls.length, 1, 'first probe at 15 s');
  await step(env, 5_000, 5);
  t.equal(env.runtime.calls.length, 2, 'then every periodSeconds');
  t.equal(env.clock.nextTimerAt(), START + 25_000, 'the next tick keeps the period');
  await env.manager.close();
  t.equal(env.clock.pending(), 0, 'close leaves no timer armed');
});

t.test('readiness is false until successThreshold successes, and a restarted container starts over', async (t) => {
  const env = setup();
  const pod = makePod([app({ readinessProbe: execProbe(['ready'], { successThreshold: 2 }) })]);
  env.manager.addPod(pod);
  t.equal(env.manager.ready('uid-1', 'app', 'c1'), false, 'no result yet: not ready');
  await env.rounds.after(1); // that check already triggered a round: nothing runs yet
  env.manager.updatePod(pod, running('c1', START));
  await step(env, 0, 2);
  t.same(env.updates[0], { podUID: 'uid-1', containerName: 'app', containerID: 'c1', type: 'readiness', result: 'failure' }, 'readiness starts false');
  t.equal(env.runtime.calls.length, 1);
  t.equal(env.manager.ready('uid-1', 'app', 'c1'), false, 'one success is below successThreshold 2');
  await env.rounds.after(3); // ready() probes at once when not ready, as UpdatePodStatus does
  t.equal(env.runtime.calls.length, 2, 'the readiness check triggered an immediate probe');
  t.equal(env.manager.ready('uid-1', 'app', 'c1'), true, 'two successes: ready');
  t.same(env.updates.at(-1)?.result, 'success');

  env.manager.updatePod(pod, running('c2', START + 1_000));
  await step(env, 10_000, 4);
  t.equal(env.manager.ready('uid-1', 'app', 'c2'), false, 'the new container must earn readiness itself');
  t.equal(env.manager.ready('uid-1', 'app', 'c1'), false, 'the old container result is gone');
  await env.manager.close();
});

t.test('the startup probe gates liveness and readiness', async (t) => {
  const env = setup();
  const pod = makePod([
    app({
      startupProbe: execProbe(['startup'], { failureThreshold: 5 }),
      livenessProbe: execProbe(['live']),
      readinessProbe: execProbe(['ready']),
    }),
  ]);
  env.runtime.byCommand.set('startup', exitWith(1, 'not yet'));
  env.manager.addPod(pod);
  t.equal(env.manager.workerCount(), 3);
  env.manager.updatePod(pod, running('c1', START));
  await step(env, 0, 3);
  await step(env, 10_000, 6);
  t.equal(env.runtime.callsOf('startup').length, 2);
  t.equal(env.runtime.callsOf('live').length + env.runtime.callsOf('ready').length, 0, 'nothing else probes before startup succeeds');
  t.equal(env.manager.started('uid-1', 'app', 'c1'), false);
  t.equal(env.manager.ready('uid-1', 'app', 'c1'), false, 'not started: not ready');
  t.same(env.sink.events.map((e) => e.message), ['Startup probe failed: not yet', 'Startup probe failed: not yet']);

  env.runtime.byCommand.set('startup', exitWith(0));
  await step(env, 10_000, 9);
  t.equal(env.manager.started('uid-1', 'app', 'c1'), true);
  const startupCalls = env.runtime.callsOf('startup').length;
  await step(env, 10_000, 12);
  t.equal(env.runtime.callsOf('startup').length, startupCalls, 'startup stops probing once it passed');
  t.ok(env.runtime.callsOf('live').length >= 1, 'liveness probes after startup');
  t.ok(env.runtime.callsOf('ready').length >= 1, 'readiness probes after startup');
  t.equal(env.manager.ready('uid-1', 'app', 'c1'), true);
  await env.manager.close();
});

t.test('a container without probes is started and ready once running', async (t) => {
  const env = setup();
  env.manager.addPod(makePod([app({})]));
  t.equal(env.manager.workerCount(), 0);
  t.equal(env.manager.started('uid-1', 'app', 'c1'), true);
  t.equal(env.manager.ready('uid-1', 'app', 'c1'), true);
  await env.manager.close();
});

t.test('the first probe is jittered only while the kubelet has just started', async (t) => {
  const env = setup({ random: () => 0.5 });
  const pod = makePod([app({ livenessProbe: execProbe(['live']) })]);
  env.manager.addPod(pod);
  env.manager.updatePod(pod, running('c1', START));
  env.clock.advance(4_999);
  t.equal(env.runtime.calls.length, 0, 'waits half a period (random 0.5 × 10 s)');
  await step(env, 1, 1);
  t.equal(env.runtime.calls.length, 1);
  env.manager.removePod('uid-1');
  t.equal(env.manager.workerCount(), 0, 'removePod stops its workers');

  env.clock.advance(60_000); // long after the kubelet started
  const later = makePod([app({ livenessProbe: execProbe(['live']) })]);
  (later.metadata as { uid: string }).uid = 'uid-2';
  env.manager.addPod(later);
  env.manager.updatePod(later, running('c9', env.clock.now()));
  await step(env, 0, 2);
  t.equal(env.runtime.calls.at(-1)?.containerID, 'c9', 'no jitter: probed at once');
  await env.manager.close();
});

t.test('a probe that errors is retried three times, reported, and not counted', async (t) => {
  const env = setup();
  const pod = makePod([app({ livenessProbe: execProbe(['live'], { failureThreshold: 1 }) })]);
  env.runtime.next = new Error('container not running');
  env.manager.addPod(pod);
  env.manager.updatePod(pod, running('c1', START));
  await step(env, 0, 1);
  t.equal(env.runtime.calls.length, 3, 'three attempts in one round');
  t.same(env.sink.events, [
    { type: 'Warning', reason: 'Unhealthy', message: 'Liveness probe errored and resulted in unknown state: container not running', fieldPath: 'spec.containers{app}' },
  ]);
  t.same(
    env.updates.map((u) => u.result),
    ['success'],
    'an error never fails liveness, even with failureThreshold 1',
  );
  await env.manager.close();
});

t.test('exec probes see the container env expanded, statically', async (t) => {
  const env = setup();
  const pod = makePod([app({ livenessProbe: execProbe(['cat', '$(DIR)/ok', '$(MISSING)', '$$(DIR)']) }, { env: [{ name: 'DIR', value: '/tmp' }] })]);
  env.manager.addPod(pod);
  env.manager.updatePod(pod, running('c1', START));
  await step(env, 0, 1);
  t.same(env.runtime.calls[0]?.cmd, ['cat', '/tmp/ok', '$(MISSING)', '$(DIR)']);
  await env.manager.close();
});

t.test('an exited container is not ready; with restartPolicy Never its workers end', async (t) => {
  const env = setup();
  const pod = makePod([app({ readinessProbe: execProbe(['ready']) })], { restartPolicy: 'Never' });
  env.manager.addPod(pod);
  env.manager.updatePod(pod, running('c1', START));
  await step(env, 0, 1);
  t.equal(env.manager.ready('uid-1', 'app', 'c1'), true);
  env.manager.updatePod(pod, new Map());
  await step(env, 10_000, 2);
  t.same(env.updates.at(-1), { podUID: 'uid-1', containerName: 'app', containerID: 'c1', type: 'readiness', result: 'failure' });
  t.equal(env.manager.workerCount(), 0, 'the worker ended');
  await env.manager.close();
});

t.test('a pod being deleted reports liveness success and stops probing it', async (t) => {
  const env = setup();
  const pod = makePod([app({ livenessProbe: execProbe(['live'], { failureThreshold: 1 }) })]);
  env.runtime.next = exitWith(1);
  env.manager.addPod(pod);
  env.manager.updatePod(pod, running('c1', START));
  const deleting = { ...pod, metadata: { ...pod.metadata, deletionTimestamp: new Date(START).toISOString() } };
  env.manager.updatePod(deleting, running('c1', START));
  await step(env, 0, 1);
  t.equal(env.runtime.calls.length, 0);
  t.same(env.updates.map((u) => u.result), ['success']);
  t.equal(env.manager.workerCount(), 0);
  await env.manager.close();
});

t.test('prober_probe_total counts results per worker and is dropped with the pod', async (t) => {
  const registry = new Registry();
  const env = setup({ registry });
  const pod = makePod([app({ livenessProbe: execProbe(['live']) })]);
  env.manager.addPod(pod);
  env.manager.updatePod(pod, running('c1', START));
  await step(env, 0, 1);
  env.runtime.next = exitWith(2);
  await step(env, 10_000, 2);
  const series = async () => ((await registry.getSingleMetric('prober_probe_total')!.get()).values as Array<{ value: number; labels: Record<string, string> }>);
  const byResult = Object.fromEntries((await series()).map((s) => [s.labels.result, s.value]));
  t.same(byResult, { successful: 1, failed: 1 });
  t.match((await series())[0]?.labels, { probe_type: 'Liveness', container: 'app', pod: 'web', namespace: 'default', pod_uid: 'uid-1' });
  const duration = (await registry.getSingleMetric('prober_probe_duration_seconds')!.get()).values as Array<{ metricName?: string; value: number }>;
  t.equal(duration.find((v) => v.metricName === 'prober_probe_duration_seconds_count')?.value, 1, 'only the success is timed');
  env.manager.removePod('uid-1');
  t.same(await series(), [], 'series removed with the worker');
  await env.manager.close();
});

t.test('network probes wait for the pod IP instead of dialling nowhere', async (t) => {
  const env = setup();
  const pod = makePod([app({ readinessProbe: { tcpSocket: { port: 1 }, periodSeconds: 10 } })], { podIP: '' });
  env.manager.addPod(pod);
  env.manager.updatePod(pod, running('c1', START));
  await step(env, 0, 1);
  t.same(env.sink.events, [], 'no event while the status has no IP');
  t.same(env.updates.map((u) => u.result), ['failure'], 'and not ready');
  await env.manager.close();
});
