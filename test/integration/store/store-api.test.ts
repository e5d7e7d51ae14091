// The store API end to end against real member processes: durability across kill -9 of every
// member, catch-up of a lagging member through a snapshot, watches, leases, and bad input.
import t from 'tap';
import { request } from 'undici';
import { StoreCluster } from '../../../cluster/store-cluster.js';
import { StoreClient } from '../../../lib/store-client/client.js';
import { isCompacted, StoreError } from '../../../lib/store-client/errors.js';
import { waitFor } from '../../../lib/util/wait.js';

const FAST = { heartbeatMs: 50, electionMs: 500 };

async function post(url: string, body: string | Buffer, contentType = 'application/json') {
  const res = await request(url, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.statusCode, json: json as { error?: { code: string; message: string } } };
}

t.test('acknowledged writes survive kill -9 of all members; a lagging member catches up by snapshot', async (t) => {
  const cluster = await StoreCluster.start({ size: 3, ...FAST, extraArgs: ['--snapshot-count', '300'] });
  t.teardown(() => cluster.stop());
  const client = new StoreClient({ endpoints: cluster.endpoints() });
  t.teardown(() => client.close());

  const writes = Array.from({ length: 400 }, (_, i) => client.put({ key: `/durable/${String(i).padStart(4, '0')}`, value: `value-${i}` }));
  const results = await Promise.all(writes);
  const lastRevision = Math.max(...results.map((r) => r.header.revision));

  for (const m of cluster.members) await cluster.kill(m.name, 'SIGKILL');
  for (const m of cluster.members) await cluster.restart(m.name);
  await cluster.waitReady();
  const all = await client.range({ key: '/durable/', prefix: true });
  t.equal(all.count, 400, 'every acknowledged key is back after all members were killed');
  t.equal(all.kvs[123]!.value, 'value-123');
  t.ok(all.header.revision >= lastRevision, `revision ${all.header.revision} kept (last acked ${lastRevision})`);

  // A follower misses enough writes that the leader has compacted its log past it.
  const leader = await cluster.leader();
  const follower = cluster.members.find((m) => m.name !== leader.name)!;
  await cluster.kill(follower.name, 'SIGKILL');
  for (let batch = 0; batch < 8; batch++) {
    await Promise.all(Array.from({ length: 200 }, (_, i) => client.put({ key: `/lag/${batch}/${i}`, value: 'x'.repeat(100) })));
  }
  const final = await client.put({ key: '/lag/final', value: 'done' });
  await cluster.restart(follower.name);
  const direct = new StoreClient({ endpoints: [follower.clientURL] });
  t.teardown(() => direct.close());
  const seen = await waitFor(
    async () => {
      const r = await direct.range({ key: '/lag/final', serializable: true });
      return r.kvs[0]?.modRevision === final.header.revision ? r : undefined;
    },
    { timeoutMs: 20_000, description: 'the restarted follower to catch up' },
  );
  t.equal(seen.kvs[0]!.value, 'done', 'the restarted follower serves the latest write locally');
  const count = await direct.range({ key: '/lag/', prefix: true, countOnly: true, serializable: true });
  t.equal(count.count, 1601, 'and has every key written while it was down');
});

t.test('watch replays from a revision, streams live events in order, and reports compaction', async (t) => {
  const cluster = await StoreCluster.start({ size: 3, ...FAST });
  t.teardown(() => cluster.stop());
  const client = new StoreClient({ endpoints: cluster.endpoints() });
  t.teardown(() => client.close());

  const first = await client.put({ key: '/w/a', value: '1' });
  await client.put({ key: '/w/b', value: '2' });
  await client.deleteRange({ key: '/w/a' });
  const ac = new AbortController();
  const seen: string[] = [];
  const watching = (async () => {
    for await (const batch of client.watch({ key: '/w/', prefix: true, startRevision: first.header.revision, prevKv: true }, ac.signal)) {
      for (const e of batch.events) seen.push(`${e.type} ${e.kv.key} ${e.kv.value}${e.prevKv ? ` (was ${e.prevKv.value})` : ''} @${e.kv.modRevision}`);
      if (seen.length >= 5) ac.abort();
    }
  })();
  await client.put({ key: '/w/c', value: '3' });
  await client.put({ key: '/w/b', value: '22' });
  await watching;
  const r0 = first.header.revision;
  t.same(seen, [`PUT /w/a 1 @${r0}`, `PUT /w/b 2 @${r0 + 1}`, `DELETE /w/a  (was 1) @${r0 + 2}`, `PUT /w/c 3 @${r0 + 3}`, `PUT /w/b 22 (was 2) @${r0 + 4}`]);

  await client.compact(r0 + 3);
  let caught: unknown;
  try {
    for await (const _ of client.watch({ key: '/w/', prefix: true, startRevision: r0 })) break;
  } catch (err) {
    caught = err;
  }
  t.ok(isCompacted(caught), 'a watch from a compacted revision fails with compacted');
  t.equal((caught as StoreError).compactRevision, r0 + 3);
  await t.rejects(client.range({ key: '/w/a', revision: r0 }), { code: 'compacted' });
});

t.test('leases: an unrenewed lease expires and takes its keys; keepalive holds it', async (t) => {
  const cluster = await StoreCluster.start({ size: 3, ...FAST });
  t.teardown(() => cluster.stop());
  const client = new StoreClient({ endpoints: cluster.endpoints() });
  t.teardown(() => client.close());

  const short = await client.leaseGrant(1);
  const kept = await client.leaseGrant(1);
  await client.put({ key: '/lease/short', value: 'x', lease: short.id });
  await client.put({ key: '/lease/kept', value: 'y', lease: kept.id });
  const keepalive = setInterval(() => void client.leaseKeepAlive(kept.id).catch(() => undefined), 200);
  t.teardown(() => clearInterval(keepalive));
  await waitFor(async () => (await client.range({ key: '/lease/short' })).count === 0, { timeoutMs: 10_000, description: 'the short lease to expire' });
  t.equal((await client.range({ key: '/lease/kept' })).count, 1, 'the renewed lease keeps its key');
  const ttl = await client.leaseTimeToLive(short.id);
  t.equal(ttl.ttl, -1, 'the expired lease is gone');
  await t.rejects(client.put({ key: '/lease/late', value: 'z', lease: short.id }), { code: 'leaseNotFound' });
  await client.leaseRevoke(kept.id);
  t.equal((await client.range({ key: '/lease/kept' })).count, 0, 'revoking deletes the attached key');
});

t.test('bad input gets a clear 4xx and never hurts the member', async (t) => {
  const cluster = await StoreCluster.start({ size: 1, ...FAST });
  t.teardown(() => cluster.stop());
  const url = cluster.endpoints()[0]!;
  const cases: [string, string | Buffer, number, string, string?][] = [
    ['/v3/kv/put', '{"key": "a", ', 400, 'badRequest'],
    ['/v3/kv/put', '{"key": 5, "value": "x"}', 400, 'badRequest'],
    ['/v3/kv/put', '{"key": "a", "value": "x", "surprise": 1}', 400, 'badRequest'],
    ['/v3/kv/put', JSON.stringify({ key: 'k'.repeat(5000), value: 'x' }), 400, 'keyTooLarge'],
    ['/v3/kv/put', JSON.stringify({ key: 'big', value: 'v'.repeat(1_700_000) }), 413, 'requestTooLarge'],
    ['/v3/kv/put', JSON.stringify({ key: 'huge', value: 'v'.repeat(3_000_000) }), 413, 'requestTooLarge'],
    ['/v3/kv/put', JSON.stringify({ key: '', value: 'x' }), 400, 'emptyKey'],
    ['/v3/kv/range', JSON.stringify({ key: 'a', revision: 1_000_000 }), 400, 'futureRevision'],
    ['/v3/kv/txn', JSON.stringify({ compare: [{ key: 'a', target: 'nonsense', op: '=', value: 1 }], success: [], failure: [] }), 400, 'invalidArgument'],
    ['/v3/kv/put', JSON.stringify({ key: 'a', value: 'x', lease: 42 }), 404, 'leaseNotFound'],
    ['/v3/nope', '{}', 404, 'notFound'],
  ];
  for (const [path, body, status, code] of cases) {
    const res = await post(`${url}${path}`, body);
    t.equal(res.status, status, `${path} ${String(body).slice(0, 40)} → ${status}`);
    t.equal(res.json.error?.code, code, `… with code ${code}: ${res.json.error?.message?.slice(0, 120)}`);
  }
  const peer = cluster.members[0]!.peerURL;
  const foreign = await request(`${peer}/raft/messages`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'x-k8ts-cluster-id': 'other' }, body: Buffer.from([0, 0, 0, 2, 91, 93]) });
  await foreign.body.dump();
  t.equal(foreign.statusCode, 403, 'a member of another cluster is rejected');
  const garbage = await request(`${peer}/raft/messages`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'x-k8ts-cluster-id': (await (await request(`${url}/status`)).body.json() as { clusterId: string }).clusterId }, body: Buffer.from([0, 0, 9, 9, 1]) });
  await garbage.body.dump();
  t.equal(garbage.statusCode, 400, 'a malformed peer batch is rejected');
  const after = await post(`${url}/v3/kv/put`, JSON.stringify({ key: 'still', value: 'alive' }));
  t.equal(after.status, 200, 'the member still serves after all of that');
  const metrics = await request(`${url}/metrics`);
  const text = await metrics.body.text();
  t.match(text, /^k8ts_store_proposals_committed_total [1-9]\d*$/m, 'committed proposals are counted');
  t.match(text, /^k8ts_store_wal_fsync_duration_seconds_count [1-9]\d*$/m, 'fsyncs are timed');
  t.match(text, /^k8ts_store_is_leader 1$/m);
});
