// Every error a store listener answers carries `{error: {code, message}}`, whoever produced it:
// the member, fastify (validation, parsing, limits, unknown routes), a closing server, or node's
// HTTP parser.
import t, { type Test } from 'tap';
import { connect } from 'node:net';
import Fastify from 'fastify';
import { buildHttp, MAX_BODY_BYTES } from '../../../store/http.js';
import { ERROR_SHAPE_OPTIONS, installErrorShape } from '../../../store/http-errors.js';
import { ServiceError, type KvService } from '../../../store/service.js';
import type * as p from '../../../lib/store-client/protocol.js';

const header: p.ResponseHeader = { revision: 1, memberId: '1', raftTerm: 1 };

/** A service whose put behaves as `onPut` says; everything else is unused here. */
function fakeService(onPut: (req: p.PutRequest) => Promise<p.PutResponse>): KvService {
  const unused = () => Promise.reject(new ServiceError('internal', 'unused in this test'));
  return {
    range: unused,
    put: onPut,
    deleteRange: unused,
    txn: unused,
    compact: unused,
    leaseGrant: unused,
    leaseRevoke: unused,
    leaseKeepAlive: unused,
    leaseTimeToLive: unused,
    watch: () => {
      throw new ServiceError('stopped', 'the member is not serving');
    },
    status: () => ({ header, memberId: '1', name: 'm', clusterId: 'c', leader: '', raftTerm: 1, commitIndex: 0, appliedIndex: 0, revision: 1, compactRevision: 0, dbSize: 0, keys: 0, members: [] }),
    ready: () => ({ ok: true }),
  };
}

function assertShape(t: Test, res: { statusCode: number; body: string }, status: number, code: string, what: string): void {
  t.equal(res.statusCode, status, `${what}: HTTP ${status}`);
  let body: { error?: { code?: unknown; message?: unknown } } = {};
  try {
    body = JSON.parse(res.body);
  } catch {
    t.fail(`${what}: body is not JSON: ${res.body.slice(0, 200)}`);
  }
  t.equal(body.error?.code, code, `${what}: code ${code}`);
  t.type(body.error?.message, 'string', `${what}: has a message`);
}

t.test('fastify and service errors all answer the store error shape', async (t) => {
  const app = buildHttp({
    service: fakeService(async (req) => {
      if (req.key === 'boom') throw new Error('unexpected');
      if (req.key === 'late') throw new ServiceError('timeout', 'forwarded; outcome unknown');
      throw new ServiceError('noLeader', 'no leader');
    }),
  });
  t.teardown(() => app.close());
  const post = (url: string, payload: string | Buffer, contentType = 'application/json') => app.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType } });

  assertShape(t, await app.inject({ method: 'GET', url: '/nope' }), 404, 'notFound', 'unknown route');
  assertShape(t, await post('/v3/kv/put', '{"key": '), 400, 'badRequest', 'malformed JSON');
  assertShape(t, await post('/v3/kv/put', 'key=a', 'application/x-www-form-urlencoded'), 415, 'badRequest', 'unsupported content type');
  assertShape(t, await post('/v3/kv/put', '{"key": 1, "value": "x"}'), 400, 'badRequest', 'schema violation');
  assertShape(t, await post('/v3/kv/put', JSON.stringify({ key: 'a', value: 'v'.repeat(MAX_BODY_BYTES) })), 413, 'requestTooLarge', 'body over the limit');
  assertShape(t, await post('/v3/kv/put', '{"key": "a", "value": "x"}'), 503, 'noLeader', 'a ServiceError');
  assertShape(t, await post('/v3/kv/put', '{"key": "late", "value": "x"}'), 504, 'timeout', 'an unknown outcome');
  assertShape(t, await post('/v3/kv/put', '{"key": "boom", "value": "x"}'), 500, 'internal', 'an unexpected exception');
});

t.test('a request that arrives while the server closes gets 503 stopped with the shape', async (t) => {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let entered!: () => void;
  const inHandler = new Promise<void>((r) => (entered = r));
  const app = buildHttp({
    service: fakeService(async () => {
      entered();
      await held;
      return { header };
    }),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  // A second request on a busy keep-alive connection after close() began: how requests reach a
  // closing server in production (inject() cannot reach a closing instance).
  const put = (key: string) => {
    const body = JSON.stringify({ key, value: 'x' });
    return `POST /v3/kv/put HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  };
  const sock = connect(port, '127.0.0.1');
  let raw = '';
  sock.on('data', (d) => (raw += d.toString('utf8')));
  const closed = new Promise<void>((r) => sock.on('close', () => r()));
  sock.write(put('a'));
  await inHandler;
  const closing = app.close();
  sock.write(put('b'));
  await new Promise((r) => setTimeout(r, 50)); // the second request reaches the server meanwhile
  release();
  await closing;
  await closed;
  const answers = raw.split(/(?=HTTP\/1\.1 )/);
  t.equal(answers.length, 2, 'both requests were answered');
  t.match(answers[0], /^HTTP\/1\.1 200 /, 'the request in flight finishes');
  const [head, body = ''] = (answers[1] ?? '').split('\r\n\r\n');
  t.match(head, /^HTTP\/1\.1 503 /);
  assertShape(t, { statusCode: 503, body }, 503, 'stopped', 'request during close');
});

t.test("node's own client errors (malformed request line) carry the shape too", async (t) => {
  const app = Fastify({ ...ERROR_SHAPE_OPTIONS, logger: false });
  installErrorShape(app, { bodyLimit: 1024 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => app.close());
  const port = (app.server.address() as { port: number }).port;
  const raw = await new Promise<string>((resolve, reject) => {
    const sock = connect(port, '127.0.0.1', () => sock.write('THIS IS NOT HTTP\r\n\r\n'));
    let text = '';
    sock.on('data', (d) => (text += d.toString('utf8')));
    sock.on('close', () => resolve(text));
    sock.on('error', reject);
  });
  const [head, body = ''] = raw.split('\r\n\r\n');
  t.match(head, /^HTTP\/1\.1 400 /, 'answered 400');
  assertShape(t, { statusCode: 400, body }, 400, 'badRequest', 'malformed request line');
  assertShape(t, await app.inject({ method: 'DELETE', url: '/x' }), 404, 'notFound', 'a bare app with the shape installed: unknown route');
});
