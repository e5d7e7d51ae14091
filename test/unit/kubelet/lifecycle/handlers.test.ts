import t from 'tap';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Container } from '../../../../lib/api/types.js';
import { FakeClock } from '../../../../lib/util/clock.js';
import { RuntimeError } from '../../../../kubelet/runtime/types.js';
import { HandlerRunner } from '../../../../kubelet/lifecycle/handlers.js';
import { FakeRuntime, closedPort, eventSink, exitWith, makePod } from '../prober/helpers.js';

const hits: Array<{ url: string; userAgent: string | undefined }> = [];
const server = http.createServer((req, res) => {
  hits.push({ url: req.url ?? '', userAgent: req.headers['user-agent'] });
  res.statusCode = req.url === '/fail' ? 500 : 200;
  res.end('bye');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;
t.teardown(() => server.close());

const container: Container = { name: 'app', image: 'busybox', ports: [{ name: 'admin', containerPort: port }] };
const pod = makePod([container], { podIP: '127.0.0.1' });

function setup() {
  const clock = new FakeClock();
  const runtime = new FakeRuntime();
  const sink = eventSink();
  const runner = new HandlerRunner({ runtime, recordEvent: sink.record, clock });
  t.teardown(() => runner.close());
  return { clock, runtime, sink, runner };
}

t.test('exec hooks run in the container; a non-zero exit fails with the kubelet message', async (t) => {
  const { runtime, runner } = setup();
  runtime.next = exitWith(0);
  t.same(await runner.run(pod, container, 'c1', { exec: { command: ['sh', '-c', 'warm-up'] } }), { ok: true });
  t.same(runtime.calls[0], { containerID: 'c1', cmd: ['sh', '-c', 'warm-up'], timeoutSeconds: 0 });

  runtime.next = exitWith(1, 'partial\n', 'no such file');
  t.same(await runner.run(pod, container, 'c1', { exec: { command: ['sh', '-c', 'exit 1'] } }), {
    ok: false,
    message:
      'Exec lifecycle hook ([sh -c exit 1]) for Container "app" in Pod "web_default(uid-1)" failed - error: ' +
      `command 'sh -c exit 1' exited with 1: no such file, message: "partial\\nno such file"`,
  });

  runtime.next = new RuntimeError('NotFound', 'container "c1" is not running');
  t.same(await runner.run(pod, container, 'c1', { exec: { command: ['true'] } }), {
    ok: false,
    message: 'Exec lifecycle hook ([true]) for Container "app" in Pod "web_default(uid-1)" failed - error: container "c1" is not running, message: ""',
  });
});

t.test('httpGet hooks: any answer is success, a transport error fails', async (t) => {
  const { runner } = setup();
  hits.length = 0;
  t.same(await runner.run(pod, container, 'c1', { httpGet: { path: '/shutdown', port: 'admin' } }), { ok: true });
  t.same(await runner.run(pod, container, 'c1', { httpGet: { path: '/fail', port } }), { ok: true }, 'the status code is not checked, as upstream');
  t.same(hits, [
    { url: '/shutdown', userAgent: 'kube-lifecycle/1.32' },
    { url: '/fail', userAgent: 'kube-lifecycle/1.32' },
  ]);

  const refusedPort = await closedPort();
  t.same(await runner.run(pod, container, 'c1', { httpGet: { path: '/stop', port: refusedPort } }), {
    ok: false,
    message: `HTTP lifecycle hook (/stop) for Container "app" in Pod "web_default(uid-1)" failed - error: Get "http://127.0.0.1:${refusedPort}/stop": dial tcp 127.0.0.1:${refusedPort}: connect: connection refused`,
  });
  const noIP = makePod([container], { podIP: '' });
  t.match(await runner.run(noIP, container, 'c1', { httpGet: { path: '/x', port } }), { ok: false, message: /failed - error: failed to find networking container/ });
});

t.test('an HTTPS hook answered in plain HTTP is retried over HTTP with an event', async (t) => {
  const { runner, sink } = setup();
  hits.length = 0;
  t.same(await runner.run(pod, container, 'c1', { httpGet: { path: '/tls', port, scheme: 'HTTPS' } }), { ok: true });
  t.same(hits.map((h) => h.url), ['/tls']);
  t.same(sink.events, [
    { type: 'Warning', reason: 'LifecycleHTTPFallback', message: `request to HTTPS lifecycle hook 127.0.0.1:${port} got HTTP response, retry with HTTP succeeded`, fieldPath: undefined },
  ]);
});

t.test('sleep hooks wait on the clock and stop early when aborted', async (t) => {
  const { clock, runner } = setup();
  const done = runner.run(pod, container, 'c1', { sleep: { seconds: 5 } });
  clock.advance(5_000);
  t.same(await done, { ok: true });

  const abort = new AbortController();
  const cut = runner.run(pod, container, 'c1', { sleep: { seconds: 30 } }, abort.signal);
  clock.advance(10_000);
  abort.abort();
  t.same(await cut, {
    ok: false,
    message: 'Sleep lifecycle hook (30) for Container "app" in Pod "web_default(uid-1)" failed - error: container terminated before sleep hook finished',
  });
  t.equal(clock.pending(), 0, 'the aborted sleep left no timer');
});

t.test('tcpSocket is not a supported hook and fails at run time, as upstream', async (t) => {
  const { runner } = setup();
  t.same(await runner.run(pod, container, 'c1', { tcpSocket: { port: 8080 } }), {
    ok: false,
    message: 'Cannot run handler: invalid handler: &LifecycleHandler{Exec:nil,HTTPGet:nil,TCPSocket:&TCPSocketAction{Port:{0 8080 },Host:,},Sleep:nil,}',
  });
});
