import t, { type Test } from 'tap';
import { WatchCacheSet, createWatchCache, type StoreWatchCache } from '../../../../apiserver/storage/watch-cache.js';
import { KvResourceStore } from '../../../../apiserver/storage/resource-store.js';
import { CachedWatchEvent, encodeWatchEvent } from '../../../../apiserver/storage/watch-event.js';
import { ApiError } from '../../../../lib/api/errors.js';
import type { WatchEvent } from '../../../../apiserver/storage/interfaces.js';
import { parseSelector } from '../../../../lib/api/labels.js';
import { parseFieldSelector } from '../../../../lib/api/fields.js';
import { StoreError } from '../../../../lib/store-client/errors.js';
import { FakeClock } from '../../../../lib/util/clock.js';
import type { KubeObject } from '../../../../lib/api/types.js';
import { MvccKv } from '../../../helpers/mvcc-kv.js';
import { NODES, PODS, apiErrorOf, names, pod } from './fixtures.js';
import { Recorder, caughtUp, describe, tick } from './watch-helpers.js';

interface Setup {
  kv: MvccKv;
  pods: KvResourceStore;
  cache: StoreWatchCache;
  clock: FakeClock;
}

async function setup(t: Test, opts: { windowSize?: number; before?: (pods: KvResourceStore) => Promise<void> } = {}): Promise<Setup> {
  const kv = new MvccKv();
  const pods = new KvResourceStore(kv, PODS);
  if (opts.before) await opts.before(pods);
  const clock = new FakeClock(1_000_000);
  const cache = createWatchCache(kv, PODS, { clock, ...(opts.windowSize ? { windowSize: opts.windowSize } : {}) });
  t.teardown(() => cache.stop());
  await cache.ready();
  return { kv, pods, cache, clock };
}

const label = (o: KubeObject, labels: Record<string, string>): KubeObject => ({ ...o, metadata: { ...o.metadata, labels } });

t.test('rv=0 watch: ADDED for every current match, then live events; list from memory', async (t) => {
  const { kv, pods, cache } = await setup(t, {
    before: async (pods) => {
      await pods.create(pod('a', 'p2'));
      await pods.create(pod('a', 'p1'));
      await pods.create(pod('ab', 'p3'));
    },
  });
  t.equal(cache.revision, kv.revision, 'loaded at the store revision');
  const rec = new Recorder();
  cache.watch('a', { resourceVersion: '0' }, rec.send);
  t.equal(rec.calls, 0, 'nothing is sent from inside watch()');
  await tick();
  const p1 = await pods.get('a', 'p1');
  const p2 = await pods.get('a', 'p2');
  t.same(rec.lines(), [`ADDED a/p1@${p1.metadata.resourceVersion}`, `ADDED a/p2@${p2.metadata.resourceVersion}`], 'namespace "a" only, in key order');

  const p4 = await pods.create(pod('a', 'p4'));
  await pods.create(pod('ab', 'p5'));
  const p1b = await pods.guaranteedUpdate('a', 'p1', (o) => label(o, { x: 'y' }));
  await caughtUp(cache, kv);
  t.same(rec.lines().slice(2), [`ADDED a/p4@${p4.metadata.resourceVersion}`, `MODIFIED a/p1@${p1b.metadata.resourceVersion}`]);

  const fromStore = await pods.list(undefined);
  const fromCache = cache.list(undefined);
  t.same(fromCache.items, fromStore.items, 'cache list equals the store list');
  t.equal(fromCache.resourceVersion, fromStore.resourceVersion);
  t.same(names(cache.list('ab').items), ['ab/p3', 'ab/p5']);
});

t.test('watch from a resourceVersion replays the window, then streams', async (t) => {
  const { kv, pods, cache } = await setup(t);
  const a = await pods.create(pod('default', 'a'));
  const b = await pods.create(pod('default', 'b'));
  await pods.delete('default', 'a');
  await caughtUp(cache, kv);
  const deleteRev = kv.revision;
  const rec = new Recorder();
  cache.watch(undefined, { resourceVersion: a.metadata.resourceVersion! }, rec.send);
  await tick();
  t.same(rec.lines(), [`ADDED default/b@${b.metadata.resourceVersion}`, `DELETED default/a@${deleteRev}`], 'DELETED carries the deletion revision');
  const b2 = await pods.guaranteedUpdate('default', 'b', (o) => label(o, { v: '2' }));
  await caughtUp(cache, kv);
  t.same(rec.lines().slice(2), [`MODIFIED default/b@${b2.metadata.resourceVersion}`]);

  // A future resourceVersion: nothing until the cache passes it.
  const future = new Recorder();
  cache.watch(undefined, { resourceVersion: String(kv.revision + 1) }, future.send);
  await pods.create(pod('default', 'skipped'));
  const c = await pods.create(pod('default', 'c'));
  await caughtUp(cache, kv);
  t.same(future.lines(), [`ADDED default/c@${c.metadata.resourceVersion}`]);
});

t.test('a resourceVersion older than the window is 410 Expired', async (t) => {
  const { kv, pods, cache } = await setup(t, { windowSize: 3, before: async (pods) => void (await pods.create(pod('default', 'base'))) });
  const listRev = cache.revision;
  // Within the window right after the list: the list revision itself is fine.
  t.doesNotThrow(() => cache.watch(undefined, { resourceVersion: String(listRev) }, () => true)());
  for (let i = 0; i < 5; i++) await pods.create(pod('default', `p${i}`));
  await caughtUp(cache, kv);
  const oldest = cache.oldestResourceVersion;
  t.equal(oldest, kv.revision - 3, 'three changes kept');
  const e = await apiErrorOf(() => cache.watch(undefined, { resourceVersion: String(listRev) }, () => true));
  t.equal(e.status.code, 410);
  t.equal(e.status.reason, 'Expired');
  t.equal(e.status.message, `too old resource version: ${listRev} (${oldest})`);
  const p = await apiErrorOf(() => cache.poll(undefined, { resourceVersion: String(oldest - 1) }, 1000));
  t.equal(p.status.code, 410);
  const ok = new Recorder();
  cache.watch(undefined, { resourceVersion: String(oldest) }, ok.send);
  await tick();
  t.equal(ok.events.length, 3, 'the oldest allowed resourceVersion replays the whole window');
  const bad = await apiErrorOf(() => cache.watch(undefined, { resourceVersion: 'abc' }, () => true));
  t.equal(bad.status.code, 400);
});

t.test('selectors: Kubernetes transition rules', async (t) => {
  const { kv, pods, cache } = await setup(t);
  const web = new Recorder();
  const onN1 = new Recorder();
  cache.watch('default', { labelSelector: parseSelector('app=web') }, web.send);
  cache.watch('default', { fieldSelector: parseFieldSelector('spec.nodeName=n1') }, onN1.send);
  await tick();

  await pods.create(pod('default', 'x', { labels: { app: 'db' } })); // matches neither
  const x1 = await pods.guaranteedUpdate('default', 'x', (o) => label(o, { app: 'web' })); // starts matching → ADDED
  const x2 = await pods.guaranteedUpdate('default', 'x', (o) => ({ ...o, spec: { ...(o.spec as object), nodeName: 'n1' } })); // still web → MODIFIED
  const x3 = await pods.guaranteedUpdate('default', 'x', (o) => label(o, { app: 'db' })); // stops matching → DELETED
  await pods.delete('default', 'x'); // did not match web: nothing; matched n1: DELETED
  const delRev = kv.revision;
  await caughtUp(cache, kv);

  t.same(web.lines(), [`ADDED default/x@${x1.metadata.resourceVersion}`, `MODIFIED default/x@${x2.metadata.resourceVersion}`, `DELETED default/x@${x3.metadata.resourceVersion}`]);
  const gone = web.events[2]!.object as KubeObject;
  t.same(gone.metadata.labels, { app: 'web' }, 'DELETED on leaving carries the last matching state, at the change revision');
  t.same(onN1.lines(), [`ADDED default/x@${x2.metadata.resourceVersion}`, `MODIFIED default/x@${x3.metadata.resourceVersion}`, `DELETED default/x@${delRev}`]);

  // rv=0 with a selector: ADDED for current matches only.
  await pods.create(pod('default', 'w1', { labels: { app: 'web' } }));
  await pods.create(pod('default', 'd1', { labels: { app: 'db' } }));
  await caughtUp(cache, kv);
  const initial = new Recorder();
  cache.watch(undefined, { labelSelector: parseSelector('app=web') }, initial.send);
  await tick();
  t.same(initial.lines().map((l) => l.split('@')[0]), ['ADDED default/w1']);
  t.same(names(cache.list(undefined, { labelSelector: parseSelector('app in (web,db)') }).items), ['default/d1', 'default/w1']);
});

t.test('events are shared, frozen, and encoded once', async (t) => {
  const { kv, pods, cache } = await setup(t);
  const r1 = new Recorder();
  const r2 = new Recorder();
  cache.watch(undefined, {}, r1.send);
  cache.watch('default', {}, r2.send);
  await tick();
  await pods.create(pod('default', 'a', { labels: { k: 'v' } }));
  await caughtUp(cache, kv);
  const [e1] = r1.events;
  const [e2] = r2.events;
  t.equal(e1, e2, 'the same event instance goes to every watcher');
  t.ok(e1 instanceof CachedWatchEvent);
  const line = encodeWatchEvent(e1!);
  t.same(JSON.parse(line), { type: 'ADDED', object: e1!.object });
  t.equal(line, JSON.stringify(e1), 'JSON.stringify of a cached event gives the same line');
  const cached = e1 as CachedWatchEvent;
  t.equal(cached.json, JSON.stringify(e1!.object), '`json` is the object\'s JSON');
  t.equal(cached.line, line);
  t.equal(encodeWatchEvent(e2!), line);
  t.ok(Object.isFrozen((e1!.object as KubeObject).metadata.labels));
  t.throws(() => {
    ((e1!.object as KubeObject).metadata.labels as Record<string, string>).k = 'changed';
  }, TypeError);
  const plain: WatchEvent = { type: 'MODIFIED', object: pod('default', 'z') };
  t.equal(encodeWatchEvent(plain), JSON.stringify(plain));
});

t.test('exactly once, in order, under concurrent writers and watchers joining mid-stream', async (t) => {
  const { kv, pods, cache } = await setup(t, { windowSize: 100_000 });
  const fromStart = new Recorder();
  cache.watch(undefined, {}, fromStart.send);
  const joiners: Array<{ rec: Recorder; rv: number }> = [];
  const writers = 6;
  const opsPerWriter = 30;
  const writer = async (w: number): Promise<void> => {
    for (let i = 0; i < opsPerWriter; i++) {
      const name = `w${w}-${i % 4}`;
      const step = Math.floor(i / 4) % 3;
      try {
        if (step === 0) await pods.create(pod('default', name));
        else if (step === 1) await pods.guaranteedUpdate('default', name, (o) => label(o, { i: String(i) }));
        else await pods.delete('default', name);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err; // AlreadyExists / NotFound races are fine
      }
      if (w === 0 && i % 10 === 5) {
        // A watcher joins from the revision the cache is at right now.
        const rec = new Recorder();
        const rv = cache.revision;
        cache.watch(undefined, { resourceVersion: String(rv) }, rec.send);
        joiners.push({ rec, rv });
      }
    }
  };
  await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
  await caughtUp(cache, kv);

  const finalState = new Map((await pods.list(undefined)).items.map((o) => [o.metadata.name!, o.metadata.resourceVersion!]));
  const check = async (rec: Recorder, rv: number | undefined, what: string): Promise<void> => {
    const state = new Map<string, string>();
    if (rv !== undefined) {
      const at = await kv.range({ key: '/registry/pods/', prefix: true, revision: rv });
      for (const k of at.kvs) state.set(k.key.split('/').pop()!, String(k.modRevision));
    }
    let last = 0;
    let problems = 0;
    for (const ev of rec.events) {
      const o = ev.object as KubeObject;
      const name = o.metadata.name!;
      const r = Number(o.metadata.resourceVersion);
      const synthetic = rv === undefined && ev.type === 'ADDED' && r <= last;
      if (!synthetic && r < last) problems++;
      if (!synthetic) last = r;
      if (ev.type === 'ADDED' && state.has(name)) problems++;
      if (ev.type !== 'ADDED' && !state.has(name)) problems++;
      if (ev.type === 'DELETED') state.delete(name);
      else state.set(name, String(r));
    }
    t.equal(problems, 0, `${what}: no duplicate, missing or out-of-order event`);
    t.same(Object.fromEntries(state), Object.fromEntries(finalState), `${what}: replaying the events gives the final state`);
  };
  await check(fromStart, undefined, 'watcher from the start');
  t.ok(joiners.length >= 2);
  for (const [i, j] of joiners.entries()) await check(j.rec, j.rv, `watcher ${i} joining at ${j.rv}`);
  t.ok(fromStart.events.length > writers * 10, `${fromStart.events.length} events seen`);
});

t.test('relist after compaction ends lagging watches with 410 and rebuilds the state', async (t) => {
  const { kv, pods, cache } = await setup(t, { before: async (pods) => void (await pods.create(pod('default', 'keep'))) });
  const rec = new Recorder();
  cache.watch(undefined, { resourceVersion: '0' }, rec.send);
  await tick();
  const oldRev = cache.revision;

  kv.interruptWatches();
  await pods.create(pod('default', 'new'));
  await pods.delete('default', 'keep');
  await kv.compact(kv.revision);
  kv.resumeWatches();
  await caughtUp(cache, kv);

  t.equal(cache.revision, kv.revision);
  t.same(names(cache.list(undefined).items), ['default/new'], 'state rebuilt from the new list');
  t.equal(rec.lines().length, 2);
  t.match(rec.lines()[0], /^ADDED default\/keep@/);
  t.equal(rec.lines()[1], `ERROR 410 too old resource version: ${oldRev} (${kv.revision})`, 'the old watch ended with 410');
  t.equal(cache.watcherCount, 0);
  const e = await apiErrorOf(() => cache.watch(undefined, { resourceVersion: String(oldRev) }, () => true));
  t.equal(e.status.code, 410, 'old resourceVersions are expired');
  const after = new Recorder();
  cache.watch(undefined, { resourceVersion: String(kv.revision) }, after.send);
  const n2 = await pods.create(pod('default', 'n2'));
  await caughtUp(cache, kv);
  t.same(after.lines(), [`ADDED default/n2@${n2.metadata.resourceVersion}`]);
});

t.test('an interrupted store watch resumes without losing or ending client watches', async (t) => {
  const { kv, pods, cache } = await setup(t);
  const rec = new Recorder();
  cache.watch(undefined, {}, rec.send);
  await tick();
  kv.interruptWatches();
  const a = await pods.create(pod('default', 'a'));
  const b = await pods.create(pod('default', 'b'));
  kv.resumeWatches();
  await caughtUp(cache, kv);
  t.same(rec.lines(), [`ADDED default/a@${a.metadata.resourceVersion}`, `ADDED default/b@${b.metadata.resourceVersion}`]);
  t.equal(kv.calls.range, 1, 'no relist: the only range is the first list');
});

t.test('a consumer that returns false is dropped; a throwing one too', async (t) => {
  const { kv, pods, cache } = await setup(t);
  const slow = new Recorder((calls) => calls < 2);
  const thrower = (): boolean => {
    throw new Error('socket gone');
  };
  const fine = new Recorder();
  cache.watch(undefined, {}, slow.send);
  cache.watch(undefined, {}, thrower);
  cache.watch(undefined, {}, fine.send);
  await tick();
  t.equal(cache.watcherCount, 3);
  for (let i = 0; i < 3; i++) {
    await pods.create(pod('default', `p${i}`));
    await caughtUp(cache, kv);
  }
  t.equal(slow.calls, 2, 'no send after it returned false');
  t.equal(fine.events.length, 3);
  t.equal(cache.watcherCount, 1);
});

t.test('poll: batches what is there, waits for the next change, times out empty', async (t) => {
  const { kv, pods, cache, clock } = await setup(t);
  const start = String(cache.revision);
  await pods.create(pod('default', 'a'));
  await pods.create(pod('other', 'b'));
  await pods.create(pod('default', 'c'));
  await caughtUp(cache, kv);

  const batch = await cache.poll('default', { resourceVersion: start }, 30_000);
  t.same(batch.events.map(describe).map((l) => l.split('@')[0]), ['ADDED default/a', 'ADDED default/c'], 'all pending events at once');
  t.equal(batch.resourceVersion, String(kv.revision));

  const waiting = cache.poll('default', { resourceVersion: batch.resourceVersion }, 30_000);
  await pods.create(pod('other', 'ignored')); // moves the revision on, matches nothing
  await caughtUp(cache, kv);
  clock.advance(30_000);
  const empty = await waiting;
  t.same(empty.events, [], 'an empty batch at the timeout');
  t.equal(empty.resourceVersion, String(kv.revision), 'with the revision to poll from next');

  const next = cache.poll('default', { resourceVersion: empty.resourceVersion }, 30_000);
  const d = await pods.create(pod('default', 'd'));
  const got = await next;
  t.same(got.events.map(describe), [`ADDED default/d@${d.metadata.resourceVersion}`], 'resolves on the next change');
  t.equal(clock.pending(), 0, 'its timer is cleared');

  const initial = await cache.poll('default', { resourceVersion: '0' }, 30_000);
  t.same(initial.events.map(describe).map((l) => l.split('@')[0]), ['ADDED default/a', 'ADDED default/c', 'ADDED default/d']);

  const ac = new AbortController();
  const aborted = cache.poll('default', { resourceVersion: got.resourceVersion }, 30_000, ac.signal);
  ac.abort(new Error('client went away'));
  await t.rejects(aborted, { message: 'client went away' });
  t.equal(clock.pending(), 0);
});

t.test('waitFor: resolves when the cache reaches a revision, 504 when it does not in time', async (t) => {
  const { kv, pods, cache, clock } = await setup(t);
  const target = kv.revision + 1;
  const reached = cache.waitFor(target, 5000);
  await pods.create(pod('default', 'a'));
  await reached;
  t.ok(cache.revision >= target);
  const late = cache.waitFor(kv.revision + 10, 5000);
  clock.advance(5000);
  const e = await apiErrorOf(() => late);
  t.equal(e.status.code, 504);
  t.equal(e.status.message, `Timeout: Too large resource version: ${kv.revision + 10}, current: ${cache.revision}`);
});

t.test('list from memory: pages, selectors, and tokens the store accepts', async (t) => {
  const { kv, pods, cache } = await setup(t, {
    before: async (pods) => {
      for (let i = 0; i < 7; i++) await pods.create(pod('default', `p${i}`, { labels: { odd: String(i % 2 === 1) } }));
      await pods.create(pod('zz', 'other'));
    },
  });
  const first = cache.list('default', { limit: 3 });
  t.same(names(first.items), ['default/p0', 'default/p1', 'default/p2']);
  t.equal(first.remainingItemCount, 4);
  const second = cache.list('default', { limit: 3, continue: first.continue! });
  t.same(names(second.items), ['default/p3', 'default/p4', 'default/p5']);
  const last = cache.list('default', { limit: 3, continue: second.continue! });
  t.same(names(last.items), ['default/p6']);
  t.notOk(last.continue);

  const odd = cache.list(undefined, { limit: 2, labelSelector: parseSelector('odd=true') });
  t.same(names(odd.items), ['default/p1', 'default/p3']);
  t.equal(odd.remainingItemCount, undefined);

  // First page from the cache, the rest from the store at the same revision, despite a write between.
  await pods.delete('default', 'p4');
  await caughtUp(cache, kv);
  const rest = await pods.list('default', { continue: second.continue! });
  t.same(names(rest.items), ['default/p6']);
  const fromStore = await pods.list('default', { limit: 3, continue: first.continue! });
  t.same(names(fromStore.items), ['default/p3', 'default/p4', 'default/p5'], 'the store reads at the token revision');
  t.equal(fromStore.resourceVersion, first.resourceVersion);
});

t.test('not ready until the first list succeeds; stop ends everything', async (t) => {
  const kv = new MvccKv();
  const clock = new FakeClock(0);
  kv.failNext('range', new StoreError('unavailable', 'connect ECONNREFUSED'));
  const cache = createWatchCache(kv, NODES, { clock, random: () => 0 });
  t.teardown(() => cache.stop());
  await tick();
  await tick();
  const notReady = await apiErrorOf(() => cache.list(undefined));
  t.equal(notReady.status.code, 429);
  t.equal(notReady.status.message, 'storage is (re)initializing');
  clock.advance(100); // the list's retry backoff
  await cache.ready();
  t.same(cache.list(undefined).items, []);

  const rec = new Recorder();
  cache.watch(undefined, {}, rec.send);
  await tick();
  const polling = cache.poll(undefined, { resourceVersion: String(cache.revision) }, 60_000);
  cache.stop();
  t.same(rec.lines(), ['ERROR 503 the watch cache of nodes is stopped']);
  t.equal((await apiErrorOf(() => polling)).status.code, 503, 'a pending poll is rejected');
  t.equal((await apiErrorOf(() => cache.list(undefined))).status.code, 503);
});

t.test('WatchCacheSet creates one started cache per resource and stops them all', async (t) => {
  const kv = new MvccKv();
  const set = new WatchCacheSet(kv);
  const a = set.cacheFor(PODS);
  t.equal(set.cacheFor(PODS), a, 'same cache on the second call');
  const b = set.cacheFor(NODES);
  t.not(a, b);
  await Promise.all([a.ready(), b.ready()]);
  t.equal(set.all().length, 2);
  set.stopAll();
  t.throws(() => a.list(undefined), ApiError);
  t.throws(() => set.cacheFor(PODS));
});

t.test('1000 watchers smoke (timings printed, not asserted)', async (t) => {
  const { kv, pods, cache } = await setup(t);
  const watchers = 1000;
  const updates = 100;
  const latencies: number[] = [];
  let writeStartedAt = 0;
  let delivered = 0;
  // Per update: when the first and the last watcher got it (the fan-out itself).
  let first = 0;
  let lastAt = 0;
  const spans: number[] = [];
  let bytes = 0;
  for (let i = 0; i < watchers; i++) {
    const opts = i % 2 === 0 ? {} : { labelSelector: parseSelector('app=web') };
    cache.watch('default', opts, (events) => {
      for (const ev of events) bytes += encodeWatchEvent(ev).length; // what the HTTP layer does per event
      delivered += events.length;
      const now = performance.now();
      if (first === 0) first = now;
      lastAt = now;
      latencies.push(now - writeStartedAt);
      return true;
    });
  }
  await tick();
  await pods.create(pod('default', 'hot', { labels: { app: 'web' } }));
  await caughtUp(cache, kv);
  latencies.length = 0;
  delivered = 0;
  for (let i = 0; i < updates; i++) {
    writeStartedAt = performance.now();
    first = 0;
    await pods.guaranteedUpdate('default', 'hot', (o) => ({ ...o, metadata: { ...o.metadata, annotations: { n: String(i) } } }));
    await caughtUp(cache, kv);
    spans.push(lastAt - first);
  }
  t.equal(delivered, watchers * updates, 'every watcher got every update');
  latencies.sort((x, y) => x - y);
  const pct = (p: number): string => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!.toFixed(2);
  t.comment(`1000 watchers × ${updates} updates: write→delivery p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${pct(1)} ms; fan-out to all watchers p50 ${spans.sort((x, y) => x - y)[spans.length >> 1]!.toFixed(2)} ms max ${spans[spans.length - 1]!.toFixed(2)} ms; ${(bytes / 1e6).toFixed(1)} MB encoded`);
});
