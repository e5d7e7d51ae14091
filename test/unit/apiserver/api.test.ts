// The apiserver through fastify inject(): every verb, every patch type, conflicts, selectors,
// Tables, discovery and the error Statuses, over an in-process store.
import t from 'tap';
import { buildTestApiServer, type TestApiServer } from '../../helpers/apiserver.js';

const JSON_CT = { 'content-type': 'application/json' };
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

async function api(s: TestApiServer, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await s.app.inject({
    method: method as 'GET',
    url,
    headers: { ...(body !== undefined ? JSON_CT : {}), ...headers },
    ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  let json: any;
  try {
    json = res.json();
  } catch {
    json = res.body;
  }
  return { status: res.statusCode, json, headers: res.headers, body: res.body };
}

const cm = (name: string, data: Record<string, string> = { a: '1' }, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels },
  data,
});

const deployment = (name: string, replicas = 1) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] } },
  },
});

t.test('CRUD with server-managed metadata and optimistic concurrency', async (t) => {
  const s = await buildTestApiServer();
  t.teardown(() => s.close());
  const created = await api(s, 'POST', '/api/v1/namespaces/default/configmaps', cm('one'));
  t.equal(created.status, 201);
  t.match(created.json.metadata, { name: 'one', namespace: 'default', uid: /^[0-9a-f-]{36}$/, resourceVersion: /^\d+$/, creationTimestamp: /Z$/ });
  const got = await api(s, 'GET', '/api/v1/namespaces/default/configmaps/one');
  t.equal(got.status, 200);
  t.equal(got.json.kind, 'ConfigMap');
  t.equal(got.json.metadata.resourceVersion, created.json.metadata.resourceVersion);

  const upd = await api(s, 'PUT', '/api/v1/namespaces/default/configmaps/one', { ...got.json, data: { a: '2' } });
  t.equal(upd.status, 200);
  t.not(upd.json.metadata.resourceVersion, got.json.metadata.resourceVersion, 'resourceVersion moves on every write');
  const stale = await api(s, 'PUT', '/api/v1/namespaces/default/configmaps/one', { ...got.json, data: { a: '3' } });
  t.equal(stale.status, 409);
  t.equal(stale.json.reason, 'Conflict');
  t.match(stale.json.message, /the object has been modified; please apply your changes to the latest version and try again/);
  const { resourceVersion: _rv, ...metaNoRv } = got.json.metadata;
  const unconditional = await api(s, 'PUT', '/api/v1/namespaces/default/configmaps/one', { ...got.json, metadata: metaNoRv, data: { a: '4' } });
  t.equal(unconditional.status, 200, 'an update without resourceVersion is unconditional');
  t.same(unconditional.json.data, { a: '4' });

  const dup = await api(s, 'POST', '/api/v1/namespaces/default/configmaps', cm('one'));
  t.equal(dup.status, 409);
  t.equal(dup.json.reason, 'AlreadyExists');
  t.equal(dup.json.message, 'configmaps "one" already exists');

  const gen = await api(s, 'POST', '/api/v1/namespaces/default/configmaps', { ...cm(''), metadata: { generateName: 'gen-' } });
  t.equal(gen.status, 201);
  t.match(gen.json.metadata.name, /^gen-[a-z0-9]{5}$/);

  const del = await api(s, 'DELETE', '/api/v1/namespaces/default/configmaps/one');
  t.equal(del.status, 200);
  const missing = await api(s, 'GET', '/api/v1/namespaces/default/configmaps/one');
  t.equal(missing.status, 404);
  t.match(missing.json, { kind: 'Status', reason: 'NotFound', message: 'configmaps "one" not found', code: 404 });
});

t.test('generation, status subresource, scale subresource', async (t) => {
  const s = await buildTestApiServer();
  t.teardown(() => s.close());
  const d = await api(s, 'POST', '/apis/apps/v1/namespaces/default/deployments', deployment('web', 2));
  t.equal(d.status, 201);
  t.equal(d.json.metadata.generation, 1);
  t.equal(d.json.spec.strategy.type, 'RollingUpdate', 'defaults applied');
  t.equal(d.json.spec.revisionHistoryLimit, 10);
  // Status sent to the main resource is ignored; spec sent to /status is ignored.
  const withStatus = await api(s, 'PUT', '/apis/apps/v1/namespaces/default/deployments/web', { ...d.json, status: { replicas: 7 } });
  t.equal(withStatus.status, 200);
  t.notOk(withStatus.json.status?.replicas, 'status is not written through the main resource');
  t.equal(withStatus.json.metadata.generation, 1, 'no spec change, no generation bump');
  const st = await api(s, 'PUT', '/apis/apps/v1/namespaces/default/deployments/web/status', { ...withStatus.json, spec: { ...withStatus.json.spec, replicas: 9 }, status: { replicas: 2, observedGeneration: 1 } });
  t.equal(st.status, 200);
  t.equal(st.json.status.replicas, 2);
  t.equal(st.json.spec.replicas, 2, 'spec is not written through /status');
  const scale = await api(s, 'GET', '/apis/apps/v1/namespaces/default/deployments/web/scale');
  t.match(scale.json, { kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 2 }, status: { replicas: 2, selector: 'app=web' } });
  const scaled = await api(s, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/web/scale', { spec: { replicas: 4 } }, { 'content-type': 'application/merge-patch+json' });
  t.equal(scaled.status, 200);
  t.equal(scaled.json.spec.replicas, 4);
  const after = await api(s, 'GET', '/apis/apps/v1/namespaces/default/deployments/web');
  t.equal(after.json.spec.replicas, 4);
  t.equal(after.json.metadata.generation, 2, 'a spec change bumps generation');
  const bad = await api(s, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/web/scale', { spec: { replicas: -1 } }, { 'content-type': 'application/merge-patch+json' });
  t.equal(bad.status, 422);
});

t.test('every patch type', async (t) => {
  const s = await buildTestApiServer();
  t.teardown(() => s.close());
  await api(s, 'POST', '/apis/apps/v1/namespaces/default/deployments', deployment('p'));
  const base = '/apis/apps/v1/namespaces/default/deployments/p';
  const merge = await api(s, 'PATCH', base, { metadata: { labels: { team: 'a' } } }, { 'content-type': 'application/merge-patch+json' });
  t.equal(merge.status, 200);
  t.equal(merge.json.metadata.labels.team, 'a');
  const json = await api(s, 'PATCH', base, [{ op: 'replace', path: '/spec/replicas', value: 3 }], { 'content-type': 'application/json-patch+json' });
  t.equal(json.status, 200);
  t.equal(json.json.spec.replicas, 3);
  // kubectl set image's body (docs/kubectl-wire.md §8)
  const smp = await api(s, 'PATCH', base, { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'web' }], containers: [{ image: 'nginx:1.28', name: 'web' }] } } } }, { 'content-type': 'application/strategic-merge-patch+json' });
  t.equal(smp.status, 200);
  t.equal(smp.json.spec.template.spec.containers.length, 1, 'containers merged by name, not replaced');
  t.equal(smp.json.spec.template.spec.containers[0].image, 'nginx:1.28');
  t.equal(smp.json.spec.template.spec.containers[0].ports[0].containerPort, 80, 'other container fields kept');
  const apply = await api(s, 'PATCH', '/api/v1/namespaces/default/configmaps/applied?fieldManager=kubectl', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied}\ndata: {k: v}\n', { 'content-type': 'application/apply-patch+yaml' });
  t.equal(apply.status, 201, 'apply creates a missing object');
  const apply2 = await api(s, 'PATCH', '/api/v1/namespaces/default/configmaps/applied?fieldManager=kubectl', '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"applied"},"data":{"k2":"v2"}}', { 'content-type': 'application/apply-patch+yaml' });
  t.equal(apply2.status, 200);
  t.same(apply2.json.data, { k: 'v', k2: 'v2' });
  const failedTest = await api(s, 'PATCH', base, [{ op: 'test', path: '/spec/replicas', value: 99 }], { 'content-type': 'application/json-patch+json' });
  t.equal(failedTest.status, 422);
  const unsupported = await api(s, 'PATCH', base, {}, { 'content-type': 'text/plain' });
  t.equal(unsupported.status, 415);
  const missing = await api(s, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/nope', {}, { 'content-type': 'application/merge-patch+json' });
  t.equal(missing.status, 404);
});

t.test('lists: selectors, pagination, Tables', async (t) => {
  const s = await buildTestApiServer();
  t.teardown(() => s.close());
  for (let i = 0; i < 5; i++) await api(s, 'POST', '/api/v1/namespaces/default/configmaps', cm(`c${i}`, { i: String(i) }, { idx: String(i), parity: i % 2 ? 'odd' : 'even' }));
  const odd = await api(s, 'GET', '/api/v1/namespaces/default/configmaps?labelSelector=parity%3Dodd');
  t.same(odd.json.items.map((i: any) => i.metadata.name), ['c1', 'c3']);
  t.equal(odd.json.kind, 'ConfigMapList');
  t.match(odd.json.metadata.resourceVersion, /^\d+$/);
  const setBased = await api(s, 'GET', '/api/v1/namespaces/default/configmaps?labelSelector=idx%20in%20(0,4),parity!%3Dodd');
  t.same(setBased.json.items.map((i: any) => i.metadata.name), ['c0', 'c4']);
  const byName = await api(s, 'GET', '/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Dc2');
  t.same(byName.json.items.map((i: any) => i.metadata.name), ['c2']);
  const badSel = await api(s, 'GET', '/api/v1/namespaces/default/configmaps?labelSelector=a%20in%20(');
  t.equal(badSel.status, 400);
  const badField = await api(s, 'GET', '/api/v1/namespaces/default/configmaps?fieldSelector=spec.nope%3D1');
  t.equal(badField.status, 400);
  const page1 = await api(s, 'GET', '/api/v1/namespaces/default/configmaps?limit=2');
  t.equal(page1.json.items.length, 2);
  t.ok(page1.json.metadata.continue, 'a continue token');
  const page2 = await api(s, 'GET', `/api/v1/namespaces/default/configmaps?limit=2&continue=${encodeURIComponent(page1.json.metadata.continue)}`);
  t.same(page2.json.items.map((i: any) => i.metadata.name), ['c2', 'c3']);
  const table = await api(s, 'GET', '/api/v1/namespaces/default/configmaps', undefined, { accept: TABLE });
  t.equal(table.json.kind, 'Table');
  t.same(table.json.columnDefinitions.map((c: any) => c.name), ['Name', 'Data', 'Age']);
  t.equal(table.json.rows.length, 5);
  t.equal(table.json.rows[0].object.kind, 'PartialObjectMetadata');
  const yaml = await api(s, 'GET', '/api/v1/namespaces/default/configmaps/c1', undefined, { accept: 'application/yaml' });
  t.match(yaml.headers['content-type'], /^application\/yaml/);
  t.match(yaml.body, /^apiVersion: v1\nkind: ConfigMap\n/m, 'YAML when the client asks for it');
  const cached = await api(s, 'GET', '/api/v1/namespaces/default/configmaps?resourceVersion=0');
  t.equal(cached.json.items.length, 5, 'rv=0 lists come from the watch cache');
  const all = await api(s, 'GET', '/api/v1/configmaps');
  t.ok(all.json.items.length >= 5, 'lists across namespaces');
});

t.test('namespaces: lifecycle and protected ones', async (t) => {
  const s = await buildTestApiServer();
  t.teardown(() => s.close());
  const nsList = await api(s, 'GET', '/api/v1/namespaces');
  t.same(nsList.json.items.map((n: any) => n.metadata.name).sort(), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  const noNs = await api(s, 'POST', '/api/v1/namespaces/nope/configmaps', cm('x'));
  t.equal(noNs.status, 404);
  t.match(noNs.json.message, /namespaces "nope" not found/);
  const protectedNs = await api(s, 'DELETE', '/api/v1/namespaces/default');
  t.equal(protectedNs.status, 403);
  t.equal(protectedNs.json.reason, 'Forbidden');
  const made = await api(s, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
  t.equal(made.status, 201);
  t.equal(made.json.status.phase, 'Active');
  const del = await api(s, 'DELETE', '/api/v1/namespaces/team');
  t.equal(del.status, 200);
  const gone = await api(s, 'GET', '/api/v1/namespaces/team');
  t.equal(gone.status, 404, 'an empty namespace goes away at once');
});

t.test('services get ClusterIPs and NodePorts', async (t) => {
  const s = await buildTestApiServer();
  t.teardown(() => s.close());
  const svc = await api(s, 'POST', '/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80 }] } });
  t.equal(svc.status, 201, JSON.stringify(svc.json));
  t.match(svc.json.spec.clusterIP, /^127\.96\.\d+\.\d+$/);
  t.equal(svc.json.spec.ports[0].targetPort, 80);
  t.ok(svc.json.spec.ports[0].nodePort >= 30000 && svc.json.spec.ports[0].nodePort <= 32767);
  const k = await api(s, 'GET', '/api/v1/namespaces/default/services/kubernetes');
  t.equal(k.json.spec.clusterIP, '127.96.0.1');
});

t.test('pods: binding and graceful delete', async (t) => {
  const s = await buildTestApiServer();
  t.teardown(() => s.close());
  const pod = await api(s, 'POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
  t.equal(pod.status, 201);
  t.equal(pod.json.spec.serviceAccountName, 'default');
  t.equal(pod.json.status.phase, 'Pending');
  const bind = await api(s, 'POST', '/api/v1/namespaces/default/pods/p/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } });
  t.equal(bind.status, 201);
  const again = await api(s, 'POST', '/api/v1/namespaces/default/pods/p/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' }, target: { kind: 'Node', name: 'node-2' } });
  t.equal(again.status, 409);
  const bound = await api(s, 'GET', '/api/v1/namespaces/default/pods/p');
  t.equal(bound.json.spec.nodeName, 'node-1');
  const del = await api(s, 'DELETE', '/api/v1/namespaces/default/pods/p');
  t.equal(del.status, 200);
  t.ok(del.json.metadata.deletionTimestamp, 'a bound pod is deleted gracefully');
  t.equal(del.json.metadata.deletionGracePeriodSeconds, 30);
  const now = await api(s, 'DELETE', '/api/v1/namespaces/default/pods/p', { gracePeriodSeconds: 0 });
  t.equal(now.status, 200);
  t.equal((await api(s, 'GET', '/api/v1/namespaces/default/pods/p')).status, 404, 'grace 0 removes it');
});

t.test('finalizers hold an object until removed', async (t) => {
  const s = await buildTestApiServer();
  t.teardown(() => s.close());
  await api(s, 'POST', '/api/v1/namespaces/default/configmaps', { ...cm('f'), metadata: { name: 'f', finalizers: ['example.com/hold'] } });
  const del = await api(s, 'DELETE', '/api/v1/namespaces/default/configmaps/f', { propagationPolicy: 'Foreground' });
  t.equal(del.status, 200);
  t.ok(del.json.metadata.deletionTimestamp);
  t.same(del.json.metadata.finalizers.sort(), ['example.com/hold', 'foregroundDeletion']);
  await api(s, 'PATCH', '/api/v1/namespaces/default/configmaps/f', { metadata: { finalizers: null } }, { 'content-type': 'application/merge-patch+json' });
  t.equal((await api(s, 'GET', '/api/v1/namespaces/default/configmaps/f')).status, 404, 'removing the last finalizer deletes it');
});

t.test('bad input gets the right 4xx Status and never a 5xx', async (t) => {
  const s = await buildTestApiServer();
  t.teardown(() => s.close());
  const rows: [string, string, unknown, Record<string, string>, number, string][] = [
    ['POST', '/api/v1/namespaces/default/configmaps', '{"kind": ', {}, 400, 'BadRequest'],
    ['POST', '/api/v1/namespaces/default/configmaps', 'kind: [', { 'content-type': 'application/yaml' }, 400, 'BadRequest'],
    ['POST', '/api/v1/namespaces/default/configmaps', { ...cm('x'), kind: 'Secret' }, {}, 400, 'BadRequest'],
    ['POST', '/api/v1/namespaces/default/configmaps', { ...cm('x'), apiVersion: 'apps/v1' }, {}, 400, 'BadRequest'],
    ['PUT', '/api/v1/namespaces/default/configmaps/other', cm('x'), {}, 400, 'BadRequest'],
    ['POST', '/api/v1/namespaces/default/configmaps', { ...cm('x'), metadata: { name: 'x', namespace: 'kube-system' } }, {}, 400, 'BadRequest'],
    ['POST', '/api/v1/namespaces/default/configmaps', { ...cm('Bad_Name') }, {}, 422, 'Invalid'],
    ['POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [] } }, {}, 422, 'Invalid'],
    ['POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', { ...cm('x'), spek: 1 }, {}, 400, 'BadRequest'],
    ['POST', '/api/v1/namespaces/default/configmaps', 'x', { 'content-type': 'application/vnd.kubernetes.protobuf' }, 400, 'BadRequest'],
    ['POST', '/api/v1/namespaces/default/configmaps', 'x', { 'content-type': 'application/xml' }, 415, 'UnsupportedMediaType'],
    ['POST', '/api/v1/namespaces/default/configmaps', { ...cm('big'), data: { a: 'x'.repeat(3_200_000) } }, {}, 413, 'RequestEntityTooLarge'],
    ['GET', '/api/v1/nothings', undefined, {}, 404, 'NotFound'],
    ['GET', '/apis/nope/v1/things', undefined, {}, 404, 'NotFound'],
    ['PUT', '/api/v1/namespaces/default/configmaps', cm('x'), {}, 405, 'MethodNotAllowed'],
    ['GET', '/api/v1/namespaces/default/configmaps?limit=-1', undefined, {}, 400, 'BadRequest'],
    ['GET', '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=abc', undefined, {}, 400, 'BadRequest'],
    ['POST', '/api/v1/namespaces/default/configmaps', '[]', {}, 400, 'BadRequest'],
    ['POST', '/api/v1/namespaces/default/configmaps', '', {}, 400, 'BadRequest'],
  ];
  for (const [method, url, body, headers, code, reason] of rows) {
    const r = await api(s, method, url, body, headers);
    t.equal(r.status, code, `${method} ${url} ${String(typeof body === 'string' ? body : JSON.stringify(body)).slice(0, 50)} → ${code}: ${r.json?.message?.slice?.(0, 160)}`);
    t.equal(r.json?.kind, 'Status');
    t.equal(r.json?.reason, reason);
  }
  const strict = await api(s, 'POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', { ...cm('x'), spek: 1 });
  t.equal(strict.json.message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spek"');
  const warn = await api(s, 'POST', '/api/v1/namespaces/default/configmaps', { ...cm('warned'), spek: 1 });
  t.equal(warn.status, 201);
  t.match(String(warn.headers['warning']), /unknown field/);
  const invalid = await api(s, 'POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [] } });
  t.match(invalid.json.details.causes, [{ field: 'spec.containers', reason: 'FieldValueRequired' }]);
});

t.test('discovery, version, openapi, health', async (t) => {
  const s = await buildTestApiServer();
  t.teardown(() => s.close());
  t.match((await api(s, 'GET', '/version')).json, { major: '1', minor: '32' });
  const v1 = (await api(s, 'GET', '/api/v1')).json;
  const pods = v1.resources.find((r: any) => r.name === 'pods');
  t.match(pods, { kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'] });
  t.ok(v1.resources.some((r: any) => r.name === 'pods/status'));
  const groups = (await api(s, 'GET', '/apis')).json;
  t.ok(groups.groups.some((g: any) => g.name === 'apps'));
  const agg = await api(s, 'GET', '/apis', undefined, { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
  t.equal(agg.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  const apps = agg.json.items.find((i: any) => i.metadata.name === 'apps');
  t.match(apps.versions[0].resources.find((r: any) => r.resource === 'deployments'), { responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' }, scope: 'Namespaced', shortNames: ['deploy'] });
  const openapi = (await api(s, 'GET', '/openapi/v3')).json;
  t.ok(openapi.paths['apis/apps/v1']);
  const gv = (await api(s, 'GET', openapi.paths['api/v1'].serverRelativeURL)).json;
  t.ok(Object.values(gv.paths).some((p: any) => p.patch?.parameters?.some((x: any) => x.name === 'fieldValidation')));
  t.equal((await api(s, 'GET', '/healthz')).status, 200);
  t.equal((await api(s, 'GET', '/readyz')).status, 200);
  await api(s, 'GET', '/api/v1/namespaces/default');
  await api(s, 'GET', '/api/v1/namespaces/default/configmaps?resourceVersion=0');
  const metrics = (await api(s, 'GET', '/metrics')).body;
  t.match(metrics, /apiserver_request_total\{[^}]*verb="GET"/);
  t.match(metrics, /apiserver_request_duration_seconds_bucket/);
  t.match(metrics, /apiserver_watch_cache_events\{resource="configmaps"\} \d+/);
});

t.test('events: queryable by involvedObject field selectors, stored with a TTL lease', async (t) => {
  const s = await buildTestApiServer();
  t.teardown(() => s.close());
  const ev = (name: string, obj: string, uid: string) => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name },
    involvedObject: { kind: 'Pod', namespace: 'default', name: obj, uid },
    reason: 'Scheduled',
    message: `placed ${obj}`,
    type: 'Normal',
    source: { component: 'scheduler' },
    firstTimestamp: '2026-01-01T00:00:00Z',
    lastTimestamp: '2026-01-01T00:00:00Z',
    count: 1,
  });
  t.equal((await api(s, 'POST', '/api/v1/namespaces/default/events', ev('e1', 'web', 'u1'))).status, 201);
  t.equal((await api(s, 'POST', '/api/v1/namespaces/default/events', ev('e2', 'db', 'u2'))).status, 201);
  const sel = await api(s, 'GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dweb%2CinvolvedObject.namespace%3Ddefault%2CinvolvedObject.uid%3Du1');
  t.same(sel.json.items.map((e: any) => e.metadata.name), ['e1']);
  const key = (await s.kv.range({ key: '/registry/events/default/e1' })).kvs[0]!;
  t.ok(key.lease > 0, 'the event key is attached to a store lease (TTL)');
});

t.test('watches: long-poll batches, streaming replay, 410 once the window has moved on', async (t) => {
  const s = await buildTestApiServer({ watchWindow: 20 });
  t.teardown(() => s.close());
  const list = await api(s, 'GET', '/api/v1/namespaces/default/configmaps');
  const rv = list.json.metadata.resourceVersion;
  // Long-poll: an empty batch at the timeout, then all pending events at once.
  const empty = await api(s, 'GET', `/api/v1/namespaces/default/configmaps?watch=true&longPoll=true&resourceVersion=${rv}&timeoutSeconds=0.2`);
  t.equal(empty.status, 200);
  t.same(empty.json.events, []);
  t.equal(empty.json.kind, 'WatchEventList');
  const { resourceFor } = await import('../../../lib/api/registry.js');
  const cache = s.deps.cacheFor(resourceFor('', 'v1', 'configmaps')!);
  await api(s, 'POST', '/api/v1/namespaces/default/configmaps', cm('w1'));
  const w2 = await api(s, 'POST', '/api/v1/namespaces/default/configmaps', cm('w2'));
  await cache.waitFor(Number(w2.json.metadata.resourceVersion), 5000); // both writes reached the cache
  const batch = await api(s, 'GET', `/api/v1/namespaces/default/configmaps?watch=true&longPoll=true&resourceVersion=${rv}&timeoutSeconds=5`);
  t.same(batch.json.events.map((e: any) => `${e.type} ${e.object.metadata.name}`), ['ADDED w1', 'ADDED w2']);
  const next = batch.json.metadata.resourceVersion;
  await api(s, 'DELETE', '/api/v1/namespaces/default/configmaps/w1');
  const after = await api(s, 'GET', `/api/v1/namespaces/default/configmaps?watch=true&longPoll=true&resourceVersion=${next}&timeoutSeconds=5`);
  t.same(after.json.events.map((e: any) => `${e.type} ${e.object.metadata.name}`), ['DELETED w1'], 'polling from the returned resourceVersion misses nothing and repeats nothing');
  const noRv = await api(s, 'GET', '/api/v1/namespaces/default/configmaps?watch=true&longPoll=true');
  t.equal(noRv.status, 400);

  // Streaming: replay from rv, over a real socket.
  await s.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (s.app.server.address() as { port: number }).port;
  const { request } = await import('undici');
  const res = await request(`http://127.0.0.1:${port}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}&timeoutSeconds=1`);
  t.equal(res.statusCode, 200);
  const lines = (await res.body.text()).trim().split('\n').map((l) => JSON.parse(l));
  t.same(lines.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED w1', 'ADDED w2', 'DELETED w1'], 'ends at timeoutSeconds');

  // Push the window past rv: the watch answers with one ERROR event carrying 410 Expired.
  for (let i = 0; i < 30; i++) await api(s, 'POST', '/api/v1/namespaces/default/configmaps', cm(`fill-${i}`));
  const old = await request(`http://127.0.0.1:${port}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`);
  const ev = JSON.parse((await old.body.text()).trim().split('\n')[0]!);
  t.equal(ev.type, 'ERROR');
  t.match(ev.object, { kind: 'Status', reason: 'Expired', code: 410 });
  const pollOld = await api(s, 'GET', `/api/v1/namespaces/default/configmaps?watch=true&longPoll=true&resourceVersion=${rv}`);
  t.equal(pollOld.status, 410);
});

t.test('hostile bodies get 400s, not stack overflows', async (t) => {
  const s = await buildTestApiServer();
  t.teardown(() => s.close());
  const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
  const rows: [string, string, string][] = [
    ['/api/v1/namespaces/default/configmaps', 'application/json', `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"d"},"x":${deep(50000)}}`],
    ['/api/v1/namespaces/default/configmaps', 'application/json', '['.repeat(100000) + ']'.repeat(100000)],
    ['/apis/apps/v1/namespaces/default/deployments', 'application/json', '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"n"},"spec":{"replicas":1e400}}'],
    // "billion laughs": aliases expanding exponentially
    ['/api/v1/namespaces/default/configmaps', 'application/yaml', ['a: &a [x,x,x,x,x,x,x,x,x]', ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`)].join('\n')],
  ];
  for (const [url, ct, payload] of rows) {
    const r = await s.app.inject({ method: 'POST', url, headers: { 'content-type': ct }, payload });
    t.equal(r.statusCode, 400, `${payload.slice(0, 40)} → ${r.json().message}`);
  }
});
