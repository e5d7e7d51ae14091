import t from 'tap';
import type { KubeObject } from '../../../../../lib/api/types.js';
import { ago, cells, DAY, headers, HOUR, MINUTE, obj, table } from './fixtures.js';

const node = (name: string, fields: Record<string, unknown>) => obj('v1', 'Node', name, fields, 3 * DAY);

t.test('node columns', async (t) => {
  t.strictSame(headers('Node'), [
    'Name', 'Status', 'Roles', 'Age', 'Version',
    'Internal-IP*', 'External-IP*', 'OS-Image*', 'Kernel-Version*', 'Container-Runtime*',
  ]);
});

const NODE_INFO = {
  kubeletVersion: 'v1.32.0',
  osImage: 'Debian GNU/Linux 12 (bookworm)',
  kernelVersion: '6.1.0-18-amd64',
  containerRuntimeVersion: 'containerd://1.6.20',
  machineID: '', systemUUID: '', bootID: '', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64',
};

const NODE_CASES: Array<[string, KubeObject, unknown[]]> = [
  [
    'cordoned control plane with roles from both label forms',
    node('cp-1', {
      metadata: {
        labels: {
          'node-role.kubernetes.io/control-plane': '',
          'node-role.kubernetes.io/worker': 'true',
          'node-role.kubernetes.io/': '', // no role name: ignored
          'kubernetes.io/role': 'infra',
          'kubernetes.io/hostname': 'cp-1',
        },
      },
      spec: { unschedulable: true },
      status: {
        conditions: [
          { type: 'MemoryPressure', status: 'False' },
          { type: 'Ready', status: 'True' },
        ],
        addresses: [
          { type: 'Hostname', address: 'cp-1' },
          { type: 'InternalIP', address: '192.168.1.10' },
          { type: 'InternalIP', address: '192.168.1.11' },
          { type: 'ExternalIP', address: '203.0.113.7' },
        ],
        nodeInfo: NODE_INFO,
      },
    }),
    ['cp-1', 'Ready,SchedulingDisabled', 'control-plane,infra,worker', '3d', 'v1.32.0',
      '192.168.1.10', '203.0.113.7', 'Debian GNU/Linux 12 (bookworm)', '6.1.0-18-amd64', 'containerd://1.6.20'],
  ],
  [
    'not ready worker without roles',
    node('w-1', { status: { conditions: [{ type: 'Ready', status: 'False' }], addresses: [{ type: 'InternalIP', address: '10.1.0.2' }], nodeInfo: NODE_INFO } }),
    ['w-1', 'NotReady', '<none>', '3d', 'v1.32.0', '10.1.0.2', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.1.0-18-amd64', 'containerd://1.6.20'],
  ],
  [
    'a Ready condition of Unknown reads NotReady',
    node('w-2', { status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }),
    ['w-2', 'NotReady', '<none>', '3d', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>'],
  ],
  [
    'no Ready condition at all reads Unknown',
    node('fresh', { spec: { unschedulable: true } }),
    ['fresh', 'Unknown,SchedulingDisabled', '<none>', '3d', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>'],
  ],
];

t.test('node cells', async (t) => {
  for (const [what, n, want] of NODE_CASES) t.strictSame(cells('Node', n), want, what);
});

t.test('namespace', async (t) => {
  t.strictSame(headers('Namespace'), ['Name', 'Status', 'Age']);
  t.strictSame(cells('Namespace', obj('v1', 'Namespace', 'prod', { status: { phase: 'Active' } }, 400 * DAY)), ['prod', 'Active', '400d']);
  t.strictSame(
    cells('Namespace', obj('v1', 'Namespace', 'old', { metadata: { deletionTimestamp: ago(0) }, status: { phase: 'Terminating' } }, 2 * HOUR)),
    ['old', 'Terminating', '120m'],
  );
});

const svc = (name: string, spec: Record<string, unknown>, status: Record<string, unknown> = {}) =>
  obj('v1', 'Service', name, { spec, status }, 2 * DAY + 3 * HOUR);

const SERVICE_CASES: Array<[string, KubeObject, unknown[]]> = [
  [
    'ClusterIP',
    svc('web', { type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], selector: { tier: 'fe', app: 'web' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] }),
    ['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP', '2d3h', 'app=web,tier=fe'],
  ],
  [
    'ClusterIP with external IPs and two ports',
    svc('dns', {
      type: 'ClusterIP', clusterIPs: ['10.96.0.53'], externalIPs: ['198.51.100.1', '198.51.100.2'], selector: { k8s: 'dns' },
      ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }],
    }),
    ['dns', 'ClusterIP', '10.96.0.53', '198.51.100.1,198.51.100.2', '53/UDP,53/TCP', '2d3h', 'k8s=dns'],
  ],
  [
    'headless',
    svc('db', { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], selector: { app: 'db' }, ports: [{ port: 5432, protocol: 'TCP' }] }),
    ['db', 'ClusterIP', 'None', '<none>', '5432/TCP', '2d3h', 'app=db'],
  ],
  [
    'an object with only the legacy clusterIP field',
    svc('legacy', { type: 'ClusterIP', clusterIP: '10.96.1.1', ports: [{ port: 80, protocol: 'TCP' }] }),
    ['legacy', 'ClusterIP', '10.96.1.1', '<none>', '80/TCP', '2d3h', '<none>'],
  ],
  [
    'NodePort',
    svc('np', {
      type: 'NodePort', clusterIPs: ['10.96.0.20'], selector: { app: 'np' },
      ports: [{ name: 'http', port: 80, nodePort: 30080, protocol: 'TCP' }, { name: 'https', port: 443, nodePort: 30443, protocol: 'TCP' }],
    }),
    ['np', 'NodePort', '10.96.0.20', '<none>', '80:30080/TCP,443:30443/TCP', '2d3h', 'app=np'],
  ],
  [
    'LoadBalancer still waiting for an address',
    svc('lb', { type: 'LoadBalancer', clusterIPs: ['10.96.0.30'], selector: { app: 'lb' }, ports: [{ port: 80, nodePort: 31000, protocol: 'TCP' }] }),
    ['lb', 'LoadBalancer', '10.96.0.30', '<pending>', '80:31000/TCP', '2d3h', 'app=lb'],
  ],
  [
    'LoadBalancer with ingress addresses, sorted and de-duplicated, hostnames when no IP',
    svc('lb2', { type: 'LoadBalancer', clusterIPs: ['10.96.0.31'], ports: [{ port: 443, nodePort: 31001, protocol: 'TCP' }] }, {
      loadBalancer: { ingress: [{ ip: '203.0.113.9' }, { hostname: 'lb.example.com' }, { ip: '203.0.113.10' }, { ip: '203.0.113.9' }] },
    }),
    ['lb2', 'LoadBalancer', '10.96.0.31', '203.0.113.10,203.0.113.9,lb.example.com', '443:31001/TCP', '2d3h', '<none>'],
  ],
  [
    'LoadBalancer with ingress and external IPs',
    svc('lb3', { type: 'LoadBalancer', clusterIPs: ['10.96.0.32'], externalIPs: ['198.51.100.5'], ports: [{ port: 80, nodePort: 31002, protocol: 'TCP' }] }, {
      loadBalancer: { ingress: [{ ip: '203.0.113.20' }] },
    }),
    ['lb3', 'LoadBalancer', '10.96.0.32', '203.0.113.20,198.51.100.5', '80:31002/TCP', '2d3h', '<none>'],
  ],
  [
    'ExternalName',
    svc('ext', { type: 'ExternalName', externalName: 'db.example.com' }),
    ['ext', 'ExternalName', '<none>', 'db.example.com', '<none>', '2d3h', '<none>'],
  ],
];

t.test('service columns and cells', async (t) => {
  t.strictSame(headers('Service'), ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector*']);
  for (const [what, s, want] of SERVICE_CASES) t.strictSame(cells('Service', s), want, what);
});

t.test('endpoints', async (t) => {
  t.strictSame(headers('Endpoints'), ['Name', 'Endpoints', 'Age']);
  const ep = (name: string, subsets: unknown) => obj('v1', 'Endpoints', name, subsets === undefined ? {} : { subsets });
  const cases: Array<[string, KubeObject, unknown[]]> = [
    ['none', ep('empty', undefined), ['empty', '<none>', '5m']],
    [
      'ip:port pairs, IPv6 in brackets',
      ep('web', [{ addresses: [{ ip: '10.0.0.3' }, { ip: 'fd00::4' }], ports: [{ port: 8080, protocol: 'TCP' }] }]),
      ['web', '10.0.0.3:8080,[fd00::4]:8080', '5m'],
    ],
    [
      'more than three',
      ep('many', [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ name: 'a', port: 80 }, { name: 'b', port: 443 }] }]),
      ['many', '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...', '5m'],
    ],
    [
      'headless without ports: bare IPs',
      ep('headless', [{ addresses: [{ ip: '10.0.0.7' }, { ip: '10.0.0.8' }] }]),
      ['headless', '10.0.0.7,10.0.0.8', '5m'],
    ],
    ['only not-ready addresses', ep('notready', [{ notReadyAddresses: [{ ip: '10.0.0.9' }], ports: [{ port: 80 }] }]), ['notready', '', '5m']],
  ];
  for (const [what, e, want] of cases) t.strictSame(cells('Endpoints', e), want, what);
});

t.test('configmap, secret and service account count their entries as integers', async (t) => {
  t.strictSame(headers('ConfigMap'), ['Name', 'Data', 'Age']);
  t.strictSame(cells('ConfigMap', obj('v1', 'ConfigMap', 'cfg', { data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } })), ['cfg', 3, '5m']);
  t.strictSame(cells('ConfigMap', obj('v1', 'ConfigMap', 'kube-root-ca.crt', {})), ['kube-root-ca.crt', 0, '5m']);

  t.strictSame(headers('Secret'), ['Name', 'Type', 'Data', 'Age']);
  t.strictSame(cells('Secret', obj('v1', 'Secret', 'tls', { type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==', 'tls.key': 'eQ==' } })), ['tls', 'kubernetes.io/tls', 2, '5m']);
  t.strictSame(cells('Secret', obj('v1', 'Secret', 'empty', { type: 'Opaque' })), ['empty', 'Opaque', 0, '5m']);

  t.strictSame(headers('ServiceAccount'), ['Name', 'Secrets', 'Age']);
  t.strictSame(cells('ServiceAccount', obj('v1', 'ServiceAccount', 'default', {})), ['default', 0, '5m']);
  t.strictSame(cells('ServiceAccount', obj('v1', 'ServiceAccount', 'builder', { secrets: [{ name: 'builder-token' }] })), ['builder', 1, '5m']);
});

t.test('events', async (t) => {
  t.strictSame(headers('Event'), ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject*', 'Source*', 'Message', 'First Seen*', 'Count*', 'Name*']);
  const defs = table('Event', []).columnDefinitions;
  t.equal(defs.find((c) => c.name === 'Name')!.format, 'name', 'the hidden Name column still identifies the event');

  const ev = (name: string, fields: Record<string, unknown>) => obj('v1', 'Event', name, fields, HOUR);
  const cases: Array<[string, KubeObject, unknown[]]> = [
    [
      'a repeated core/v1 event',
      ev('web.1', {
        involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', fieldPath: 'spec.containers{web}' },
        reason: 'BackOff', message: 'Back-off restarting failed container\n', type: 'Warning',
        source: { component: 'kubelet', host: 'node-1' },
        firstTimestamp: ago(40 * MINUTE), lastTimestamp: ago(30 * 1000), count: 7,
      }),
      ['30s', 'Warning', 'BackOff', 'pod/web', 'spec.containers{web}', 'kubelet, node-1', 'Back-off restarting failed container', '40m', 7, 'web.1'],
    ],
    [
      'an events.k8s.io-style event: eventTime, no count, reporting controller',
      ev('sched.1', {
        involvedObject: { kind: 'Pod', name: 'web' },
        reason: 'Scheduled', message: 'Successfully assigned default/web to node-1', type: 'Normal',
        eventTime: '2025-06-01T11:58:00.123456Z', reportingComponent: 'default-scheduler', reportingInstance: 'default-scheduler-cp-1',
      }),
      // 1m59.877s ago: under two minutes Kubernetes still counts seconds.
      ['119s', 'Normal', 'Scheduled', 'pod/web', '', 'default-scheduler, default-scheduler-cp-1', 'Successfully assigned default/web to node-1', '119s', 1, 'sched.1'],
    ],
    [
      'an event series: last observed time and series count',
      ev('series.1', {
        involvedObject: { kind: 'Node', name: 'node-1' },
        reason: 'NodeNotReady', message: 'x', type: 'Normal', source: { component: 'node-controller' },
        eventTime: ago(3 * HOUR), series: { count: 12, lastObservedTime: ago(90 * 1000) },
      }),
      ['90s', 'Normal', 'NodeNotReady', 'node/node-1', '', 'node-controller', 'x', '3h', 12, 'series.1'],
    ],
    [
      'no timestamps and an object without a name',
      ev('odd.1', { involvedObject: { kind: 'ClusterRole' }, reason: 'X', message: '', type: 'Normal' }),
      ['<unknown>', 'Normal', 'X', 'clusterrole', '', '', '', '<unknown>', 1, 'odd.1'],
    ],
  ];
  for (const [what, e, want] of cases) t.strictSame(cells('Event', e), want, what);
});

t.test('persistent volumes', async (t) => {
  t.strictSame(headers('PersistentVolume'), [
    'Name', 'Capacity', 'Access Modes', 'Reclaim Policy', 'Status', 'Claim', 'StorageClass', 'VolumeAttributesClass', 'Reason', 'Age', 'VolumeMode*',
  ]);
  const bound = obj('v1', 'PersistentVolume', 'pv-1', {
    metadata: { namespace: undefined },
    spec: {
      capacity: { storage: '10Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain', storageClassName: 'fast', volumeMode: 'Filesystem',
      claimRef: { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data' }, hostPath: { path: '/data' },
    },
    status: { phase: 'Bound' },
  }, 20 * DAY);
  t.strictSame(cells('PersistentVolume', bound), ['pv-1', '10Gi', 'RWO,RWX', 'Retain', 'Bound', 'default/data', 'fast', '<unset>', '', '20d', 'Filesystem']);

  const failing = obj('v1', 'PersistentVolume', 'pv-2', {
    metadata: { annotations: { 'volume.beta.kubernetes.io/storage-class': 'legacy' }, deletionTimestamp: ago(0) },
    spec: { capacity: { storage: '1.5Gi' }, accessModes: ['ReadWriteOncePod', 'ReadOnlyMany'], persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'ignored', volumeAttributesClassName: 'gold' },
    status: { phase: 'Failed', reason: 'RecyclerFailed' },
  });
  t.strictSame(cells('PersistentVolume', failing), ['pv-2', '1536Mi', 'ROX,RWOP', 'Delete', 'Terminating', '', 'legacy', 'gold', 'RecyclerFailed', '5m', '<unset>']);
});

t.test('persistent volume claims', async (t) => {
  t.strictSame(headers('PersistentVolumeClaim'), ['Name', 'Status', 'Volume', 'Capacity', 'Access Modes', 'StorageClass', 'VolumeAttributesClass', 'Age', 'VolumeMode*']);
  const bound = obj('v1', 'PersistentVolumeClaim', 'data', {
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } }, storageClassName: 'fast', volumeName: 'pv-1', volumeMode: 'Filesystem' },
    status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' } },
  });
  t.strictSame(cells('PersistentVolumeClaim', bound), ['data', 'Bound', 'pv-1', '10Gi', 'RWO', 'fast', '<unset>', '5m', 'Filesystem']);
  const pending = obj('v1', 'PersistentVolumeClaim', 'wait', {
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } }, volumeMode: 'Block' },
    status: { phase: 'Pending' },
  });
  t.strictSame(cells('PersistentVolumeClaim', pending), ['wait', 'Pending', '', '', '', '', '<unset>', '5m', 'Block']);
});

t.test('replication controllers', async (t) => {
  t.strictSame(headers('ReplicationController'), ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers*', 'Images*', 'Selector*']);
  const rc = obj('v1', 'ReplicationController', 'nginx', {
    spec: { replicas: 3, selector: { app: 'nginx' }, template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }, { name: 'log', image: 'busybox' }] } } },
    status: { replicas: 3, readyReplicas: 2 },
  });
  t.strictSame(cells('ReplicationController', rc), ['nginx', 3, 3, 2, '5m', 'nginx,log', 'nginx:1.27,busybox', 'app=nginx']);
  const types = table('ReplicationController', []).columnDefinitions.map((c) => c.type);
  t.strictSame(types, ['string', 'integer', 'integer', 'integer', 'string', 'string', 'string', 'string']);
});

t.test('resource quotas split requests and limits, sorted by resource', async (t) => {
  t.strictSame(headers('ResourceQuota'), ['Name', 'Request', 'Limit', 'Age']);
  const rq = obj('v1', 'ResourceQuota', 'compute', {
    spec: { hard: { pods: '10' } },
    status: {
      hard: { 'requests.cpu': '2', pods: '10', 'limits.memory': '4Gi', 'requests.memory': '2Gi', 'limits.cpu': '4' },
      used: { 'requests.cpu': '500m', pods: '3', 'limits.memory': '1Gi', 'requests.memory': '512Mi' },
    },
  });
  t.strictSame(cells('ResourceQuota', rq), ['compute', 'pods: 3/10, requests.cpu: 500m/2, requests.memory: 512Mi/2Gi', 'limits.cpu: 0/4, limits.memory: 1Gi/4Gi', '5m']);
  t.strictSame(cells('ResourceQuota', obj('v1', 'ResourceQuota', 'fresh', { spec: { hard: { pods: '1' } } })), ['fresh', '', '', '5m']);
});

t.test('limit ranges use the default table, as in Kubernetes', async (t) => {
  t.strictSame(headers('LimitRange'), ['Name', 'Created At']);
  t.strictSame(cells('LimitRange', obj('v1', 'LimitRange', 'limits', { spec: { limits: [] } }, 2 * DAY)), ['limits', '2025-05-30T12:00:00Z']);
  t.equal(table('LimitRange', []).columnDefinitions[1]!.type, 'date');
});
