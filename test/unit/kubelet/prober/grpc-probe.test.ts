import t from 'tap';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { FakeClock } from '../../../../lib/util/clock.js';
import { waitFor } from '../../../../lib/util/wait.js';
import { closedPort } from './helpers.js';
import { decodeHealthResponse, encodeHealthRequest, frame, grpcProbe } from '../../../../kubelet/prober/grpc-probe.js';

// A grpc.health.v1 server written against the same framing rules, answering by service name.
const seen: Array<{ path: string; service: string; userAgent: string | undefined }> = [];
const server = http2.createServer();
server.on('stream', (stream, headers) => {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => {
    const body = Buffer.concat(chunks);
    const service = body.length > 7 ? body.subarray(7).toString() : '';
    seen.push({ path: String(headers[':path']), service, userAgent: headers['user-agent'] });
    if (service === 'hang') return;
    if (service === 'unimpl') {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12', 'grpc-message': 'unknown%20service' }, { endStream: true });
      return;
    }
    const status = service === 'down' ? 2 : 1;
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(frame(Buffer.from([0x08, status])));
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;
t.teardown(() => server.close());

t.test('the health request and response framing', async (t) => {
  t.same([...frame(encodeHealthRequest('db'))], [0, 0, 0, 0, 4, 0x0a, 2, 0x64, 0x62]);
  t.same([...frame(encodeHealthRequest(''))], [0, 0, 0, 0, 0], 'the default service is an empty message');
  t.equal(decodeHealthResponse(frame(Buffer.from([0x08, 0x01]))), 1);
  t.equal(decodeHealthResponse(frame(Buffer.alloc(0))), 0, 'no field: UNKNOWN');
  t.equal(decodeHealthResponse(Buffer.from([1, 2])), 0, 'a truncated frame does not throw');
});

t.test('SERVING succeeds, other statuses and errors fail with upstream texts', async (t) => {
  const clock = new FakeClock();
  t.same(await grpcProbe('127.0.0.1', port, '', 1, clock), { result: 'success', output: 'service healthy' });
  t.same(seen.at(-1), { path: '/grpc.health.v1.Health/Check', service: '', userAgent: 'kube-probe/1.32' });
  t.same(await grpcProbe('127.0.0.1', port, 'down', 1, clock), { result: 'failure', output: 'service unhealthy (responded with "NOT_SERVING")' });
  t.same(await grpcProbe('127.0.0.1', port, 'unimpl', 1, clock), {
    result: 'failure',
    output: 'error: this server does not implement the grpc health protocol (grpc.health.v1.Health): unknown service',
  });
  t.equal(clock.pending(), 0);
});

t.test('timeouts: an unanswered call, and an address that refuses connections', async (t) => {
  const clock = new FakeClock();
  const hanging = grpcProbe('127.0.0.1', port, 'hang', 2, clock);
  await waitFor(() => seen.some((s) => s.service === 'hang'), { timeoutMs: 5_000, description: 'the hanging call to arrive' });
  clock.advance(2_000);
  t.same(await hanging, { result: 'failure', output: 'timeout: health rpc did not complete within 2s' });

  const refusedPort = await closedPort();
  const refused = grpcProbe('127.0.0.1', refusedPort, '', 1, clock);
  clock.advance(1_000);
  t.same(await refused, { result: 'failure', output: `timeout: failed to connect service "127.0.0.1:${refusedPort}" within 1s: context deadline exceeded` });
  t.equal(clock.pending(), 0);
});
