import t from 'tap';
import { FakeClock } from '../../../../lib/util/clock.js';
import { SharedInformer } from '../../../../lib/informer/shared-informer.js';
import { Indexer } from '../../../../lib/informer/indexer.js';
import { isTombstone, objectOf } from '../../../../lib/informer/tombstone.js';
import type { ListWatch } from '../../../../lib/informer/list-watch.js';
import type { WatchEvent } from '../../../../lib/client/watch.js';
import { StatusError } from '../../../../lib/client/errors.js';
import { parseSelector } from '../../../../lib/api/labels.js';
import type { KubeObject } from '../../../../lib/api/types.js';
import { flush } from '../../../helpers/fake-http.js';

const pod = (name: string, rv: string, extra: Record<string, unknown> = {}, ns = 'default'): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, resourceVersion: rv, labels: { app: name } }, ...extra });
const expired = () => new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 410, reason: 'Expired', message: 'too old' });

/** A ListWatch the test scripts: lists answer from `state`, watches read from a queue the test pushes to. */
class ScriptedListWatch implements ListWatch<KubeObject> {
  state: KubeObject[] = [];
  rv = '1';
  lists: (string | undefined)[] = [];
  watches: string[] = [];
  listError: Error | undefined;
  private queue: (WatchEvent<KubeObject> | Error)[] = [];
  private wake: (() => void) | undefined;

  async list(o: { resourceVersion?: string }) {
    this.lists.push(o.resourceVersion);
    if (this.listError) {
      const e = this.listError;
      this.listError = undefined;
      throw e;
    }
    return { items: [...this.state], resourceVersion: this.rv };
  }
  push(ev: WatchEvent<KubeObject> | Error): void {
    this.queue.push(ev);
    this.wake?.();
  }
  async *watch(rv: string, signal: AbortSignal): AsyncIterable<WatchEvent<KubeObject>> {
    this.watches.push(rv);
    for (let i = 0; i < 10_000 && !signal.aborted; i++) {
      const next = this.queue.shift();
      if (next === undefined) {
        await new Promise<void>((r) => {
          this.wake = r;
          signal.addEventListener('abort', () => r(), { once: true });
        });
        continue;
      }
      if (next instanceof Error) throw next;
      yield next;
    }
  }
}

function informer(lw: ScriptedListWatch, clock = new FakeClock(), resyncMs = 0) {
  const inf = new SharedInformer<KubeObject>({ name: 'pods', listWatch: lw, clock, resyncMs, random: () => 0 });
  const log: string[] = [];
  inf.addEventHandler({
    onAdd: (o, initial) => log.push(`add ${o.metadata.name}${initial ? ' (initial)' : ''}`),
    onUpdate: (a, b) => log.push(`update ${a.metadata.name} ${a.metadata.resourceVersion}->${b.metadata.resourceVersion}`),
    onDelete: (o) => log.push(`delete ${objectOf(o).metadata.name}${isTombstone(o) ? ' (tombstone)' : ''}`),
  });
  return { inf, log, clock };
}

t.test('list, then watch events keep the cache and handlers in step', async (t) => {
  const lw = new ScriptedListWatch();
  lw.state = [pod('a', '1'), pod('b', '1')];
  lw.rv = '5';
  const { inf, log } = informer(lw);
  const ac = new AbortController();
  const running = inf.run(ac.signal);
  t.equal(await inf.waitForSync(), true);
  t.same(lw.lists, ['0'], 'first list may come from the watch cache');
  lw.push({ type: 'ADDED', object: pod('c', '6') });
  lw.push({ type: 'MODIFIED', object: pod('a', '7') });
  lw.push({ type: 'DELETED', object: pod('b', '8') });
  lw.push({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '9' } } as KubeObject });
  await flush();
  t.same(log, ['add a (initial)', 'add b (initial)', 'add c', 'update a 1->7', 'delete b']);
  t.same(inf.indexer.listKeys().sort(), ['default/a', 'default/c']);
  t.equal(inf.lastSyncResourceVersion, '9');
  ac.abort();
  await running;
});

t.test('410 re-lists consistently; what vanished meanwhile is deleted with a tombstone', async (t) => {
  const lw = new ScriptedListWatch();
  lw.state = [pod('a', '1'), pod('b', '1'), pod('c', '1')];
  lw.rv = '3';
  const { inf, log } = informer(lw);
  const ac = new AbortController();
  const running = inf.run(ac.signal);
  await inf.waitForSync();
  log.length = 0;
  lw.state = [pod('a', '1'), pod('b', '20'), pod('d', '21')];
  lw.rv = '22';
  lw.push(expired());
  await flush();
  t.same(lw.lists, ['0', undefined], 'the re-list after 410 asks for the latest state');
  t.same(lw.watches, ['3', '22']);
  t.same(log, ['update b 1->20', 'add d', 'delete c (tombstone)']);
  t.equal(inf.reflector.stats.relistsAfterExpired, 1);
  t.same(inf.indexer.listKeys().sort(), ['default/a', 'default/b', 'default/d']);
  ac.abort();
  await running;
});

t.test('a failing list backs off on the clock and tries again', async (t) => {
  const lw = new ScriptedListWatch();
  lw.listError = new Error('connection refused');
  lw.state = [pod('a', '1')];
  const { inf, clock } = informer(lw);
  const ac = new AbortController();
  const running = inf.run(ac.signal);
  await flush();
  t.equal(inf.hasSynced(), false);
  t.equal(lw.lists.length, 1);
  clock.advance(799);
  await flush();
  t.equal(lw.lists.length, 1, 'not before the backoff');
  clock.advance(1);
  await flush();
  t.equal(inf.hasSynced(), true);
  ac.abort();
  await running;
});

t.test('a handler added later first hears about every cached object; resync re-delivers updates', async (t) => {
  const lw = new ScriptedListWatch();
  lw.state = [pod('a', '1')];
  const { inf, clock } = informer(lw, new FakeClock(), 60_000);
  const ac = new AbortController();
  const running = inf.run(ac.signal);
  await inf.waitForSync();
  const late: string[] = [];
  const reg = inf.addEventHandler({ onAdd: (o, initial) => late.push(`add ${o.metadata.name} ${initial}`), onUpdate: (a, b) => late.push(`resync ${a === b}`) });
  t.equal(reg.hasSynced(), true);
  t.same(late, ['add a true']);
  clock.advance(60_000);
  t.same(late, ['add a true', 'resync true']);
  reg.remove();
  clock.advance(60_000);
  t.equal(late.length, 2, 'removed handlers hear nothing');
  ac.abort();
  await running;
});

t.test('a throwing handler does not stop the others', async (t) => {
  const lw = new ScriptedListWatch();
  lw.state = [pod('a', '1')];
  const inf = new SharedInformer<KubeObject>({ name: 'pods', listWatch: lw, clock: new FakeClock() });
  const seen: string[] = [];
  inf.addEventHandler({ onAdd: () => { throw new Error('boom'); } });
  inf.addEventHandler({ onAdd: (o) => seen.push(o.metadata.name!) });
  const ac = new AbortController();
  const running = inf.run(ac.signal);
  await inf.waitForSync();
  t.same(seen, ['a']);
  ac.abort();
  await running;
});

t.test('indexer: namespace and custom indexes follow updates; listers filter by labels', async (t) => {
  const idx = new Indexer<KubeObject>();
  const nodeOf = (o: KubeObject) => (o as { spec?: { nodeName?: string } }).spec?.nodeName;
  idx.addIndexers({ node: (o) => (nodeOf(o) ? [nodeOf(o)!] : []) });
  idx.upsert(pod('a', '1', { spec: { nodeName: 'n1' } }));
  idx.upsert(pod('b', '1', { spec: { nodeName: 'n1' } }, 'other'));
  idx.upsert(pod('c', '1', {}));
  t.same(idx.byIndex('node', 'n1').map((o) => o.metadata.name).sort(), ['a', 'b']);
  idx.upsert(pod('a', '2', { spec: { nodeName: 'n2' } }));
  t.same(idx.byIndex('node', 'n1').map((o) => o.metadata.name), ['b']);
  t.same(idx.listIndexValues('node').sort(), ['n1', 'n2']);
  idx.remove('other/b');
  t.same(idx.listIndexValues('node'), ['n2']);
  t.same(idx.byIndex('namespace', 'default').map((o) => o.metadata.name).sort(), ['a', 'c']);
  t.throws(() => idx.byIndex('nope', 'x'), /index "nope" does not exist/);
  t.throws(() => idx.addIndexers({ node: () => [] }), /already exists/);
});

t.test('listers', async (t) => {
  const lw = new ScriptedListWatch();
  lw.state = [pod('web', '1'), pod('db', '1'), pod('web', '1', {}, 'prod')];
  const { inf } = informer(lw);
  const ac = new AbortController();
  const running = inf.run(ac.signal);
  await inf.waitForSync();
  t.equal(inf.lister.list(parseSelector('app=web')).length, 2);
  t.same(inf.lister.namespace('default').list(parseSelector('app in (web,db)')).map((p) => p.metadata.name).sort(), ['db', 'web']);
  t.equal(inf.lister.namespace('prod').get('web')?.metadata.namespace, 'prod');
  t.equal(inf.lister.namespace('prod').get('db'), undefined);
  ac.abort();
  await running;
});

t.test('a metadata-only informer caches apiVersion, kind and metadata, nothing else', async (t) => {
  const { metadataOnly } = await import('../../../../lib/informer/factory.js');
  const lw = new ScriptedListWatch();
  lw.state = [pod('a', '1', { spec: { nodeName: 'n1' }, status: { phase: 'Running' } })];
  const inf = new SharedInformer<KubeObject>({ name: 'pods', listWatch: lw, clock: new FakeClock(), transform: metadataOnly });
  const ac = new AbortController();
  const running = inf.run(ac.signal);
  await inf.waitForSync();
  lw.push({ type: 'MODIFIED', object: pod('a', '2', { spec: { nodeName: 'n2' } }) });
  await flush();
  t.same(inf.lister.get('default/a'), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'default', resourceVersion: '2', labels: { app: 'a' } } });
  ac.abort();
  await running;
});
