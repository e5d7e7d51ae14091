// The member driver (store/member.ts + store/member/*) in an in-memory 3-member cluster driven by a
// FakeClock: election, commit, request timeouts, and the outcome of writes a stopping or failing
// member holds.
import t from 'tap';
import { ServiceError } from '../../../store/service.js';
import { MemoryCluster, track } from './memory-cluster.js';

t.test('elects a leader and commits a put that every member applies', async (t) => {
  const c = await MemoryCluster.start(3);
  t.teardown(() => c.stop());
  const leader = await c.leader();
  const follower = c.members.find((m) => m !== leader)!;
  const put = track(follower.put({ key: '/a', value: 'one' }));
  await c.until(() => put.done, 'the put to be answered');
  t.error(put.error, 'the put (forwarded by a follower) succeeded');
  const revision = put.value!.header.revision;
  for (const m of c.members) {
    const r = await c.until(() => m.status().revision >= revision || undefined, `member ${m.cfg.name} to apply`);
    t.ok(r);
    const got = await m.range({ key: '/a', serializable: true });
    t.equal(got.kvs[0]?.value, 'one', `${m.cfg.name} has the value`);
  }
  const read = track(follower.range({ key: '/a' }));
  await c.until(() => read.done, 'a linearizable read');
  t.equal(read.value?.kvs[0]?.value, 'one', 'a linearizable read on a follower sees the write');
});

t.test('a proposal that cannot commit times out with an outcome-unknown timeout', async (t) => {
  const c = await MemoryCluster.start(3);
  t.teardown(() => c.stop());
  const leader = await c.leader();
  const others = c.members.filter((m) => m !== leader).map((m) => m.cfg.id);
  c.cutLinks(leader.cfg.id, others);
  const put = track(leader.put({ key: '/lost', value: 'x' }));
  await c.until(() => put.done, 'the put to time out', 30);
  t.ok(put.error instanceof ServiceError && put.error.code === 'timeout', `answered timeout: ${(put.error as Error)?.message}`);
  t.match((put.error as Error).message, /timed out after 1000 ms/);
});

t.test("stop() answers a follower's forwarded writes as outcome-unknown, and they can still commit", async (t) => {
  const c = await MemoryCluster.start(3);
  t.teardown(() => c.stop());
  const leader = await c.leader();
  const [follower, other] = c.members.filter((m) => m !== leader);
  // The leader gets the forwarded proposal but cannot replicate it yet.
  c.cutLinks(leader.cfg.id, [follower!.cfg.id, other!.cfg.id]);
  const puts = [0, 1, 2].map((i) => track(follower!.put({ key: `/forwarded/${i}`, value: `v${i}` })));
  await c.settle();
  t.ok(puts.every((p) => !p.done), 'the writes are pending on the follower');
  await follower!.stop();
  await c.settle();
  for (const p of puts) {
    t.ok(p.error instanceof ServiceError, 'the write was answered with an error');
    t.equal((p.error as ServiceError).code, 'timeout', 'code timeout (outcome unknown), not stopped (safe to retry)');
  }
  // Healing lets the leader replicate to the remaining follower: the writes commit after all.
  c.healAll();
  const got = await c.until(() => (leader.status().revision >= 4 ? leader : undefined), 'the forwarded writes to commit');
  const r = await got.range({ key: '/forwarded/', prefix: true, serializable: true });
  t.same(r.kvs.map((kv) => kv.value), ['v0', 'v1', 'v2'], 'every write answered "unknown" was in fact applied');
});

t.test('a member whose Ready loop fails calls onFatal, answers pending writes as unknown, and stops serving', async (t) => {
  const fatal: Error[] = [];
  const c = await MemoryCluster.start(1, { onFatal: (err) => fatal.push(err) });
  t.teardown(() => c.stop());
  const m = await c.leader();
  // Break its disk: the next WAL append throws.
  await (m as unknown as { wal: { close(): Promise<void> } }).wal.close();
  const put = track(m.put({ key: '/doomed', value: 'x' }));
  await c.until(() => put.done, 'the put to be answered', 20);
  t.equal(fatal.length, 1, 'onFatal was called once');
  t.equal((put.error as ServiceError).code, 'timeout', 'the pending write is outcome-unknown');
  t.equal(m.ready().ok, false, 'the member reports not ready');
  await t.rejects(m.put({ key: '/after', value: 'y' }), { code: 'stopped' }, 'new writes are refused as stopped (not applied)');
});
