import t from 'tap';
import { KvResourceStore } from '../../../../apiserver/storage/resource-store.js';
import { INCONSISTENT_CONTINUE, EXPIRED_LIST } from '../../../../apiserver/storage/errors.js';
import { parseSelector } from '../../../../lib/api/labels.js';
import { parseFieldSelector } from '../../../../lib/api/fields.js';
import { StoreError } from '../../../../lib/store-client/errors.js';
import { FakeClock } from '../../../../lib/util/clock.js';
import type { KubeObject } from '../../../../lib/api/types.js';
import { MvccKv } from '../../../helpers/mvcc-kv.js';
import { DEPLOYMENTS, EVENTS, NODES, PODS, apiErrorOf, names, pod } from './fixtures.js';

function setup() {
  const kv = new MvccKv();
  return { kv, pods: new KvResourceStore(kv, PODS) };
}

t.test('create and get: resourceVersion is the modRevision, and is not stored', async (t) => {
  const { kv, pods } = setup();
  const created = await pods.create({ ...pod('default', 'a'), metadata: { ...pod('default', 'a').metadata, resourceVersion: '999' } });
  t.equal(created.metadata.resourceVersion, String(kv.revision));
  const stored = kv.store.get('/registry/pods/default/a');
  t.ok(stored, 'stored under storageKey');
  t.notOk((JSON.parse(stored!.value) as KubeObject).metadata.resourceVersion, 'no resourceVersion in the stored JSON');
  const got = await pods.get('default', 'a');
  t.same(got, created);
  t.equal(got.metadata.resourceVersion, String(stored!.modRevision));
});

t.test('AlreadyExists and NotFound carry Kubernetes messages and details', async (t) => {
  const { kv, pods } = setup();
  await pods.create(pod('default', 'a'));
  const exists = await apiErrorOf(() => pods.create(pod('default', 'a')));
  t.equal(exists.status.code, 409);
  t.equal(exists.status.reason, 'AlreadyExists');
  t.equal(exists.status.message, 'pods "a" already exists');
  t.same(exists.status.details, { name: 'a', kind: 'pods' });

  const missing = await apiErrorOf(() => pods.get('default', 'nope'));
  t.equal(missing.status.code, 404);
  t.equal(missing.status.message, 'pods "nope" not found');

  const deploys = new KvResourceStore(kv, DEPLOYMENTS);
  const d = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' } };
  await deploys.create(d);
  const e = await apiErrorOf(() => deploys.create(d));
  t.equal(e.status.message, 'deployments.apps "web" already exists');
  t.same(e.status.details, { name: 'web', group: 'apps', kind: 'deployments' });
});

t.test('bad names and namespaces are 400s', async (t) => {
  const { pods } = setup();
  const nodes = new KvResourceStore(new MvccKv(), NODES);
  const cases: Array<[string, () => Promise<unknown>, string]> = [
    ['empty name', () => pods.get('default', ''), 'Name parameter required.'],
    ['no namespace', () => pods.get(undefined, 'a'), 'Namespace parameter required.'],
    ['slash in name', () => pods.get('default', 'a/b'), `Name parameter invalid: "a/b": may not contain '/'`],
    ['dot-dot name', () => pods.get('default', '..'), `Name parameter invalid: "..": may not be '..'`],
    ['percent in namespace', () => pods.list('a%b'), `Namespace parameter invalid: "a%b": may not contain '%'`],
    ['create without namespace', () => pods.create(pod('', 'x')), 'Namespace parameter required.'],
  ];
  for (const [what, fn, message] of cases) {
    const e = await apiErrorOf(fn);
    t.equal(e.status.code, 400, what);
    t.equal(e.status.message, message, what);
  }
  // Cluster-scoped: a namespace is ignored for the key.
  await nodes.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
  t.equal((await nodes.get('ignored', 'n1')).metadata.name, 'n1');
});

t.test('list: per namespace without prefix bleed, all namespaces, selectors', async (t) => {
  const { kv, pods } = setup();
  await pods.create(pod('a', 'p1', { labels: { app: 'web' }, nodeName: 'n1' }));
  await pods.create(pod('a', 'p2', { labels: { app: 'db' }, nodeName: 'n2' }));
  await pods.create(pod('ab', 'p3', { labels: { app: 'web' }, nodeName: 'n1' }));
  await kv.put({ key: '/registry/podsx/a/zz', value: '{}' });

  const inA = await pods.list('a');
  t.same(names(inA.items), ['a/p1', 'a/p2'], 'namespace "a" does not see "ab"');
  t.equal(inA.resourceVersion, String(kv.revision));
  t.same(names((await pods.list(undefined)).items), ['a/p1', 'a/p2', 'ab/p3'], 'all namespaces');
  t.same(names((await pods.list(undefined, { labelSelector: parseSelector('app=web') })).items), ['a/p1', 'ab/p3']);
  t.same(names((await pods.list(undefined, { fieldSelector: parseFieldSelector('spec.nodeName=n2') })).items), ['a/p2']);
  t.same(
    names((await pods.list(undefined, { labelSelector: parseSelector('app=web'), fieldSelector: parseFieldSelector('metadata.namespace=ab') })).items),
    ['ab/p3'],
  );
  t.same((await pods.list('empty')).items, []);
});

t.test('pagination reads every page at the first page\'s revision', async (t) => {
  const { kv, pods } = setup();
  for (let i = 0; i < 10; i++) await pods.create(pod('default', `p${i}`));
  const first = await pods.list('default', { limit: 4 });
  t.same(names(first.items), ['default/p0', 'default/p1', 'default/p2', 'default/p3']);
  t.equal(first.remainingItemCount, 6);
  t.ok(first.continue);
  const snapshotRev = first.resourceVersion;

  // Writes between pages must not show: p5 deleted, p4 changed, a new p45 between them.
  await pods.delete('default', 'p5');
  await pods.guaranteedUpdate('default', 'p4', (o) => ({ ...o, metadata: { ...o.metadata, labels: { changed: 'yes' } } }));
  await pods.create(pod('default', 'p45'));

  const second = await pods.list('default', { limit: 4, continue: first.continue! });
  t.equal(second.resourceVersion, snapshotRev, 'same revision on every page');
  t.same(names(second.items), ['default/p4', 'default/p5', 'default/p6', 'default/p7']);
  t.notOk(second.items[0]!.metadata.labels, 'p4 as it was at the snapshot');
  t.equal(second.remainingItemCount, 2);
  const third = await pods.list('default', { limit: 4, continue: second.continue! });
  t.same(names(third.items), ['default/p8', 'default/p9']);
  t.notOk(third.continue, 'last page has no continue');
  t.equal(third.remainingItemCount, undefined);
  t.ok(Number(kv.revision) > Number(snapshotRev));
});

t.test('pagination with a selector fills pages by reading on', async (t) => {
  const { pods } = setup();
  for (let i = 0; i < 30; i++) await pods.create(pod('default', `p${String(i).padStart(2, '0')}`, { labels: { even: String(i % 2 === 0) } }));
  const sel = parseSelector('even=true');
  const seen: string[] = [];
  let cont: string | undefined;
  let pages = 0;
  do {
    const page = await pods.list('default', { limit: 4, labelSelector: sel, ...(cont ? { continue: cont } : {}) });
    t.equal(page.remainingItemCount, undefined, 'no remaining count with selectors');
    t.ok(page.items.length <= 4);
    seen.push(...names(page.items));
    cont = page.continue;
    pages++;
  } while (cont && pages < 20);
  t.equal(seen.length, 15);
  t.same(seen, Array.from({ length: 15 }, (_, i) => `default/p${String(i * 2).padStart(2, '0')}`));
});

t.test('a continue token whose revision was compacted is 410 with an inconsistent-continue token', async (t) => {
  const { kv, pods } = setup();
  for (let i = 0; i < 6; i++) await pods.create(pod('default', `p${i}`));
  const first = await pods.list('default', { limit: 2 });
  await pods.delete('default', 'p3');
  await kv.compact(kv.revision);
  const e = await apiErrorOf(() => pods.list('default', { limit: 2, continue: first.continue! }));
  t.equal(e.status.code, 410);
  t.equal(e.status.reason, 'Expired');
  t.equal(e.status.message, INCONSISTENT_CONTINUE);
  const token = (e.status.metadata as { continue?: string }).continue;
  t.ok(token, 'a token to go on inconsistently');
  const rest = await pods.list('default', { limit: 10, continue: token! });
  t.same(names(rest.items), ['default/p2', 'default/p4', 'default/p5'], 'continues at the latest revision from the same key');
  t.equal(rest.resourceVersion, String(kv.revision));
});

t.test('malformed continue tokens are 400s', async (t) => {
  const { pods } = setup();
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');
  const cases: Array<[string, string]> = [
    ['%%%', 'not base64'],
    [Buffer.from('not json').toString('base64'), 'not a JSON token'],
    [b64({ v: 'other/v1', rv: 5, start: 'a' }), 'server does not recognize this encoded version "other/v1"'],
    [b64({ v: 'meta.k8s.io/v1', rv: 0, start: 'a' }), 'incorrect encoded start resourceVersion (version meta.k8s.io/v1)'],
    [b64({ v: 'meta.k8s.io/v1', rv: 5, start: '' }), 'encoded start key is empty'],
    [b64({ v: 'meta.k8s.io/v1', rv: 5, start: '/registry/secrets/' }), 'encoded start key must be relative to the list prefix'],
  ];
  for (const [token, detail] of cases) {
    const e = await apiErrorOf(() => pods.list('default', { limit: 1, continue: token }));
    t.equal(e.status.code, 400, detail);
    t.equal(e.status.message, `invalid continue token: continue key is not valid: ${detail}`);
  }
});

t.test('update: CAS on resourceVersion, Conflict and NotFound', async (t) => {
  const { pods } = setup();
  const v1 = await pods.create(pod('default', 'a'));
  const v2 = await pods.update({ ...v1, metadata: { ...v1.metadata, labels: { x: '1' } } });
  t.ok(Number(v2.metadata.resourceVersion) > Number(v1.metadata.resourceVersion));
  t.same(v2.metadata.labels, { x: '1' });

  const stale = await apiErrorOf(() => pods.update({ ...v1, metadata: { ...v1.metadata, labels: { x: '2' } } }));
  t.equal(stale.status.code, 409);
  t.equal(stale.status.reason, 'Conflict');
  t.equal(stale.status.message, 'Operation cannot be fulfilled on pods "a": the object has been modified; please apply your changes to the latest version and try again');
  t.same((await pods.get('default', 'a')).metadata.labels, { x: '1' }, 'the stale write was not applied');

  const gone = await apiErrorOf(() => pods.update({ ...pod('default', 'ghost'), metadata: { ...pod('default', 'ghost').metadata, resourceVersion: v2.metadata.resourceVersion! } }));
  t.equal(gone.status.code, 404);
  t.equal(gone.status.message, 'pods "ghost" not found');

  const bad = await apiErrorOf(() => pods.update({ ...v2, metadata: { ...v2.metadata, resourceVersion: 'abc' } }));
  t.equal(bad.status.code, 400);
});

t.test('update without resourceVersion writes over the current object; NotFound when absent', async (t) => {
  const { pods } = setup();
  await pods.create(pod('default', 'a'));
  await pods.guaranteedUpdate('default', 'a', (o) => ({ ...o, metadata: { ...o.metadata, labels: { by: 'other' } } }));
  const { resourceVersion: _rv, ...meta } = pod('default', 'a', { labels: { by: 'me' } }).metadata;
  const written = await pods.update({ ...pod('default', 'a'), metadata: meta });
  t.same(written.metadata.labels, { by: 'me' });
  t.same((await pods.get('default', 'a')).metadata.labels, { by: 'me' });
  const e = await apiErrorOf(() => pods.update(pod('default', 'missing')));
  t.equal(e.status.code, 404);
});

t.test('guaranteedUpdate: concurrent read-modify-writes lose no update', async (t) => {
  const { pods } = setup();
  await pods.create({ ...pod('default', 'counter'), metadata: { ...pod('default', 'counter').metadata, annotations: { n: '0' } } });
  let tries = 0;
  const writers = 12;
  await Promise.all(
    Array.from({ length: writers }, () =>
      pods.guaranteedUpdate('default', 'counter', (cur) => {
        tries++;
        const n = Number(cur.metadata.annotations!.n) + 1;
        return { ...cur, metadata: { ...cur.metadata, annotations: { n: String(n) } } };
      }),
    ),
  );
  t.equal((await pods.get('default', 'counter')).metadata.annotations!.n, String(writers));
  t.ok(tries > writers, `writers really raced (${tries} tries for ${writers} writes)`);
});

t.test('guaranteedUpdate: preconditions, no-op, errors from tryUpdate, exhaustion', async (t) => {
  const { kv, pods } = setup();
  const created = await pods.create(pod('default', 'a', { uid: 'u1' }));
  const uid = await apiErrorOf(() => pods.guaranteedUpdate('default', 'a', (o) => o, { preconditions: { uid: 'u2' } }));
  t.equal(uid.status.code, 409);
  t.equal(
    uid.status.message,
    'Operation cannot be fulfilled on pods "a": StorageError: invalid object, Code: 4, Key: /registry/pods/default/a, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: u2, UID in object meta: u1',
  );
  const rv = await apiErrorOf(() => pods.guaranteedUpdate('default', 'a', (o) => o, { preconditions: { resourceVersion: '1' } }));
  t.match(rv.status.message, /Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: \d+$/);

  const before = kv.revision;
  const same = await pods.guaranteedUpdate('default', 'a', (o) => o, { preconditions: { uid: 'u1', resourceVersion: created.metadata.resourceVersion! } });
  t.equal(kv.revision, before, 'a no-op update writes nothing');
  t.equal(same.metadata.resourceVersion, created.metadata.resourceVersion);

  const thrown = await apiErrorOf(() =>
    pods.guaranteedUpdate('default', 'a', () => {
      throw new (class extends Error {})('not an api error');
    }).catch((err: Error) => {
      t.equal(err.message, 'not an api error', 'plain errors pass through unchanged');
      return pods.guaranteedUpdate('default', 'missing', (o) => o);
    }),
  );
  t.equal(thrown.status.code, 404);

  // Every try loses the race: the store gives up with a Conflict after maxAttempts.
  const racy = new KvResourceStore(kv, PODS, { maxAttempts: 3 });
  let calls = 0;
  const e = await apiErrorOf(() =>
    racy.guaranteedUpdate('default', 'a', async (o) => {
      calls++;
      await pods.guaranteedUpdate('default', 'a', (x) => ({ ...x, metadata: { ...x.metadata, labels: { bump: String(calls) } } }));
      return { ...o, metadata: { ...o.metadata, annotations: { mine: 'yes' } } };
    }),
  );
  t.equal(e.status.reason, 'Conflict');
  t.equal(calls, 3);
});

t.test('delete: returns the last state, CAS with preconditions, NotFound', async (t) => {
  const { kv, pods } = setup();
  await pods.create(pod('default', 'a', { uid: 'u1' }));
  const updated = await pods.guaranteedUpdate('default', 'a', (o) => ({ ...o, metadata: { ...o.metadata, labels: { v: '2' } } }));
  const pre = await apiErrorOf(() => pods.delete('default', 'a', { preconditions: { uid: 'other' } }));
  t.equal(pre.status.code, 409);
  t.match(pre.status.message, /UID in precondition: other, UID in object meta: u1$/);
  const last = await pods.delete('default', 'a', { preconditions: { uid: 'u1', resourceVersion: updated.metadata.resourceVersion! } });
  t.same(last, updated, 'the last state is returned');
  t.notOk(kv.store.get('/registry/pods/default/a'));
  const again = await apiErrorOf(() => pods.delete('default', 'a'));
  t.equal(again.status.code, 404);
});

t.test('ttlSeconds attaches a (reused) lease that updates keep', async (t) => {
  const clock = new FakeClock(1_000_000);
  const kv = new MvccKv();
  const events = new KvResourceStore(kv, EVENTS, { clock });
  const ev = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: 'default' }, reason: 'Test' });
  await events.create(ev('e1'), { ttlSeconds: 3600 });
  await events.create(ev('e2'), { ttlSeconds: 3600 });
  const l1 = kv.store.get('/registry/events/default/e1')!.lease;
  t.not(l1, 0, 'a lease is attached');
  t.equal(kv.store.get('/registry/events/default/e2')!.lease, l1, 'reused within its window');
  t.equal(kv.calls.leaseGrant, 1);
  await events.guaranteedUpdate('default', 'e1', (o) => ({ ...o, count: 2 }));
  t.equal(kv.store.get('/registry/events/default/e1')!.lease, l1, 'an update keeps the lease');

  clock.advance(200_000); // past the reuse window (5% of 3600 s = 180 s)
  await events.create(ev('e3'), { ttlSeconds: 3600 });
  t.not(kv.store.get('/registry/events/default/e3')!.lease, l1, 'a fresh lease after the window');

  kv.revokeLease(l1); // the lease expires
  t.notOk(kv.store.get('/registry/events/default/e1'), 'expiry deletes the object');

  // A cached lease that the store already dropped: the create still succeeds with a new one.
  const l3 = kv.store.get('/registry/events/default/e3')!.lease;
  kv.revokeLease(l3);
  await events.create(ev('e4'), { ttlSeconds: 3600 });
  const l4 = kv.store.get('/registry/events/default/e4')!.lease;
  t.ok(l4 !== 0 && l4 !== l3);

  const bad = await apiErrorOf(() => events.create(ev('e5'), { ttlSeconds: -1 }));
  t.equal(bad.status.code, 400);
});

t.test('store failures map to 503 / 504 / 410', async (t) => {
  const cases: Array<{ what: string; op: 'range' | 'txn'; err: StoreError; call: (s: KvResourceStore) => Promise<unknown>; code: number; reason: string; retry?: number }> = [
    { what: 'read while unavailable', op: 'range', err: new StoreError('unavailable', 'connect ECONNREFUSED'), call: (s) => s.get('default', 'a'), code: 503, reason: 'ServiceUnavailable', retry: 1 },
    { what: 'write without leader', op: 'txn', err: new StoreError('noLeader', 'no leader'), call: (s) => s.create(pod('default', 'b')), code: 503, reason: 'ServiceUnavailable', retry: 1 },
    { what: 'write commit timeout', op: 'txn', err: new StoreError('timeout', 'commit timed out', { outcomeUnknown: true }), call: (s) => s.create(pod('default', 'b')), code: 504, reason: 'Timeout', retry: 1 },
    { what: 'write on a dropped connection', op: 'txn', err: new StoreError('unavailable', 'socket hang up', { outcomeUnknown: true }), call: (s) => s.create(pod('default', 'b')), code: 504, reason: 'Timeout' },
    { what: 'compacted list', op: 'range', err: new StoreError('compacted', 'compacted', { compactRevision: 5 }), call: (s) => s.list('default'), code: 410, reason: 'Expired' },
    { what: 'future revision', op: 'range', err: new StoreError('futureRevision', 'required revision 99 is a future revision'), call: (s) => s.list('default'), code: 504, reason: 'Timeout', retry: 1 },
    { what: 'internal', op: 'range', err: new StoreError('internal', 'boom'), call: (s) => s.list('default'), code: 500, reason: 'InternalError' },
  ];
  for (const c of cases) {
    const kv = new MvccKv();
    const pods = new KvResourceStore(kv, PODS);
    await pods.create(pod('default', 'a'));
    kv.failNext(c.op, c.err);
    const e = await apiErrorOf(() => c.call(pods));
    t.equal(e.status.code, c.code, c.what);
    t.equal(e.status.reason, c.reason, c.what);
    if (c.retry !== undefined) t.equal(e.status.details?.retryAfterSeconds, c.retry, `${c.what}: Retry-After`);
    if (c.code === 410) t.equal(e.status.message, EXPIRED_LIST);
    if (c.code === 504 && c.op === 'txn') t.match(e.status.message, /may or may not have been applied/);
  }
});
