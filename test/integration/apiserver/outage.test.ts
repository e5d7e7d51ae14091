// The store being unreachable gives 503 with Retry-After; the apiserver recovers by itself.
import t from 'tap';
import { request } from 'undici';
import { ControlPlane } from '../../helpers/control-plane.js';
import { waitFor } from '../../../lib/util/wait.js';

t.test('store outage: 503 + Retry-After, then recovery without a restart', async (t) => {
  const cp = await ControlPlane.start();
  t.teardown(() => cp.stop());
  const url = `${cp.url}/api/v1/namespaces/default/configmaps`;
  const create = (name: string) =>
    request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' } }) });
  const before = await create('before');
  t.equal(before.statusCode, 201);
  await before.body.dump();

  const member = cp.store.members[0]!;
  await cp.store.kill(member.name, 'SIGKILL');
  const during = await request(`${url}/before`, { headersTimeout: 20_000 });
  const body = (await during.body.json()) as { kind: string; reason: string; code: number };
  t.equal(during.statusCode, 503, 'reads fail with 503 while the store is down');
  t.match(body, { kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
  t.ok(during.headers['retry-after'], 'with Retry-After');
  const ready = await request(`${cp.url}/readyz?verbose`);
  t.equal(ready.statusCode, 500, '/readyz reports the store unreachable (500, as kube-apiserver)');
  t.match(await ready.body.text(), /\[-\]store failed: /);

  await cp.store.restart(member.name);
  const after = await waitFor(
    async () => {
      const r = await create('after');
      await r.body.dump();
      return r.statusCode === 201 ? r : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 200, description: 'writes to work again' },
  );
  t.equal(after.statusCode, 201, 'writes work again once the store is back');
  const list = await request(url);
  const items = ((await list.body.json()) as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name).sort();
  t.same(items, ['after', 'before'], 'nothing was lost');
});
