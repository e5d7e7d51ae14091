import t from 'tap';
import { FakeClock } from '../../../../lib/util/clock.js';
import { Lessor } from '../../../../store/mvcc/lessor.js';
import { codeOf, del, mustApply, newStore, put } from './helpers.js';

t.test('lease grant, attach, move, detach, revoke', async (t) => {
  const { store } = newStore();
  const grant = mustApply(store, { type: 'leaseGrant', id: 10, ttl: 30 });
  t.same(grant, { type: 'leaseGrant', header: { revision: 1 }, id: 10, ttl: 30 }, 'grant does not bump the revision');
  t.equal(codeOf(store.apply({ type: 'leaseGrant', id: 10, ttl: 5 })), 'leaseExists');
  mustApply(store, { type: 'leaseGrant', id: 20, ttl: 60 });
  put(store, '/e/b', 'b', { lease: 10 });
  put(store, '/e/a', 'a', { lease: 10 });
  put(store, '/e/c', 'c', { lease: 10 });
  put(store, '/keep', 'k');
  t.same(store.lease(10)!.keys, ['/e/a', '/e/b', '/e/c']);
  put(store, '/e/c', 'c2', { lease: 20 });
  t.same(store.lease(10)!.keys, ['/e/a', '/e/b'], 'moving a key to another lease detaches it');
  t.same(store.lease(20)!.keys, ['/e/c']);
  put(store, '/e/b', 'b2');
  t.same(store.lease(10)!.keys, ['/e/a'], 'a put without lease detaches');
  put(store, '/e/b', 'b3', { lease: 10 });
  del(store, '/e/b');
  t.same(store.lease(10)!.keys, ['/e/a'], 'delete detaches');
  put(store, '/e/d', 'd', { lease: 10 });
  const before = store.currentRevision;
  const revoke = mustApply(store, { type: 'leaseRevoke', id: 10 });
  t.equal(revoke.deleted, 2);
  t.equal(revoke.header.revision, before + 1, 'revoking deletes all attached keys in one revision');
  t.equal(store.get('/e/a'), undefined);
  t.equal(store.get('/e/d'), undefined);
  t.equal(store.get('/e/c')!.value, 'c2', 'keys of other leases survive');
  t.equal(store.get('/keep')!.value, 'k');
  t.equal(store.lease(10), undefined);
  t.equal(codeOf(store.apply({ type: 'put', key: 'x', value: 'v', lease: 10 })), 'leaseNotFound', 'put with a revoked lease');
  t.equal(codeOf(store.apply({ type: 'leaseRevoke', id: 10 })), 'leaseNotFound');
  mustApply(store, { type: 'leaseGrant', id: 30, ttl: 5 });
  const empty = mustApply(store, { type: 'leaseRevoke', id: 30 });
  t.equal(empty.deleted, 0);
  t.equal(empty.header.revision, store.currentRevision, 'revoking a lease without keys does not bump');
  t.same(store.leases().map((l) => l.id), [20]);
  mustApply(store, { type: 'leaseCheckpoint', checkpoints: [{ id: 20, remainingTtl: 12 }, { id: 999, remainingTtl: 1 }] });
  t.equal(store.lease(20)!.remainingTtl, 12, 'checkpoint recorded, unknown ids ignored');
});

t.test('Lessor: expiry with a fake clock', async (t) => {
  const clock = new FakeClock(1_000_000);
  const lessor = new Lessor({ clock, minTtlSeconds: 2 });
  lessor.promote();
  t.same(lessor.grant(1, 10), { id: 1, ttl: 10 });
  t.same(lessor.grant(2, 1), { id: 2, ttl: 2 }, 'TTL raised to the minimum');
  lessor.grant(3, 30);
  t.same(lessor.expired(), []);
  clock.advance(2_000);
  t.same(lessor.expired(), [2], 'expires exactly at its deadline');
  clock.advance(5_000);
  t.equal(lessor.renew(1), 10, 'keepalive returns the TTL');
  clock.advance(5_000); // lease 1 renewed at +7s, due at +17s
  t.same(lessor.expired(), [2], 'renewed lease is not expired; 2 keeps being reported until removed');
  t.throws(() => lessor.renew(2), { code: 'leaseNotFound' }, 'an expired lease cannot be renewed');
  t.equal(lessor.remove(2), true);
  t.same(lessor.timeToLive(1), { id: 1, grantedTtl: 10, ttl: 5 });
  clock.advance(5_000);
  t.same(lessor.expired(), [1]);
  clock.advance(13_000);
  t.same(lessor.expired(), [1, 3], 'earliest deadline first');
  t.same(lessor.expired(clock.now(), 1), [1], 'limit');
  t.equal(lessor.timeToLive(404), undefined);
  t.throws(() => lessor.renew(404), { code: 'leaseNotFound' });
});

t.test('Lessor: many renewals keep the heap bounded and correct', async (t) => {
  const clock = new FakeClock(0);
  const lessor = new Lessor({ clock });
  lessor.promote();
  for (let id = 1; id <= 50; id++) lessor.grant(id, 10);
  for (let round = 0; round < 200; round++) {
    clock.advance(1_000);
    for (let id = 1; id <= 50; id += 2) lessor.renew(id); // odd ids stay alive
  }
  const expired = lessor.expired();
  t.same(expired, Array.from({ length: 25 }, (_, i) => 2 * (i + 1)), 'exactly the even (never renewed) ids');
  t.ok((lessor as unknown as { heap: unknown[] }).heap.length <= 2 * 50 + 64, 'stale heap entries are reclaimed');
});

t.test('Lessor: leadership changes never expire a lease early', async (t) => {
  const clock = new FakeClock(0);
  const follower = new Lessor({ clock });
  follower.grant(1, 10);
  follower.grant(2, 10);
  follower.checkpoint(2, 4);
  t.equal(follower.isPrimary, false);
  clock.advance(60_000);
  t.same(follower.expired(), [], 'followers never expire leases');
  t.throws(() => follower.renew(1), { code: 'notPrimary' });
  follower.promote();
  t.same(follower.timeToLive(1), { id: 1, grantedTtl: 10, ttl: 10 }, 'a full TTL from the moment of promotion');
  t.same(follower.timeToLive(2), { id: 2, grantedTtl: 10, ttl: 4 }, 'or the checkpointed remaining TTL');
  clock.advance(9_999);
  t.same(follower.expired(), [2]);
  follower.remove(2); // the driver's leaseRevoke was applied
  t.equal(follower.renew(1), 10);
  t.same(follower.checkpoints(), [{ id: 1, remainingTtl: 10 }], 'checkpoints carry the remaining TTLs');
  follower.demote();
  clock.advance(100_000);
  t.same(follower.expired(), [], 'demoted: clocks stopped');
  follower.promote(clock.now(), 500);
  clock.advance(10_000);
  t.same(follower.expired(), [], 'promote extension honoured');
  clock.advance(500);
  t.same(follower.expired(), [1]);
});
