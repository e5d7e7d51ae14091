// An informer against a real store + apiservers stays equal to a fresh list while 2,000 writes churn
// and its apiserver is killed and restarted (the restarted watch cache answers 410 → re-list with
// tombstones), a second informer fails over to the other apiserver without losing events, and a
// third watches through the streaming form.
import t from 'tap';
import { ControlPlane } from '../../helpers/control-plane.js';
import { KubeClient } from '../../../lib/client/client.js';
import { SharedInformerFactory } from '../../../lib/informer/factory.js';
import type { SharedInformer } from '../../../lib/informer/shared-informer.js';
import { isTombstone } from '../../../lib/informer/tombstone.js';
import { isAlreadyExists, isNotFound } from '../../../lib/client/errors.js';
import type { KubeObject } from '../../../lib/api/types.js';
import { waitFor } from '../../../lib/util/wait.js';
import { createLogger } from '../../../lib/util/logger.js';

const NS = 'churn';
const OBJECTS = 400;
const WRITES = 2000;

t.test('informers stay correct through churn, an apiserver restart and failover', { timeout: 240_000 }, async (t) => {
  const cp = await ControlPlane.start({ apiservers: 2 });
  t.teardown(() => cp.stop());
  const [urlA, urlB] = cp.urls as [string, string];
  const logger = createLogger('informer-test', { level: 'silent' });
  const writer = new KubeClient({ component: 'churn-writer', config: { servers: [urlB], namespace: NS }, qps: -1 });
  const onlyA = new KubeClient({ component: 'informer-a', config: { servers: [urlA], namespace: NS }, qps: -1 });
  const both = new KubeClient({ component: 'informer-ab', config: { servers: [urlA, urlB], namespace: NS }, qps: -1 });
  t.teardown(() => Promise.all([writer.close(), onlyA.close(), both.close()]));

  await writer.resource('namespaces').create({ metadata: { name: NS } });
  const cms = writer.resource('configmaps');
  const ac = new AbortController();
  t.teardown(() => ac.abort());
  const factories = [
    new SharedInformerFactory(onlyA, { logger, timeoutSeconds: 5 }),
    new SharedInformerFactory(both, { logger, timeoutSeconds: 5 }),
    // The streaming form (what kubectl and client-go use), through the same informer.
    new SharedInformerFactory(writer, { logger, timeoutSeconds: 5, mode: 'stream' }),
  ];
  const informers: SharedInformer<KubeObject>[] = factories.map((f) => f.informerFor('configmaps', { namespace: NS }));
  const tombstones = [0, 0, 0];
  informers.forEach((inf, i) => inf.addEventHandler({ onDelete: (o) => { if (isTombstone(o)) tombstones[i]!++; } }));
  for (const f of factories) f.start(ac.signal);
  for (const f of factories) t.ok(await f.waitForCacheSync(ac.signal));

  // Deterministic churn: creates, updates and deletes over OBJECTS names.
  let seed = 42;
  const rand = (n: number) => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed % n;
  };
  let done = 0;
  const errors: string[] = [];
  async function churn(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const name = `cm-${rand(OBJECTS)}`;
      const op = (rand(1 << 20) >>> 4) % 10;
      try {
        if (op < 4) await cms.create({ metadata: { name }, data: { v: String(i) } });
        else if (op < 8) await cms.patch(name, 'merge', { data: { v: `u${i}` } });
        else await cms.delete(name);
      } catch (err) {
        if (!isAlreadyExists(err) && !isNotFound(err)) errors.push((err as Error).message);
      }
      done++;
    }
  }
  const workers = Array.from({ length: 8 }, () => churn(WRITES / 8));

  // Mid-churn: kill apiserver A, let writes go on through B, then bring A back.
  await waitFor(() => done >= WRITES / 4, { timeoutMs: 60_000, description: 'a quarter of the churn' });
  await cp.apiservers[0]!.kill('SIGKILL');
  const atKill = done;
  await waitFor(() => done >= atKill + 300, { timeoutMs: 60_000, description: 'writes while apiserver A is down' });
  cp.apiservers[0]!.start();
  await cp.apiservers[0]!.waitReady(`${urlA}/readyz`);
  await Promise.all(workers);
  t.same(errors, [], 'every write answered (or AlreadyExists/NotFound)');

  const fresh = await cms.listAll({ namespace: NS });
  const want = new Map(fresh.items.map((o) => [o.metadata.name, o.metadata.resourceVersion]));
  for (const [i, inf] of informers.entries()) {
    await waitFor(
      () => {
        const have = inf.indexer.list();
        return have.length === want.size && have.every((o) => want.get(o.metadata.name) === o.metadata.resourceVersion);
      },
      { timeoutMs: 30_000, description: `informer ${i} equal to a fresh list of ${want.size} configmaps` },
    );
    t.pass(`informer ${i} holds exactly the ${want.size} configmaps of a fresh list, at their resourceVersions`);
  }
  t.ok(informers[0]!.reflector.stats.relistsAfterExpired >= 1, 'the informer pinned to apiserver A re-listed after 410 from its restarted watch cache');
  t.ok(tombstones[0]! > 0, 'objects deleted while it was away were delivered as tombstones');
  t.equal(both.rest.server, urlB, 'the two-server client failed over to apiserver B');
  ac.abort();
  await Promise.all(factories.map((f) => f.stopped()));
});
