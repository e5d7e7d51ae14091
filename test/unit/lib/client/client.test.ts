import t from 'tap';
import { FakeClock } from '../../../../lib/util/clock.js';
import { KubeClient } from '../../../../lib/client/client.js';
import { resourcePath, resolveResource } from '../../../../lib/client/paths.js';
import { FakeTransport, type Handler } from '../../../helpers/fake-http.js';

function client(handler: Handler) {
  const transport = new FakeTransport(handler);
  const c = new KubeClient({ component: 'kube-test', config: { servers: ['http://a'], namespace: 'team' }, transport, clock: new FakeClock(), qps: -1 });
  return { c, transport };
}

t.test('paths come from the registry', async (t) => {
  t.equal(resourcePath(resolveResource('pods'), { namespace: 'default', name: 'web', subresource: 'log' }), '/api/v1/namespaces/default/pods/web/log');
  t.equal(resourcePath(resolveResource('deploy'), { namespace: 'a' }), '/apis/apps/v1/namespaces/a/deployments');
  t.equal(resourcePath(resolveResource('deployments.apps')), '/apis/apps/v1/deployments');
  t.equal(resourcePath(resolveResource('nodes'), { namespace: 'ignored', name: 'n 1' }), '/api/v1/nodes/n%201');
  t.equal(resourcePath(resolveResource({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' }), { namespace: 'kube-system', name: 'x' }), '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/x');
  t.throws(() => resolveResource('nonsense'), /doesn't have a resource type "nonsense"/);
  t.throws(() => resolveResource({ apiVersion: 'v9', kind: 'Pod' }), /no matches for kind "Pod" in version "v9"/);
  t.throws(() => resourcePath(resolveResource('pods'), { subresource: 'status' }), /needs an object name/);
});

t.test('verbs send what the apiserver expects', async (t) => {
  const { c, transport } = client((r) => ({ status: 200, body: { kind: 'Pod', metadata: { name: 'p' }, path: r.path } }));
  const pods = c.resource('pods');
  await pods.get('p');
  await pods.create({ metadata: { name: 'p', namespace: 'other' } }, { fieldManager: 'me', dryRun: true });
  await pods.update({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', resourceVersion: '7' } });
  await pods.updateStatus({ metadata: { name: 'p', namespace: 'x' } });
  await pods.patch('p', 'strategic', { metadata: { labels: { a: 'b' } } }, { namespace: 'x' });
  await pods.apply({ metadata: { name: 'p' } }, { fieldManager: 'ssa', force: true });
  await pods.delete('p', { namespace: 'x', gracePeriodSeconds: 0, propagationPolicy: 'Foreground', preconditions: { uid: 'u1' } });
  await pods.deleteCollection({ namespace: 'x', labelSelector: 'app=web' });
  await pods.bind('p', 'node-1', { namespace: 'x' });
  await pods.evict('p', { namespace: 'x' });
  await c.resource('deployments').getSubresource('d', 'scale', { namespace: 'x' });
  const got = transport.requests.map((r) => `${r.method} ${r.path} ${r.headers['content-type'] ?? ''} ${r.body ?? ''}`.trim());
  t.same(got, [
    'GET /api/v1/namespaces/team/pods/p',
    'POST /api/v1/namespaces/other/pods?dryRun=All&fieldManager=me application/json {"metadata":{"name":"p","namespace":"other"},"apiVersion":"v1","kind":"Pod"}',
    'PUT /api/v1/namespaces/team/pods/p application/json {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","resourceVersion":"7"}}',
    'PUT /api/v1/namespaces/x/pods/p/status application/json {"metadata":{"name":"p","namespace":"x"},"apiVersion":"v1","kind":"Pod"}',
    'PATCH /api/v1/namespaces/x/pods/p application/strategic-merge-patch+json {"metadata":{"labels":{"a":"b"}}}',
    'PATCH /api/v1/namespaces/team/pods/p?fieldManager=ssa&force=true application/apply-patch+yaml {"metadata":{"name":"p"},"apiVersion":"v1","kind":"Pod"}',
    'DELETE /api/v1/namespaces/x/pods/p application/json {"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":0,"propagationPolicy":"Foreground","preconditions":{"uid":"u1"}}',
    'DELETE /api/v1/namespaces/x/pods?labelSelector=app%3Dweb application/json {"kind":"DeleteOptions","apiVersion":"v1"}',
    'POST /api/v1/namespaces/x/pods/p/binding application/json {"apiVersion":"v1","kind":"Binding","metadata":{"name":"p","namespace":"x"},"target":{"apiVersion":"v1","kind":"Node","name":"node-1"}}',
    'POST /api/v1/namespaces/x/pods/p/eviction application/json {"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"p","namespace":"x"}}',
    'GET /apis/apps/v1/namespaces/x/deployments/d/scale',
  ]);
  t.match(transport.requests[0]!.headers['user-agent'], /^kube-test\/v0\.1\.0 \(\w+\/\w+\) k8ts$/);
});

t.test('listAll follows continue tokens and keeps the first page\'s resourceVersion', async (t) => {
  const { c, transport } = client((r) => {
    const u = new URL(r.path, 'http://x');
    const cont = u.searchParams.get('continue');
    const page = cont ? Number(cont) : 0;
    return {
      status: 200,
      body: { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: String(100 + page), ...(page < 2 ? { continue: String(page + 1) } : {}) }, items: [{ metadata: { name: `p${page}` } }] },
    };
  });
  const l = await c.resource('pods').listAll({ labelSelector: 'a=b', limit: 1 });
  t.same(l.items.map((i) => i.metadata?.name), ['p0', 'p1', 'p2']);
  t.equal(l.metadata.resourceVersion, '100');
  t.same(transport.requests.map((r) => r.path), [
    '/api/v1/pods?labelSelector=a%3Db&limit=1',
    '/api/v1/pods?labelSelector=a%3Db&limit=1&continue=1',
    '/api/v1/pods?labelSelector=a%3Db&limit=1&continue=2',
  ]);
});

t.test('log streams bytes', async (t) => {
  const { c, transport } = client(() => ({ status: 200, chunks: ['line 1\n', 'line 2\n'], headers: { 'content-type': 'text/plain' } }));
  const body = await c.resource('pods').log('p', { namespace: 'x', container: 'c', follow: true, tailLines: 5 });
  let text = '';
  for await (const chunk of body) text += Buffer.from(chunk).toString();
  t.equal(text, 'line 1\nline 2\n');
  t.equal(transport.requests[0]!.path, '/api/v1/namespaces/x/pods/p/log?container=c&follow=true&tailLines=5');
});
