import t from 'tap';
import {
  apiGroups,
  apiVersionOf,
  isPreferredVersion,
  parseApiVersion,
  RESOURCES,
  resolveResourceName,
  resourceFor,
  resourceForKind,
  resourcesInCategory,
  resourcesInGroupVersion,
  storageKey,
  storagePrefix,
  subresourceOf,
} from '../../../../lib/api/registry.js';

// What a kubectl user types → group/plural it must resolve to.
const NAME_CASES: Array<[string, string, string]> = [
  // short names
  ['ns', '', 'namespaces'],
  ['no', '', 'nodes'],
  ['po', '', 'pods'],
  ['svc', '', 'services'],
  ['ep', '', 'endpoints'],
  ['cm', '', 'configmaps'],
  ['sa', '', 'serviceaccounts'],
  ['ev', '', 'events'],
  ['pv', '', 'persistentvolumes'],
  ['pvc', '', 'persistentvolumeclaims'],
  ['rc', '', 'replicationcontrollers'],
  ['quota', '', 'resourcequotas'],
  ['limits', '', 'limitranges'],
  ['deploy', 'apps', 'deployments'],
  ['rs', 'apps', 'replicasets'],
  ['ds', 'apps', 'daemonsets'],
  ['sts', 'apps', 'statefulsets'],
  ['cj', 'batch', 'cronjobs'],
  ['hpa', 'autoscaling', 'horizontalpodautoscalers'],
  ['ing', 'networking.k8s.io', 'ingresses'],
  ['netpol', 'networking.k8s.io', 'networkpolicies'],
  ['sc', 'storage.k8s.io', 'storageclasses'],
  // plurals
  ['pods', '', 'pods'],
  ['secrets', '', 'secrets'],
  ['controllerrevisions', 'apps', 'controllerrevisions'],
  ['jobs', 'batch', 'jobs'],
  ['leases', 'coordination.k8s.io', 'leases'],
  ['endpointslices', 'discovery.k8s.io', 'endpointslices'],
  ['roles', 'rbac.authorization.k8s.io', 'roles'],
  ['clusterroles', 'rbac.authorization.k8s.io', 'clusterroles'],
  ['rolebindings', 'rbac.authorization.k8s.io', 'rolebindings'],
  ['clusterrolebindings', 'rbac.authorization.k8s.io', 'clusterrolebindings'],
  // singulars and kinds, any case
  ['pod', '', 'pods'],
  ['Pod', '', 'pods'],
  ['DEPLOYMENT', 'apps', 'deployments'],
  ['endpoints', '', 'endpoints'],
  ['storageclass', 'storage.k8s.io', 'storageclasses'],
  ['HorizontalPodAutoscaler', 'autoscaling', 'horizontalpodautoscalers'],
  ['networkpolicy', 'networking.k8s.io', 'networkpolicies'],
  ['lease', 'coordination.k8s.io', 'leases'],
  // group-qualified
  ['deploy.apps', 'apps', 'deployments'],
  ['deployments.apps', 'apps', 'deployments'],
  ['Deployment.apps', 'apps', 'deployments'],
  ['ingresses.networking.k8s.io', 'networking.k8s.io', 'ingresses'],
  ['clusterroles.rbac.authorization.k8s.io', 'rbac.authorization.k8s.io', 'clusterroles'],
  ['jobs.batch', 'batch', 'jobs'],
  ['  svc  ', '', 'services'],
];

t.test('every kubectl name resolves to its resource', async (t) => {
  for (const [input, group, plural] of NAME_CASES) {
    const r = resolveResourceName(input);
    t.ok(r, `${input} resolves`);
    t.equal(r?.group, group, `${input} group`);
    t.equal(r?.plural, plural, `${input} plural`);
  }
});

t.test('every resource is reachable by plural, singular, kind and each short name', async (t) => {
  for (const r of RESOURCES.filter(isPreferredVersion)) {
    for (const name of [r.plural, r.singular, r.kind, ...r.shortNames]) {
      const found = resolveResourceName(r.group ? `${name}.${r.group}` : name);
      t.equal(found, r, `${name}.${r.group}`);
    }
  }
});

t.test('versioned names pick that version; unversioned ones the preferred version', async (t) => {
  t.equal(resolveResourceName('hpa')?.version, 'v2');
  t.equal(resolveResourceName('hpa.autoscaling')?.version, 'v2');
  t.equal(resolveResourceName('hpa.v1.autoscaling')?.version, 'v1');
  t.equal(resolveResourceName('horizontalpodautoscalers.v2.autoscaling')?.version, 'v2');
  t.equal(resolveResourceName('pods.v1.')?.plural, 'pods');
  t.equal(resolveResourceName('deployments.v1.apps')?.plural, 'deployments');
});

t.test('unknown and wrongly qualified names do not resolve', async (t) => {
  for (const input of ['', 'pdo', 'deploy.batch', 'pods.apps', 'hpa.v3.autoscaling', 'podsecuritypolicies', '.']) {
    t.equal(resolveResourceName(input), undefined, JSON.stringify(input));
  }
});

t.test('resource metadata matches real discovery', async (t) => {
  const pods = resourceFor('', 'v1', 'pods')!;
  t.same(
    { kind: pods.kind, listKind: pods.listKind, singular: pods.singular, namespaced: pods.namespaced, categories: pods.categories },
    { kind: 'Pod', listKind: 'PodList', singular: 'pod', namespaced: true, categories: ['all'] },
  );
  t.same(pods.verbs, ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
  t.same(
    pods.subresources.map((s) => s.name),
    ['binding', 'eviction', 'exec', 'log', 'status'],
  );
  t.same(subresourceOf(pods, 'eviction'), { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] });
  t.same(subresourceOf(pods, 'binding')?.verbs, ['create']);
  t.same(subresourceOf(pods, 'log')?.verbs, ['get']);
  t.equal(subresourceOf(pods, 'scale'), undefined);

  const ns = resourceFor('', 'v1', 'namespaces')!;
  t.equal(ns.namespaced, false);
  t.notOk(ns.verbs.includes('deletecollection'), 'namespaces cannot be deleted as a collection');

  for (const [group, plural] of [
    ['apps', 'deployments'],
    ['apps', 'replicasets'],
    ['apps', 'statefulsets'],
    ['', 'replicationcontrollers'],
  ] as const) {
    const scale = subresourceOf(resourceFor(group, 'v1', plural)!, 'scale');
    t.same(scale, { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] }, `${plural}/scale`);
  }
  t.equal(subresourceOf(resourceFor('apps', 'v1', 'daemonsets')!, 'scale'), undefined, 'daemonsets do not scale');
  t.equal(resourceFor('', 'v1', 'configmaps')!.subresources.length, 0);
  t.equal(resourceFor('networking.k8s.io', 'v1', 'networkpolicies')!.subresources.length, 0);

  const clusterScoped = RESOURCES.filter((r) => !r.namespaced).map((r) => r.plural).sort();
  t.same(clusterScoped, ['clusterrolebindings', 'clusterroles', 'namespaces', 'nodes', 'persistentvolumes', 'storageclasses']);
});

t.test('kind lookup and apiVersion', async (t) => {
  const cases: Array<[string, string, string | undefined]> = [
    ['apps/v1', 'Deployment', 'deployments'],
    ['v1', 'Pod', 'pods'],
    ['autoscaling/v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers'],
    ['autoscaling/v1', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers'],
    ['discovery.k8s.io/v1', 'EndpointSlice', 'endpointslices'],
    ['apps/v1', 'Pod', undefined],
    ['extensions/v1beta1', 'Deployment', undefined],
    ['v1', 'pod', undefined],
  ];
  for (const [apiVersion, kind, plural] of cases) {
    t.equal(resourceForKind(apiVersion, kind)?.plural, plural, `${apiVersion} ${kind}`);
  }
  t.equal(apiVersionOf(resourceFor('', 'v1', 'pods')!), 'v1');
  t.equal(apiVersionOf(resourceFor('apps', 'v1', 'deployments')!), 'apps/v1');
  t.same(parseApiVersion('rbac.authorization.k8s.io/v1'), { group: 'rbac.authorization.k8s.io', version: 'v1' });
  t.same(parseApiVersion('v1'), { group: '', version: 'v1' });
});

t.test('discovery groups, versions and categories', async (t) => {
  t.same(apiGroups(), [
    { name: '', versions: ['v1'], preferredVersion: 'v1' },
    { name: 'apps', versions: ['v1'], preferredVersion: 'v1' },
    { name: 'autoscaling', versions: ['v2', 'v1'], preferredVersion: 'v2' },
    { name: 'batch', versions: ['v1'], preferredVersion: 'v1' },
    { name: 'networking.k8s.io', versions: ['v1'], preferredVersion: 'v1' },
    { name: 'rbac.authorization.k8s.io', versions: ['v1'], preferredVersion: 'v1' },
    { name: 'storage.k8s.io', versions: ['v1'], preferredVersion: 'v1' },
    { name: 'coordination.k8s.io', versions: ['v1'], preferredVersion: 'v1' },
    { name: 'discovery.k8s.io', versions: ['v1'], preferredVersion: 'v1' },
  ]);
  t.same(
    resourcesInCategory('all').map((r) => r.plural),
    ['pods', 'replicationcontrollers', 'services', 'daemonsets', 'deployments', 'replicasets', 'statefulsets', 'horizontalpodautoscalers', 'cronjobs', 'jobs'],
  );
  t.same(resourcesInGroupVersion('batch', 'v1').map((r) => r.kind), ['CronJob', 'Job']);
  t.equal(resourcesInGroupVersion('', 'v1').length, 14);
  t.same(resourcesInGroupVersion('apps', 'v2'), []);
});

t.test('storage keys', async (t) => {
  const cases: Array<[string, string, string, string | undefined, string, string]> = [
    ['', 'v1', 'pods', 'default', 'nginx', '/registry/pods/default/nginx'],
    ['', 'v1', 'namespaces', undefined, 'kube-system', '/registry/namespaces/kube-system'],
    ['', 'v1', 'nodes', 'ignored', 'node-1', '/registry/nodes/node-1'],
    ['apps', 'v1', 'deployments', 'shop', 'web', '/registry/apps/deployments/shop/web'],
    ['storage.k8s.io', 'v1', 'storageclasses', undefined, 'fast', '/registry/storage.k8s.io/storageclasses/fast'],
    ['autoscaling', 'v1', 'horizontalpodautoscalers', 'a', 'h', '/registry/autoscaling/horizontalpodautoscalers/a/h'],
    ['autoscaling', 'v2', 'horizontalpodautoscalers', 'a', 'h', '/registry/autoscaling/horizontalpodautoscalers/a/h'],
  ];
  for (const [group, version, plural, ns, name, key] of cases) {
    t.equal(storageKey(resourceFor(group, version, plural)!, ns, name), key, key);
  }
  const pods = resourceFor('', 'v1', 'pods')!;
  t.equal(storagePrefix(pods), '/registry/pods/');
  t.equal(storagePrefix(pods, 'a'), '/registry/pods/a/');
  t.notOk(storageKey(pods, 'ab', 'x').startsWith(storagePrefix(pods, 'a')), 'namespace a does not cover namespace ab');
  t.throws(() => storageKey(pods, undefined, 'x'), /namespaced/);
  t.throws(() => storageKey(pods, 'default', ''), /empty name/);
  const keys = new Set(RESOURCES.filter(isPreferredVersion).map((r) => storagePrefix(r)));
  t.equal(keys.size, RESOURCES.filter(isPreferredVersion).length, 'no two resources share a prefix');
});
