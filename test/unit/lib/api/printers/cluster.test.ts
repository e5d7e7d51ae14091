import t from 'tap';
import type { KubeObject } from '../../../../../lib/api/types.js';
import { cells, DAY, headers, HOUR, obj } from './fixtures.js';

t.test('leases', async (t) => {
  t.strictSame(headers('Lease'), ['Name', 'Holder', 'Age']);
  const held = obj('coordination.k8s.io/v1', 'Lease', 'kube-scheduler', { spec: { holderIdentity: 'scheduler-0_1a2b', leaseDurationSeconds: 15 } }, HOUR);
  t.strictSame(cells('Lease', held), ['kube-scheduler', 'scheduler-0_1a2b', '60m']);
  t.strictSame(cells('Lease', obj('coordination.k8s.io/v1', 'Lease', 'free', { spec: {} })), ['free', '', '5m']);
});

t.test('endpoint slices', async (t) => {
  t.strictSame(headers('EndpointSlice'), ['Name', 'AddressType', 'Ports', 'Endpoints', 'Age']);
  const slice = (name: string, fields: Record<string, unknown>) => obj('discovery.k8s.io/v1', 'EndpointSlice', name, { addressType: 'IPv4', ...fields });
  const cases: Array<[string, KubeObject, unknown[]]> = [
    [
      'ports and addresses',
      slice('web-abcde', { ports: [{ name: 'http', port: 8080, protocol: 'TCP' }], endpoints: [{ addresses: ['10.0.0.3'] }, { addresses: ['10.0.0.4'] }] }),
      ['web-abcde', 'IPv4', '8080', '10.0.0.3,10.0.0.4', '5m'],
    ],
    [
      'more than three of each; a named port without number; all ports',
      slice('big', {
        ports: [{ port: 80 }, { name: 'metrics' }, {}, { port: 9090 }, { port: 9091 }],
        endpoints: [{ addresses: ['10.0.0.1', '10.0.0.2'] }, { addresses: ['10.0.0.3'] }, { addresses: ['10.0.0.4'] }, { addresses: ['10.0.0.5'] }],
      }),
      ['big', 'IPv4', '80,metrics,* + 2 more...', '10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...', '5m'],
    ],
    ['empty', slice('empty', {}), ['empty', 'IPv4', '<unset>', '<unset>', '5m']],
  ];
  for (const [what, s, want] of cases) t.strictSame(cells('EndpointSlice', s), want, what);
});

t.test('horizontal pod autoscalers', async (t) => {
  t.strictSame(headers('HorizontalPodAutoscaler'), ['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age']);
  const hpa = (name: string, spec: Record<string, unknown>, status: Record<string, unknown> = {}, apiVersion = 'autoscaling/v2') =>
    obj(apiVersion, 'HorizontalPodAutoscaler', name, { spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, ...spec }, status }, DAY);
  const cpu80 = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } };
  const cases: Array<[string, KubeObject, unknown[]]> = [
    [
      'cpu utilisation, not measured yet',
      hpa('web', { minReplicas: 1, maxReplicas: 10, metrics: [cpu80] }, { currentReplicas: 1, desiredReplicas: 1 }),
      ['web', 'Deployment/web', 'cpu: <unknown>/80%', '1', 10, 1, '24h'],
    ],
    [
      'cpu measured, memory as an average value, a third metric cut off',
      hpa('multi', {
        minReplicas: 2,
        maxReplicas: 5,
        metrics: [
          cpu80,
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '512Mi' } } },
          { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '1k' } } },
        ],
      }, {
        currentReplicas: 3,
        currentMetrics: [
          { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45, averageValue: '450m' } } },
          { type: 'Resource', resource: { name: 'memory', current: { averageValue: '300Mi' } } },
        ],
      }),
      ['multi', 'Deployment/web', 'cpu: 45%/80%, memory: 300Mi/512Mi + 1 more...', '2', 5, 3, '24h'],
    ],
    [
      'pods, object, external and container resource metrics',
      hpa('other', {
        maxReplicas: 4,
        metrics: [
          { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '1k' } } },
          { type: 'Object', object: { metric: { name: 'rps' }, describedObject: { kind: 'Ingress', name: 'i' }, target: { type: 'Value', value: '10' } } },
        ],
      }, { currentReplicas: 2, currentMetrics: [{ type: 'Pods', pods: { metric: { name: 'qps' }, current: { averageValue: '900' } } }] }),
      ['other', 'Deployment/web', '900/1k, <unknown>/10', '<unset>', 4, 2, '24h'],
    ],
    [
      'external average, container resource without a target utilisation, an unknown type',
      hpa('ext', {
        maxReplicas: 3,
        metrics: [
          { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } } },
          { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', target: { type: 'Utilization' } } },
        ],
      }),
      ['ext', 'Deployment/web', '<unknown>/30 (avg), cpu: <unknown>/<auto>', '<unset>', 3, 0, '24h'],
    ],
    ['no metrics', hpa('none', { maxReplicas: 2, metrics: [] }), ['none', 'Deployment/web', '<none>', '<unset>', 2, 0, '24h']],
    [
      'autoscaling/v1 shape',
      hpa('v1', { minReplicas: 1, maxReplicas: 6, targetCPUUtilizationPercentage: 50 }, { currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 73 }, 'autoscaling/v1'),
      ['v1', 'Deployment/web', 'cpu: 73%/50%', '1', 6, 2, '24h'],
    ],
  ];
  for (const [what, h, want] of cases) t.strictSame(cells('HorizontalPodAutoscaler', h), want, what);
  const weird = hpa('weird', { maxReplicas: 1, metrics: [{ type: 'Telepathy' }] });
  t.strictSame(cells('HorizontalPodAutoscaler', weird), ['weird', 'Deployment/web', '<unknown type>', '<unset>', 1, 0, '24h']);
});

t.test('roles and cluster roles use the default NAME / CREATED AT table', async (t) => {
  for (const kind of ['Role', 'ClusterRole']) {
    t.strictSame(headers(kind), ['Name', 'Created At'], kind);
    const role = obj('rbac.authorization.k8s.io/v1', kind, 'reader', { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }, 2 * HOUR);
    t.strictSame(cells(kind, role), ['reader', '2025-06-01T10:00:00Z'], kind);
  }
});

t.test('role bindings and cluster role bindings', async (t) => {
  for (const kind of ['RoleBinding', 'ClusterRoleBinding']) {
    t.strictSame(headers(kind), ['Name', 'Role', 'Age', 'Users*', 'Groups*', 'ServiceAccounts*'], kind);
    const binding = obj('rbac.authorization.k8s.io/v1', kind, 'readers', {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [
        { kind: 'User', name: 'alice' },
        { kind: 'ServiceAccount', name: 'builder', namespace: 'ci' },
        { kind: 'Group', name: 'devs' },
        { kind: 'User', name: 'bob' },
        { kind: 'Robot', name: 'r2' },
      ],
    });
    t.strictSame(cells(kind, binding), ['readers', 'ClusterRole/view', '5m', 'alice, bob', 'devs', 'ci/builder'], kind);
    const empty = obj('rbac.authorization.k8s.io/v1', kind, 'nobody', { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' } });
    t.strictSame(cells(kind, empty), ['nobody', 'Role/r', '5m', '', '', ''], kind);
  }
});

t.test('ingresses', async (t) => {
  t.strictSame(headers('Ingress'), ['Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age']);
  const ing = (name: string, spec: Record<string, unknown>, status: Record<string, unknown> = {}) => obj('networking.k8s.io/v1', 'Ingress', name, { spec, status });
  const cases: Array<[string, KubeObject, unknown[]]> = [
    [
      'class, hosts, TLS, load balancer',
      ing('web', { ingressClassName: 'nginx', tls: [{ hosts: ['a.example.com'], secretName: 't' }], rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }] }, {
        loadBalancer: { ingress: [{ ip: '203.0.113.5' }, { hostname: 'lb.example.com' }] },
      }),
      ['web', 'nginx', 'a.example.com,b.example.com', '203.0.113.5,lb.example.com', '80, 443', '5m'],
    ],
    ['catch-all', ing('all', { defaultBackend: { service: { name: 'web', port: { number: 80 } } } }), ['all', '<none>', '*', '', '80', '5m']],
    [
      'more than three hosts counts every rule',
      ing('many', { rules: [{ host: 'a' }, { host: 'b' }, {}, { host: 'd' }, { host: 'e' }] }),
      ['many', '<none>', 'a,b,d + 2 more...', '', '80', '5m'],
    ],
  ];
  for (const [what, i, want] of cases) t.strictSame(cells('Ingress', i), want, what);
});

t.test('network policies', async (t) => {
  t.strictSame(headers('NetworkPolicy'), ['Name', 'Pod-Selector', 'Age']);
  const np = (name: string, podSelector: unknown) => obj('networking.k8s.io/v1', 'NetworkPolicy', name, { spec: { podSelector, policyTypes: ['Ingress'] } });
  t.strictSame(cells('NetworkPolicy', np('deny-all', {})), ['deny-all', '<none>', '5m']);
  t.strictSame(cells('NetworkPolicy', np('db', { matchLabels: { app: 'db' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] })), ['db', 'app=db,tier notin (x)', '5m']);
  t.strictSame(cells('NetworkPolicy', np('missing', undefined)), ['missing', '<none>', '5m']);
});

t.test('storage classes', async (t) => {
  t.strictSame(headers('StorageClass'), ['Name', 'Provisioner', 'ReclaimPolicy', 'VolumeBindingMode', 'AllowVolumeExpansion', 'Age']);
  const sc = (name: string, fields: Record<string, unknown>) => obj('storage.k8s.io/v1', 'StorageClass', name, fields, 30 * DAY);
  t.strictSame(
    cells('StorageClass', sc('standard', { metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'k8ts.io/hostpath', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true })),
    ['standard (default)', 'k8ts.io/hostpath', 'Delete', 'WaitForFirstConsumer', true, '30d'],
  );
  t.strictSame(cells('StorageClass', sc('plain', { provisioner: 'example.com/nfs' })), ['plain', 'example.com/nfs', 'Delete', 'Immediate', false, '30d']);
  t.strictSame(
    cells('StorageClass', sc('beta', { metadata: { annotations: { 'storageclass.beta.kubernetes.io/is-default-class': 'true' } }, provisioner: 'p', reclaimPolicy: 'Retain' })),
    ['beta (default)', 'p', 'Retain', 'Immediate', false, '30d'],
  );
  t.strictSame(
    cells('StorageClass', sc('notdefault', { metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'false' } }, provisioner: 'p' })),
    ['notdefault', 'p', 'Delete', 'Immediate', false, '30d'],
  );
});
