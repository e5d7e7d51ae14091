import t from 'tap';
import { isAlreadyExists, isConflict, isNotFound } from '../../../../lib/client/errors.js';
import { MemoryLease, MemoryLeaseLock } from '../../../../lib/leader/memory-lock.js';
import { FakeClock } from '../../../../lib/util/clock.js';

const record = (holderIdentity: string) => ({
  holderIdentity,
  leaseDurationSeconds: 15,
  acquireTime: '2026-12-05T09:14:03.123000Z',
  renewTime: '2026-12-05T09:14:03.123000Z',
  leaseTransitions: 0,
});
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

t.test('create once, then compare-and-swap updates on a counter resourceVersion', async (t) => {
  const lease = new MemoryLease('kube-system', 'kube-scheduler');
  const lock = new MemoryLeaseLock(lease);
  t.equal(lock.describe(), 'kube-system/kube-scheduler');
  t.equal(await lock.get(), null);
  t.ok(isNotFound(await lock.update(record('a'), '1').catch((e: unknown) => e)), 'update of a missing lease: NotFound');
  await lock.create(record('a'));
  t.ok(isAlreadyExists(await lock.create(record('b')).catch((e: unknown) => e)), 'second create: AlreadyExists');
  const got = (await lock.get())!;
  t.equal(got.resourceVersion, '1');
  await lock.update(record('b'), '1');
  t.ok(isConflict(await lock.update(record('c'), '1').catch((e: unknown) => e)), 'stale resourceVersion: Conflict');
  t.same((await lock.get())!.record.holderIdentity, 'b');
  t.same(
    lease.writes.map((w) => [w.resourceVersion, w.record.holderIdentity]),
    [['1', 'a'], ['2', 'b']],
  );
});

t.test('faults: failures before or after applying, and delays on the clock', async (t) => {
  const clock = new FakeClock();
  const lease = new MemoryLease();
  const lock = new MemoryLeaseLock(lease, { clock, requestDelayMs: 100, responseDelayMs: 50 });
  let done = false;
  const creating = lock.create(record('a')).then(() => (done = true));
  await flush();
  t.equal(lease.read(), null, 'still on its way');
  clock.advance(100);
  await flush();
  t.equal(lease.read()?.record.holderIdentity, 'a', 'applied after the request delay');
  t.notOk(done, 'the answer is still on its way');
  clock.advance(50);
  await creating;

  lock.faults = { failBefore: (op) => (op === 'update' ? new Error('refused') : undefined) };
  await t.rejects(lock.update(record('b'), '1'), { message: 'refused' });
  t.equal(lease.read()?.record.holderIdentity, 'a', 'a request failing on its way changes nothing');
  lock.faults = { failAfter: () => new Error('answer lost') };
  await t.rejects(lock.update(record('b'), '1'), { message: 'answer lost' });
  t.equal(lease.read()?.record.holderIdentity, 'b', 'a lost answer still applied the write');

  lock.faults = { requestDelayMs: 100 };
  const ac = new AbortController();
  const aborted = lock.update(record('c'), '2', ac.signal);
  ac.abort(new Error('gave up'));
  await t.rejects(aborted, { message: 'gave up' });
  clock.advance(200);
  t.equal(lease.read()?.record.holderIdentity, 'b', 'an aborted request never lands');
});
