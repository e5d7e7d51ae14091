// lib/store-client's retry rules against a scripted member: an outcome-unknown answer (`timeout`)
// is never retried for a write (it may still be applied), is retried for a read; `stopped` and
// `noLeader` (not applied) are retried for anything.
import t from 'tap';
import Fastify from 'fastify';
import { StoreClient } from '../../../../lib/store-client/client.js';
import { httpStatusFor, StoreError } from '../../../../lib/store-client/errors.js';
import type { StoreErrorCode } from '../../../../lib/store-client/protocol.js';

const header = { revision: 7, memberId: '1', raftTerm: 2 };

/** A member that answers each path's first request with `firstError`, then succeeds. */
async function scriptedMember(firstError: StoreErrorCode) {
  const calls = new Map<string, number>();
  const app = Fastify({ logger: false });
  const answer = (path: string, ok: unknown) =>
    app.post(path, async (_req, reply) => {
      const n = (calls.get(path) ?? 0) + 1;
      calls.set(path, n);
      if (n === 1) return reply.code(httpStatusFor(firstError)).send({ error: { code: firstError, message: `scripted ${firstError}` } });
      return ok;
    });
  answer('/v3/kv/put', { header });
  answer('/v3/kv/txn', { header, succeeded: true, responses: [] });
  answer('/v3/kv/deleterange', { header, deleted: 1 });
  answer('/v3/kv/range', { header, kvs: [], count: 0, more: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  return { url, calls, close: () => app.close() };
}

t.test('an unknown outcome is not retried for writes, is retried for reads', async (t) => {
  const member = await scriptedMember('timeout');
  t.teardown(member.close);
  const client = new StoreClient({ endpoints: [member.url], retryBudgetMs: 5000 });
  t.teardown(() => client.close());

  for (const [name, write] of [
    ['put', () => client.put({ key: 'a', value: 'x' })],
    ['txn', () => client.txn({ compare: [{ key: 'a', target: 'version', op: '=', value: 0 }], success: [{ type: 'put', key: 'a', value: 'x' }], failure: [] })],
    ['deleteRange', () => client.deleteRange({ key: 'a' })],
  ] as const) {
    const err = await (write() as Promise<unknown>).then(() => undefined, (e: unknown) => e);
    t.ok(err instanceof StoreError && err.code === 'timeout' && err.outcomeUnknown, `${name}: throws an outcome-unknown StoreError`);
  }
  t.equal(member.calls.get('/v3/kv/put'), 1, 'the put was sent once');
  t.equal(member.calls.get('/v3/kv/txn'), 1, 'the txn was sent once');
  t.equal(member.calls.get('/v3/kv/deleterange'), 1, 'the delete was sent once');

  const r = await client.range({ key: 'a' });
  t.equal(r.header.revision, 7, 'the read succeeded on retry');
  t.equal(member.calls.get('/v3/kv/range'), 2, 'the read was retried');
});

t.test('stopped (not applied) is retried, even for writes', async (t) => {
  const member = await scriptedMember('stopped');
  t.teardown(member.close);
  const client = new StoreClient({ endpoints: [member.url], retryBudgetMs: 5000 });
  t.teardown(() => client.close());
  await client.put({ key: 'a', value: 'x' });
  t.equal(member.calls.get('/v3/kv/put'), 2, 'the put was retried after stopped');
});
