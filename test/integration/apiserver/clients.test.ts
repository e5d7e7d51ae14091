// @kubernetes/client-node against k8ts, and two apiservers sharing one store.
import t from 'tap';
import * as k8s from '@kubernetes/client-node';
import { request } from 'undici';
import { ControlPlane } from '../../helpers/control-plane.js';
import { waitFor } from '../../../lib/util/wait.js';

t.test('client-node: create, list, watch in order, patch, delete', async (t) => {
  const cp = await ControlPlane.start();
  t.teardown(() => cp.stop());
  const kc = new k8s.KubeConfig();
  // Plain HTTP: client-node only allows it with skipTLSVerify set.
  kc.loadFromOptions({
    clusters: [{ name: 'k8ts', server: cp.url, skipTLSVerify: true }],
    users: [{ name: 'admin' }],
    contexts: [{ name: 'k8ts', cluster: 'k8ts', user: 'admin', namespace: 'default' }],
    currentContext: 'k8ts',
  });
  const core = kc.makeApiClient(k8s.CoreV1Api);

  const events: string[] = [];
  const watch = new k8s.Watch(kc);
  const req = await watch.watch(
    '/api/v1/namespaces/default/configmaps',
    {},
    (type, obj: k8s.V1ConfigMap) => events.push(`${type} ${obj.metadata?.name} ${JSON.stringify(obj.data ?? {})}`),
    () => undefined,
  );
  t.teardown(() => req.abort());

  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'cn' }, data: { a: '1' } } });
  const list = await core.listNamespacedConfigMap({ namespace: 'default' });
  t.ok(list.items.some((c) => c.metadata?.name === 'cn'), 'list shows the created object');
  t.match(list.metadata?.resourceVersion, /^\d+$/);
  await core.patchNamespacedConfigMap(
    { namespace: 'default', name: 'cn', body: { data: { a: '2' } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'cn' });
  await waitFor(() => events.length >= 3, { timeoutMs: 15_000, description: 'three watch events' });
  t.same(events.slice(0, 3), ['ADDED cn {"a":"1"}', 'MODIFIED cn {"a":"2"}', 'DELETED cn {"a":"2"}'], 'create, update, delete in order');
  await t.rejects(core.readNamespacedConfigMap({ namespace: 'default', name: 'cn' }), { code: 404 });
});

t.test('two apiservers on one store: a write through one is seen by a watch on the other', async (t) => {
  const cp = await ControlPlane.start({ apiservers: 2 });
  t.teardown(() => cp.stop());
  const [a, b] = cp.urls as [string, string];
  const list = await request(`${b}/api/v1/namespaces/default/configmaps`);
  const rv = ((await list.body.json()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  const watch = await request(`${b}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`);
  let seen = '';
  const reading = (async () => {
    for await (const chunk of watch.body) {
      seen += String(chunk);
      if (seen.includes('"cross"')) break;
    }
  })();
  const created = await request(`${a}/api/v1/namespaces/default/configmaps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cross' }, data: { x: 'y' } }),
  });
  t.equal(created.statusCode, 201);
  await created.body.dump();
  await Promise.race([reading, new Promise((_, rej) => setTimeout(() => rej(new Error('no event on the other apiserver within 15 s')), 15_000))]);
  const line = seen.split('\n').find((l) => l.includes('"cross"'))!;
  t.equal(JSON.parse(line).type, 'ADDED');
  watch.body.destroy();
});
