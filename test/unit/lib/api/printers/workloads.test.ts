import t from 'tap';
import type { KubeObject } from '../../../../../lib/api/types.js';
import { ago, cells, DAY, headers, HOUR, MINUTE, obj, SECOND, table } from './fixtures.js';

const template = (containers: Array<[string, string]>, extra: Record<string, unknown> = {}) => ({
  metadata: { labels: { app: 'web' } },
  spec: { containers: containers.map(([name, image]) => ({ name, image })), ...extra },
});

t.test('deployments', async (t) => {
  t.strictSame(headers('Deployment'), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers*', 'Images*', 'Selector*']);
  const cases: Array<[string, KubeObject, unknown[]]> = [
    [
      'rolling out',
      obj('apps/v1', 'Deployment', 'web', {
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'web', tier: 'fe' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'canary'] }] },
          template: template([['web', 'nginx:1.27'], ['sidecar', 'envoy:1.30']]),
        },
        status: { replicas: 3, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2 },
      }, 12 * MINUTE),
      ['web', '2/3', 1, 2, '12m', 'web,sidecar', 'nginx:1.27,envoy:1.30', 'app=web,env in (canary,prod),tier=fe'],
    ],
    [
      'fresh, no status yet, empty selector prints empty (not <none>)',
      obj('apps/v1', 'Deployment', 'new', { spec: { replicas: 1, selector: {}, template: template([['a', 'busybox']]) } }, 30 * SECOND),
      ['new', '0/1', 0, 0, '30s', 'a', 'busybox', ''],
    ],
    [
      'an invalid selector',
      obj('apps/v1', 'Deployment', 'bad', { spec: { replicas: 0, selector: { matchExpressions: [{ key: 'x', operator: 'Near' }] }, template: template([]) } }),
      ['bad', '0/0', 0, 0, '5m', '', '', '<invalid>'],
    ],
  ];
  for (const [what, d, want] of cases) t.strictSame(cells('Deployment', d), want, what);
});

t.test('replica sets', async (t) => {
  t.strictSame(headers('ReplicaSet'), ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers*', 'Images*', 'Selector*']);
  const rs = obj('apps/v1', 'ReplicaSet', 'web-7d4b9c', {
    spec: { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': '7d4b9c' } }, template: template([['web', 'nginx']]) },
    status: { replicas: 3, readyReplicas: 1, availableReplicas: 1 },
  }, 2 * HOUR);
  t.strictSame(cells('ReplicaSet', rs), ['web-7d4b9c', 3, 3, 1, '120m', 'web', 'nginx', 'app=web,pod-template-hash=7d4b9c']);
  const noSelector = obj('apps/v1', 'ReplicaSet', 'orphan', { spec: { replicas: 0, template: template([['web', 'nginx']]) } });
  t.strictSame(cells('ReplicaSet', noSelector), ['orphan', 0, 0, 0, '5m', 'web', 'nginx', '<none>']);
});

t.test('daemon sets', async (t) => {
  t.strictSame(headers('DaemonSet'), [
    'Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age', 'Containers*', 'Images*', 'Selector*',
  ]);
  const ds = obj('apps/v1', 'DaemonSet', 'kube-proxy', {
    spec: {
      selector: { matchLabels: { k8s: 'kube-proxy' } },
      template: template([['kube-proxy', 'k8ts/kube-proxy']], { nodeSelector: { 'kubernetes.io/os': 'linux' } }),
    },
    status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2, numberMisscheduled: 0 },
  }, 10 * DAY);
  t.strictSame(cells('DaemonSet', ds), ['kube-proxy', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '10d', 'kube-proxy', 'k8ts/kube-proxy', 'k8s=kube-proxy']);
  const plain = obj('apps/v1', 'DaemonSet', 'agent', { spec: { selector: { matchLabels: { a: 'b' } }, template: template([['agent', 'busybox']]) } });
  t.strictSame(cells('DaemonSet', plain), ['agent', 0, 0, 0, 0, 0, '<none>', '5m', 'agent', 'busybox', 'a=b']);
});

t.test('stateful sets', async (t) => {
  t.strictSame(headers('StatefulSet'), ['Name', 'Ready', 'Age', 'Containers*', 'Images*']);
  const sts = obj('apps/v1', 'StatefulSet', 'db', {
    spec: { replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template([['postgres', 'postgres:16']]) },
    status: { replicas: 2, readyReplicas: 1 },
  });
  t.strictSame(cells('StatefulSet', sts), ['db', '1/3', '5m', 'postgres', 'postgres:16']);
});

t.test('controller revisions', async (t) => {
  t.strictSame(headers('ControllerRevision'), ['Name', 'Controller', 'Revision', 'Age']);
  const owned = obj('apps/v1', 'ControllerRevision', 'db-5c8f', {
    metadata: {
      ownerReferences: [
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'not-the-controller', uid: 'x' },
        { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'y', controller: true },
      ],
    },
    revision: 4,
    data: {},
  });
  t.strictSame(cells('ControllerRevision', owned), ['db-5c8f', 'statefulset.apps/db', 4, '5m']);
  const coreOwner = obj('apps/v1', 'ControllerRevision', 'x-1', { metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'z', controller: true }] }, revision: 1 });
  t.strictSame(cells('ControllerRevision', coreOwner), ['x-1', 'pod/p', 1, '5m']);
  t.strictSame(cells('ControllerRevision', obj('apps/v1', 'ControllerRevision', 'loose', { revision: 2 })), ['loose', '<none>', 2, '5m']);
});

const job = (name: string, spec: Record<string, unknown>, status: Record<string, unknown>, metadata: Record<string, unknown> = {}) =>
  obj('batch/v1', 'Job', name, {
    metadata,
    spec: { selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': `uid-${name}` } }, template: template([['work', 'busybox']]), ...spec },
    status,
  }, 20 * MINUTE);

t.test('jobs: NAME STATUS COMPLETIONS DURATION AGE', async (t) => {
  t.strictSame(headers('Job'), ['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers*', 'Images*', 'Selector*']);
  const cases: Array<[string, KubeObject, unknown[]]> = [
    [
      'complete',
      job('pi', { completions: 1, parallelism: 1 }, {
        succeeded: 1, startTime: ago(20 * MINUTE), completionTime: ago(20 * MINUTE - 47 * SECOND),
        conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }],
      }),
      ['pi', 'Complete', '1/1', '47s', '20m', 'work', 'busybox', 'batch.kubernetes.io/controller-uid=uid-pi'],
    ],
    [
      'running, duration measured to now',
      job('batch', { completions: 5, parallelism: 2 }, { active: 2, succeeded: 2, startTime: ago(3 * MINUTE + 10 * SECOND) }),
      ['batch', 'Running', '2/5', '3m10s', '20m', 'work', 'busybox', 'batch.kubernetes.io/controller-uid=uid-batch'],
    ],
    [
      'work queue: no completions, parallel',
      job('queue', { parallelism: 3 }, { active: 3, startTime: ago(MINUTE) }),
      ['queue', 'Running', '0/1 of 3', '60s', '20m', 'work', 'busybox', 'batch.kubernetes.io/controller-uid=uid-queue'],
    ],
    [
      'not started yet: empty duration',
      job('waiting', { parallelism: 1 }, {}),
      ['waiting', 'Running', '0/1', '', '20m', 'work', 'busybox', 'batch.kubernetes.io/controller-uid=uid-waiting'],
    ],
    [
      'failed',
      job('bad', { completions: 1, backoffLimit: 2 }, {
        failed: 3, startTime: ago(10 * MINUTE),
        conditions: [{ type: 'FailureTarget', status: 'True' }, { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }],
      }),
      ['bad', 'Failed', '0/1', '10m', '20m', 'work', 'busybox', 'batch.kubernetes.io/controller-uid=uid-bad'],
    ],
    [
      'failure target before the Failed condition lands',
      job('failing', { completions: 1 }, { startTime: ago(2 * MINUTE), conditions: [{ type: 'FailureTarget', status: 'True' }] }),
      ['failing', 'FailureTarget', '0/1', '2m', '20m', 'work', 'busybox', 'batch.kubernetes.io/controller-uid=uid-failing'],
    ],
    [
      'suspended',
      job('held', { completions: 2, suspend: true }, { conditions: [{ type: 'Suspended', status: 'True' }] }),
      ['held', 'Suspended', '0/2', '', '20m', 'work', 'busybox', 'batch.kubernetes.io/controller-uid=uid-held'],
    ],
    [
      'terminating wins over suspended, a False condition does not count',
      job('going', { completions: 1 }, { conditions: [{ type: 'Complete', status: 'False' }, { type: 'Suspended', status: 'True' }] }, { deletionTimestamp: ago(0) }),
      ['going', 'Terminating', '0/1', '', '20m', 'work', 'busybox', 'batch.kubernetes.io/controller-uid=uid-going'],
    ],
  ];
  for (const [what, j, want] of cases) t.strictSame(cells('Job', j), want, what);
});

t.test('cron jobs: NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE', async (t) => {
  t.strictSame(headers('CronJob'), ['Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age', 'Containers*', 'Images*', 'Selector*']);
  const types = table('CronJob', []).columnDefinitions.map((c) => c.type);
  t.strictSame(types.slice(0, 6), ['string', 'string', 'string', 'boolean', 'integer', 'string']);
  const cj = (name: string, spec: Record<string, unknown>, status: Record<string, unknown>) =>
    obj('batch/v1', 'CronJob', name, { spec: { jobTemplate: { spec: { template: template([['hello', 'busybox']]) } }, ...spec }, status }, 3 * DAY);
  t.strictSame(
    cells('CronJob', cj('hello', { schedule: '*/5 * * * *', suspend: false }, { active: [{ name: 'hello-1' }], lastScheduleTime: ago(4 * MINUTE) })),
    ['hello', '*/5 * * * *', '<none>', 'False', 1, '4m', '3d', 'hello', 'busybox', '<none>'],
  );
  t.strictSame(
    cells('CronJob', cj('nightly', { schedule: '0 3 * * *', timeZone: 'Europe/Berlin', suspend: true }, {})),
    ['nightly', '0 3 * * *', 'Europe/Berlin', 'True', 0, '<none>', '3d', 'hello', 'busybox', '<none>'],
  );
  t.strictSame(
    cells('CronJob', cj('raw', { schedule: '@hourly' }, {})),
    ['raw', '@hourly', '<none>', '<unset>', 0, '<none>', '3d', 'hello', 'busybox', '<none>'],
  );
});
