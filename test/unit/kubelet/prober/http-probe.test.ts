import t from 'tap';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Container, Probe } from '../../../../lib/api/types.js';
import { FakeClock } from '../../../../lib/util/clock.js';
import { newProbeDispatcher } from '../../../../kubelet/prober/http-get.js';
import { Prober } from '../../../../kubelet/prober/prober.js';
import { FakeRuntime, closedPort, eventSink, makePod } from './helpers.js';

const seen: http.IncomingHttpHeaders[] = [];
const server = http.createServer((req, res) => {
  const url = req.url ?? '/';
  if (url === '/headers') seen.push(req.headers);
  if (url === '/ok' || url === '/headers') return res.end('fine');
  if (url === '/500') return (res.statusCode = 500), res.end('broken');
  if (url === '/404') return (res.statusCode = 404), res.end();
  if (url === '/399') return (res.statusCode = 399), res.end();
  if (url === '/same-host') return res.writeHead(302, { location: '/ok' }).end();
  if (url === '/other-host') return res.writeHead(302, { location: `http://localhost:${port}/ok` }).end('moved');
  if (url === '/loop') return res.writeHead(302, { location: '/loop' }).end();
  if (url === '/big') return res.end('x'.repeat(100_000));
  if (url === '/hang') return; // never answers
  res.statusCode = 418;
  res.end();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;
t.teardown(() => {
  server.closeAllConnections();
  server.close();
});

const refusedPort = await closedPort();

function setup() {
  const clock = new FakeClock();
  const sink = eventSink();
  const dispatcher = newProbeDispatcher();
  const prober = new Prober({ runtime: new FakeRuntime(), dispatcher, clock, recordEvent: sink.record });
  t.teardown(() => dispatcher.close());
  return { clock, sink, prober };
}

const container: Container = { name: 'web', image: 'nginx', ports: [{ name: 'http', containerPort: port }] };
const pod = makePod([container], { podIP: '127.0.0.1' });

function httpGet(path: string, extra: Partial<NonNullable<Probe['httpGet']>> = {}): Probe {
  return { httpGet: { path, port, ...extra }, timeoutSeconds: 1 };
}

t.test('2xx and followed redirects succeed; 4xx and 5xx fail with the status code', async (t) => {
  const { sink, prober } = setup();
  t.same(await prober.probe('readiness', httpGet('/ok'), pod, container, 'c1'), { result: 'success' });
  t.same(await prober.probe('readiness', httpGet('/same-host'), pod, container, 'c1'), { result: 'success' }, 'a redirect on the same host is followed');
  t.same(await prober.probe('readiness', httpGet('/big'), pod, container, 'c1'), { result: 'success' }, 'a large body is read up to the limit');
  t.same(await prober.probe('liveness', httpGet('/500'), pod, container, 'c1'), { result: 'failure' });
  t.same(await prober.probe('readiness', httpGet('/404'), pod, container, 'c1'), { result: 'failure' });
  t.same(sink.events, [
    { type: 'Warning', reason: 'Unhealthy', message: 'Liveness probe failed: HTTP probe failed with statuscode: 500', fieldPath: 'spec.containers{web}' },
    { type: 'Warning', reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 404', fieldPath: 'spec.containers{web}' },
  ]);
});

t.test('a 3xx that is not followed succeeds with a ProbeWarning event', async (t) => {
  const { sink, prober } = setup();
  t.same(await prober.probe('liveness', httpGet('/other-host'), pod, container, 'c1'), { result: 'success' });
  t.same(await prober.probe('liveness', httpGet('/399'), pod, container, 'c1'), { result: 'success' });
  t.same(
    sink.events.map((e) => [e.reason, e.message]),
    [
      ['ProbeWarning', 'Liveness probe warning: Probe terminated redirects, Response body: moved'],
      ['ProbeWarning', 'Liveness probe warning: Probe terminated redirects, Response body: '],
    ],
  );
});

t.test('redirect loops stop after ten redirects', async (t) => {
  const { sink, prober } = setup();
  t.same(await prober.probe('startup', httpGet('/loop'), pod, container, 'c1'), { result: 'failure' });
  t.equal(sink.events[0]?.message, `Startup probe failed: Get "http://127.0.0.1:${port}/loop": stopped after 10 redirects`);
});

t.test('connection refused and timeouts fail with Go texts', async (t) => {
  const { clock, sink, prober } = setup();
  const refused = await prober.probe('readiness', httpGet('/healthz', { port: refusedPort }), pod, container, 'c1');
  t.same(refused, { result: 'failure' });
  t.equal(sink.events[0]?.message, `Readiness probe failed: Get "http://127.0.0.1:${refusedPort}/healthz": dial tcp 127.0.0.1:${refusedPort}: connect: connection refused`);

  const pending = prober.probe('liveness', { ...httpGet('/hang'), timeoutSeconds: 2 }, pod, container, 'c1');
  clock.advance(1_999);
  clock.advance(1);
  t.same(await pending, { result: 'failure' });
  t.equal(sink.events[1]?.message, `Liveness probe failed: Get "http://127.0.0.1:${port}/hang": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`);
});

t.test('named ports, headers, Host and the kube-probe User-Agent', async (t) => {
  const { sink, prober } = setup();
  seen.length = 0;
  const probe = httpGet('/headers', { port: 'http', httpHeaders: [{ name: 'X-Custom', value: 'a' }, { name: 'X-Custom', value: 'b' }, { name: 'Host', value: 'example.test' }] });
  t.same(await prober.probe('readiness', probe, pod, container, 'c1'), { result: 'success' });
  t.equal(seen[0]?.['user-agent'], 'kube-probe/1.32');
  t.equal(seen[0]?.['accept'], '*/*');
  t.equal(seen[0]?.['x-custom'], 'a, b', 'repeated headers are all sent');
  t.equal(seen[0]?.host, 'example.test');
  t.equal(seen[0]?.connection, 'close', 'no connection reuse between probes');

  t.same(await prober.probe('readiness', httpGet('/headers', { httpHeaders: [{ name: 'User-Agent', value: 'mine' }] }), pod, container, 'c1'), { result: 'success' });
  t.equal(seen[1]?.['user-agent'], 'mine', 'a User-Agent of the probe wins');

  const bad = await prober.probe('readiness', httpGet('/ok', { port: 'nope' }), pod, container, 'c1');
  t.same(bad, { result: 'failure', error: 'strconv.Atoi: parsing "nope": invalid syntax' });
  t.equal(sink.events[0]?.message, 'Readiness probe errored and resulted in unknown state: strconv.Atoi: parsing "nope": invalid syntax');
  t.equal(sink.events.length, 1);
});
