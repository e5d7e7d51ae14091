// Aborting a streaming watch (or a followed log) ends it at once, on a real socket: the caller's
// signal must reach the open response, not only the wait for its headers.
import t from 'tap';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeClient } from '../../../lib/client/client.js';

t.test('an aborted streaming watch ends at once and its connection closes', async (t) => {
  let closed = 0;
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(`${JSON.stringify({ type: 'ADDED', object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'default', resourceVersion: '5' } } })}\n`);
    req.socket.on('close', () => closed++);
    // …and then nothing: the watch stays open until the client goes away.
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new KubeClient({ component: 't', config: { servers: [url], namespace: 'default' }, qps: -1 });
  t.teardown(() => client.close());

  const ac = new AbortController();
  const it = client.resource('pods').watch({ mode: 'stream', resourceVersion: '1', timeoutSeconds: 300, signal: ac.signal });
  const first = await it.next();
  t.equal(first.value?.object.metadata?.name, 'a');
  const pending = it.next();
  const started = Date.now();
  ac.abort();
  const end = await Promise.race([pending, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 5000).unref())]);
  t.not(end, 'hung', 'the iterator ends without waiting for the server');
  t.ok(Date.now() - started < 5000);
  for (let i = 0; i < 100 && closed === 0; i++) await new Promise((r) => setTimeout(r, 20));
  t.equal(closed, 1, 'the watch connection is closed');
});
