import t from 'tap';
import { FakeClock } from '../../../../lib/util/clock.js';
import { RestClient, isConnectionError, isClientTimeout } from '../../../../lib/client/rest.js';
import { isConflict, isServiceUnavailable, isTimeout, isTooManyRequests } from '../../../../lib/client/errors.js';
import { FakeTransport, caught, drive, refused, reset, status, type Handler } from '../../../helpers/fake-http.js';

function client(handler: Handler, opts: { servers?: string[]; qps?: number; burst?: number; timeoutMs?: number; token?: string } = {}) {
  const clock = new FakeClock(1_000_000);
  const transport = new FakeTransport(handler);
  const rest = new RestClient({
    servers: opts.servers ?? ['http://a'],
    transport,
    userAgent: 'test/v0 (linux/x64) k8ts',
    qps: opts.qps ?? -1,
    burst: opts.burst ?? 1,
    timeoutMs: opts.timeoutMs ?? 0,
    clock,
    random: () => 0,
    ...(opts.token ? { token: opts.token } : {}),
  });
  return { clock, transport, rest };
}

t.test('sends the User-Agent, bearer token, JSON body and query', async (t) => {
  const { rest, transport } = client(() => ({ status: 201, body: { ok: true } }), { token: 's3cret' });
  const out = await rest.json({ method: 'POST', path: '/api/v1/namespaces/a/pods', query: { fieldManager: 'x y', dryRun: undefined, l: ['1', '2'] }, body: { a: 1 } });
  t.same(out, { ok: true });
  const r = transport.requests[0]!;
  t.equal(r.path, '/api/v1/namespaces/a/pods?fieldManager=x%20y&l=1&l=2');
  t.equal(r.headers['user-agent'], 'test/v0 (linux/x64) k8ts');
  t.equal(r.headers['authorization'], 'Bearer s3cret');
  t.equal(r.headers['content-type'], 'application/json');
  t.equal(r.body, '{"a":1}');
});

t.test('a Status answer becomes a typed error, not retried when it is a 409', async (t) => {
  const { rest, transport } = client(() => status(409, 'Conflict', 'the object has been modified'));
  const err: unknown = await caught(rest.json({ method: 'PUT', path: '/x' }));
  t.ok(isConflict(err) && (err as Error).message === 'the object has been modified', String(err));
  t.equal(transport.requests.length, 1);
});

t.test('429 is retried on any verb after Retry-After seconds', async (t) => {
  const { rest, transport, clock } = client((_r, n) => (n < 2 ? { ...status(429, 'TooManyRequests'), headers: { 'retry-after': '3' } } : { status: 201, body: {} }));
  const start = clock.now();
  await drive(clock, rest.json({ method: 'POST', path: '/x', body: {} }));
  t.equal(transport.requests.length, 3);
  t.equal(clock.now() - start, 6000, 'waited Retry-After twice');
});

t.test('503 (store unreachable, nothing done) is retried on a POST and fails over', async (t) => {
  const { rest, transport, clock } = client((r) => (r.server === 'http://a' ? status(503, 'ServiceUnavailable') : { status: 201, body: { made: r.server } }), { servers: ['http://a', 'http://b'] });
  const out = await drive(clock, rest.json<{ made: string }>({ method: 'POST', path: '/x', body: {} }));
  t.equal(out.made, 'http://b');
  t.equal(rest.server, 'http://b', 'sticks to the server that answered');
  t.equal(transport.requests.length, 2);
});

t.test('504 (outcome unknown) is not retried on a POST, but is on a GET', async (t) => {
  const post = client(() => status(504, 'Timeout'));
  const e: unknown = await caught(drive(post.clock, post.rest.json({ method: 'POST', path: '/x', body: {} })));
  t.ok(isTimeout(e), String(e));
  t.equal(post.transport.requests.length, 1);
  const get = client((_r, n) => (n === 0 ? status(504, 'Timeout') : { status: 200, body: { ok: 1 } }));
  t.same(await drive(get.clock, get.rest.json({ method: 'GET', path: '/x' })), { ok: 1 });
  t.equal(get.transport.requests.length, 2);
});

t.test('a refused connection fails over to the next apiserver for any verb', async (t) => {
  const { rest, transport, clock } = client((r) => {
    if (r.server === 'http://a') throw refused();
    return { status: 201, body: {} };
  }, { servers: ['http://a', 'http://b'] });
  await drive(clock, rest.json({ method: 'POST', path: '/x', body: {} }));
  t.same(transport.requests.map((r) => r.server), ['http://a', 'http://b']);
});

t.test('a connection reset after sending: GET retried, POST surfaces a ConnectionError', async (t) => {
  const get = client((_r, n) => {
    if (n < 2) throw reset();
    return { status: 200, body: { ok: 1 } };
  });
  t.same(await drive(get.clock, get.rest.json({ method: 'GET', path: '/x' })), { ok: 1 });
  t.equal(get.transport.requests.length, 3);
  const post = client(() => {
    throw reset();
  });
  const e: unknown = await caught(drive(post.clock, post.rest.json({ method: 'POST', path: '/x', body: {} })));
  t.ok(isConnectionError(e) && /may have reached the server/.test((e as Error).message), String(e));
  t.equal(post.transport.requests.length, 1);
});

t.test('retries are bounded', async (t) => {
  const { rest, transport, clock } = client(() => status(503, 'ServiceUnavailable'));
  const e: unknown = await caught(drive(clock, rest.json({ method: 'GET', path: '/x' })));
  t.ok(isServiceUnavailable(e), String(e));
  t.equal(transport.requests.length, 11, 'first try + 10 retries');
});

t.test('the rate limiter spaces requests after the burst', async (t) => {
  const { rest, transport, clock } = client(() => ({ status: 200, body: {} }), { qps: 2, burst: 3 });
  const start = clock.now();
  const times: number[] = [];
  const all = Promise.all(Array.from({ length: 6 }, () => rest.json({ method: 'GET', path: '/x' }).then(() => times.push(clock.now() - start))));
  await drive(clock, all);
  t.same(times, [0, 0, 0, 500, 1000, 1500]);
  t.equal(transport.requests.length, 6);
});

t.test('noThrottle requests skip the limiter', async (t) => {
  const { rest, clock } = client(() => ({ status: 200, body: {} }), { qps: 1, burst: 1 });
  await rest.json({ method: 'GET', path: '/x' });
  const start = clock.now();
  await rest.json({ method: 'GET', path: '/x', noThrottle: true });
  t.equal(clock.now(), start);
});

t.test('a deadline covers the call with its retries', async (t) => {
  const { rest, clock } = client(() => ({ ...status(429, 'TooManyRequests'), headers: { 'retry-after': '10' } }), { timeoutMs: 15_000 });
  const e: unknown = await caught(drive(clock, rest.json({ method: 'GET', path: '/x' })));
  t.ok(isClientTimeout(e), String(e));
});

t.test('the caller aborting ends a call waiting to retry', async (t) => {
  const { rest, clock } = client(() => ({ ...status(429, 'TooManyRequests'), headers: { 'retry-after': '10' } }));
  const ac = new AbortController();
  const p = rest.json({ method: 'GET', path: '/x', signal: ac.signal });
  p.catch(() => undefined);
  await new Promise((r) => setImmediate(r));
  ac.abort(new Error('stop'));
  await t.rejects(p, /stop/);
  t.ok(clock.pending() === 0, 'no timers left behind');
  t.notOk(isTooManyRequests(undefined));
});

t.test('non-Status error bodies still become StatusErrors with a reason from the code', async (t) => {
  const { rest } = client(() => ({ status: 404, body: '<html>nope</html>' }));
  await t.rejects(rest.json({ method: 'GET', path: '/x' }), { reason: 'NotFound', message: '<html>nope</html>' });
});
