import t from 'tap';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Container, Probe } from '../../../../lib/api/types.js';
import { FakeClock } from '../../../../lib/util/clock.js';
import { RuntimeError } from '../../../../kubelet/runtime/types.js';
import { newProbeDispatcher } from '../../../../kubelet/prober/http-get.js';
import { Prober } from '../../../../kubelet/prober/prober.js';
import { FakeRuntime, closedPort, eventSink, exitWith, makePod } from './helpers.js';

function setup() {
  const clock = new FakeClock();
  const sink = eventSink();
  const runtime = new FakeRuntime();
  const dispatcher = newProbeDispatcher();
  t.teardown(() => dispatcher.close());
  return { clock, sink, runtime, prober: new Prober({ runtime, dispatcher, clock, recordEvent: sink.record }) };
}

t.test('tcpSocket: an open port succeeds, a closed one fails with the dial error', async (t) => {
  const server = net.createServer((s) => s.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  t.teardown(() => server.close());
  const container: Container = { name: 'db', image: 'redis', ports: [{ name: 'redis', containerPort: port }] };
  const pod = makePod([container]);
  const { sink, prober } = setup();
  t.same(await prober.probe('liveness', { tcpSocket: { port: 'redis' }, timeoutSeconds: 1 }, pod, container, 'c1'), { result: 'success' }, 'named port');

  const refusedPort = await closedPort();
  t.same(await prober.probe('liveness', { tcpSocket: { port: refusedPort }, timeoutSeconds: 1 }, pod, container, 'c1'), { result: 'failure' });
  t.same(sink.events, [{ type: 'Warning', reason: 'Unhealthy', message: `Liveness probe failed: dial tcp 127.0.0.1:${refusedPort}: connect: connection refused`, fieldPath: 'spec.containers{db}' }]);
});

const container: Container = { name: 'app', image: 'busybox' };
const pod = makePod([container]);
const exec = (timeoutSeconds = 1): Probe => ({ exec: { command: ['sh', '-c', 'check'] }, timeoutSeconds });

t.test('exec: exit 0 succeeds, other exit codes fail with the output as message', async (t) => {
  const { runtime, sink, prober } = setup();
  runtime.next = exitWith(0, 'ok');
  t.same(await prober.probe('readiness', exec(), pod, container, 'c1'), { result: 'success' });
  runtime.next = exitWith(1, 'out;', 'err');
  t.same(await prober.probe('liveness', exec(), pod, container, 'c1'), { result: 'failure' });
  runtime.next = exitWith(137);
  t.same(await prober.probe('liveness', exec(), pod, container, 'c1'), { result: 'failure' });
  t.same(
    sink.events.map((e) => e.message),
    ['Liveness probe failed: out;err', 'Liveness probe failed: '],
  );
  t.same(runtime.calls[0], { containerID: 'c1', cmd: ['sh', '-c', 'check'], timeoutSeconds: 1 });
});

t.test('exec: output is cut at 10 KiB', async (t) => {
  const { runtime, sink, prober } = setup();
  runtime.next = exitWith(1, 'y'.repeat(20_000));
  await prober.probe('liveness', exec(), pod, container, 'c1');
  t.equal(sink.events[0]?.message.length, 'Liveness probe failed: '.length + 10_240);
});

t.test('exec: a command still running at timeoutSeconds fails as timed out', async (t) => {
  const { runtime, sink, clock, prober } = setup();
  runtime.next = 'hang';
  const pending = prober.probe('liveness', exec(3), pod, container, 'c1');
  clock.advance(2_999);
  await Promise.resolve();
  clock.advance(1);
  t.same(await pending, { result: 'failure' });
  t.equal(sink.events[0]?.message, 'Liveness probe failed: command "sh -c check" timed out');

  runtime.next = new RuntimeError('Internal', 'command "sh -c check" timed out: timeout 1s exceeded: context deadline exceeded');
  t.same(await prober.probe('liveness', exec(), pod, container, 'c1'), { result: 'failure' }, 'a runtime that times the command out itself');
  t.equal(sink.events[1]?.message, 'Liveness probe failed: command "sh -c check" timed out');
  t.equal(clock.pending(), 0, 'no timer left behind');
});

t.test('exec: a runtime error is an errored probe', async (t) => {
  const { runtime, sink, prober } = setup();
  runtime.next = new RuntimeError('NotFound', 'container "c1" not found');
  t.same(await prober.probe('readiness', exec(), pod, container, 'c1'), { result: 'failure', error: 'container "c1" not found' });
  t.equal(runtime.calls.length, 3);
  t.equal(sink.events[0]?.message, 'Readiness probe errored and resulted in unknown state: container "c1" not found');
});
