import t, { type Test } from 'tap';
import { generateName } from '../../../../lib/api/names.js';
import type { KubeObject } from '../../../../lib/api/types.js';
import { strategyFor } from '../../../../apiserver/registry/strategies.js';
import { ctxFor, res, seededRandom } from './fixtures.js';

const TS = '2024-05-01T12:00:00Z';

function create(apiVersion: string, kind: string, body: Record<string, unknown>): KubeObject {
  const r = res(apiVersion, kind);
  const obj = { apiVersion, kind, ...structuredClone(body) } as KubeObject;
  if (!obj.metadata) obj.metadata = {};
  strategyFor(r).prepareForCreate(obj, ctxFor(r));
  return obj;
}

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };

t.test('shared metadata on create', async (t) => {
  const obj = create('v1', 'ConfigMap', {
    metadata: {
      name: 'cm',
      namespace: 'ns',
      uid: 'client-uid',
      creationTimestamp: '2000-01-01T00:00:00Z',
      deletionTimestamp: '2000-01-01T00:00:00Z',
      deletionGracePeriodSeconds: 30,
      generation: 7,
      managedFields: [{ manager: 'kubectl', operation: 'Apply' }],
    },
    data: { a: 'b' },
  });
  t.strictSame(obj.metadata, {
    name: 'cm',
    namespace: 'ns',
    uid: 'uid-1',
    creationTimestamp: TS,
    // kinds without generation semantics keep what was sent, as upstream does
    generation: 7,
    managedFields: [{ manager: 'kubectl', operation: 'Apply' }],
  });
  t.strictSame(obj['data'], { a: 'b' });
});

t.test('generateName fills an empty name; a given name wins', async (t) => {
  const generated = create('v1', 'ConfigMap', { metadata: { generateName: 'web-', namespace: 'ns' } });
  t.equal(generated.metadata.name, generateName('web-', seededRandom(42)));
  t.match(generated.metadata.name, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  const named = create('v1', 'ConfigMap', { metadata: { name: 'fixed', generateName: 'web-', namespace: 'ns' } });
  t.equal(named.metadata.name, 'fixed');
});

t.test('cluster-scoped kinds drop a namespace', async (t) => {
  const node = create('v1', 'Node', { metadata: { name: 'n1', namespace: 'oops' } });
  t.equal(node.metadata.namespace, undefined);
});

interface CreateCase {
  name: string;
  apiVersion: string;
  kind: string;
  body: Record<string, unknown>;
  status?: unknown;
  generation?: number;
  check?: (t: Test, obj: KubeObject) => void;
}

const cases: CreateCase[] = [
  { name: 'Deployment', apiVersion: 'apps/v1', kind: 'Deployment', body: { metadata: { name: 'd', namespace: 'ns' }, spec: { template }, status: { replicas: 9 } }, status: {}, generation: 1 },
  { name: 'ReplicaSet', apiVersion: 'apps/v1', kind: 'ReplicaSet', body: { metadata: { name: 'r', namespace: 'ns' }, spec: { template }, status: { replicas: 9 } }, status: { replicas: 0 }, generation: 1 },
  { name: 'StatefulSet', apiVersion: 'apps/v1', kind: 'StatefulSet', body: { metadata: { name: 's', namespace: 'ns' }, spec: { template } }, status: { replicas: 0, availableReplicas: 0 }, generation: 1 },
  {
    name: 'DaemonSet starts template generation 1',
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    body: { metadata: { name: 'ds', namespace: 'ns' }, spec: { template } },
    status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 },
    generation: 1,
    check: (t, o) => t.strictSame(o.metadata.annotations, { 'deprecated.daemonset.template.generation': '1' }),
  },
  { name: 'ReplicationController', apiVersion: 'v1', kind: 'ReplicationController', body: { metadata: { name: 'rc', namespace: 'ns' }, spec: {} }, status: { replicas: 0 }, generation: 1 },
  {
    name: 'Job gets a generated selector',
    apiVersion: 'batch/v1',
    kind: 'Job',
    body: { metadata: { name: 'pi', namespace: 'ns' }, spec: { template: structuredClone(template) }, status: { active: 3 } },
    status: {},
    generation: 1,
    check: (t, o) => {
      const spec = o['spec'] as { selector: unknown; template: { metadata: { labels: unknown } } };
      t.strictSame(spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'uid-1' } });
      t.strictSame(spec.template.metadata.labels, {
        app: 'web',
        'job-name': 'pi',
        'batch.kubernetes.io/job-name': 'pi',
        'controller-uid': 'uid-1',
        'batch.kubernetes.io/controller-uid': 'uid-1',
      });
    },
  },
  {
    name: 'Job with manualSelector keeps its selector',
    apiVersion: 'batch/v1',
    kind: 'Job',
    body: { metadata: { name: 'pi', namespace: 'ns' }, spec: { manualSelector: true, selector: { matchLabels: { app: 'web' } }, template: structuredClone(template) } },
    status: {},
    generation: 1,
    check: (t, o) => t.strictSame((o['spec'] as { selector: unknown }).selector, { matchLabels: { app: 'web' } }),
  },
  { name: 'CronJob', apiVersion: 'batch/v1', kind: 'CronJob', body: { metadata: { name: 'cj', namespace: 'ns' }, spec: {}, status: { active: [] } }, status: {}, generation: 1 },
  { name: 'HPA v2', apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', body: { metadata: { name: 'h', namespace: 'ns' }, spec: {}, status: { desiredReplicas: 4 } }, status: { desiredReplicas: 0 } },
  { name: 'HPA v1', apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', body: { metadata: { name: 'h', namespace: 'ns' }, spec: {} }, status: { currentReplicas: 0, desiredReplicas: 0 } },
  { name: 'PersistentVolumeClaim', apiVersion: 'v1', kind: 'PersistentVolumeClaim', body: { metadata: { name: 'c', namespace: 'ns' }, spec: {}, status: { phase: 'Bound' } }, status: {} },
  { name: 'PersistentVolume', apiVersion: 'v1', kind: 'PersistentVolume', body: { metadata: { name: 'pv' }, spec: {}, status: { phase: 'Bound' } }, status: { phase: 'Pending', lastPhaseTransitionTime: TS } },
  { name: 'Service', apiVersion: 'v1', kind: 'Service', body: { metadata: { name: 's', namespace: 'ns' }, spec: {}, status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } } }, status: { loadBalancer: {} } },
  { name: 'ResourceQuota', apiVersion: 'v1', kind: 'ResourceQuota', body: { metadata: { name: 'q', namespace: 'ns' }, spec: {}, status: { used: { pods: '3' } } }, status: {} },
  { name: 'Ingress', apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', body: { metadata: { name: 'i', namespace: 'ns' }, spec: {} }, status: { loadBalancer: {} }, generation: 1 },
  { name: 'NetworkPolicy', apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', body: { metadata: { name: 'np', namespace: 'ns' }, spec: {} }, generation: 1 },
  { name: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', body: { metadata: { name: 'es', namespace: 'ns' }, addressType: 'IPv4', endpoints: [] }, generation: 1 },
  {
    name: 'Namespace: Active, kubernetes finalizer, name label',
    apiVersion: 'v1',
    kind: 'Namespace',
    body: { metadata: { generateName: 'team-' }, status: { phase: 'Terminating' } },
    status: { phase: 'Active' },
    check: (t, o) => {
      t.strictSame(o['spec'], { finalizers: ['kubernetes'] });
      t.strictSame(o.metadata.labels, { 'kubernetes.io/metadata.name': o.metadata.name });
      t.match(o.metadata.name, /^team-/);
    },
  },
  {
    name: 'Node keeps the status its kubelet registered',
    apiVersion: 'v1',
    kind: 'Node',
    body: { metadata: { name: 'n1' }, spec: { configSource: { configMap: {} } }, status: { capacity: { cpu: '4' }, config: { active: {} } } },
    status: { capacity: { cpu: '4' } },
    check: (t, o) => t.strictSame(o['spec'], {}),
  },
  {
    name: 'Pod: Pending with its QoS class',
    apiVersion: 'v1',
    kind: 'Pod',
    body: { metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } } }] }, status: { phase: 'Running' } },
    status: { phase: 'Pending', qosClass: 'Guaranteed' },
  },
  {
    name: 'Pod with scheduling gates says it is gated',
    apiVersion: 'v1',
    kind: 'Pod',
    body: { metadata: { name: 'p', namespace: 'ns' }, spec: { schedulingGates: [{ name: 'wait' }], containers: [{ name: 'c', image: 'nginx' }] } },
    status: {
      phase: 'Pending',
      qosClass: 'BestEffort',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates' }],
    },
  },
  {
    name: 'Pod: the deprecated serviceAccount mirrors serviceAccountName',
    apiVersion: 'v1',
    kind: 'Pod',
    body: { metadata: { name: 'p', namespace: 'ns' }, spec: { serviceAccount: 'builder', containers: [] } },
    status: { phase: 'Pending', qosClass: 'BestEffort' },
    check: (t, o) => t.strictSame(o['spec'], { serviceAccount: 'builder', serviceAccountName: 'builder', containers: [] }),
  },
  {
    name: 'Secret: stringData is merged into data',
    apiVersion: 'v1',
    kind: 'Secret',
    body: { metadata: { name: 's', namespace: 'ns' }, data: { a: 'YQ==' }, stringData: { b: 'hello', a: 'x' } },
    check: (t, o) => {
      t.strictSame(o['data'], { a: 'eA==', b: 'aGVsbG8=' });
      t.equal(o['stringData'], undefined);
    },
  },
  {
    name: 'LimitRange without a name is named by a uid',
    apiVersion: 'v1',
    kind: 'LimitRange',
    body: { metadata: { namespace: 'ns' }, spec: { limits: [] } },
    check: (t, o) => t.equal(o.metadata.name, 'uid-2'),
  },
  {
    name: 'ServiceAccount secret references keep only names',
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    body: { metadata: { name: 'sa', namespace: 'ns' }, secrets: [{ name: 'tok', namespace: 'other', uid: 'u' }] },
    check: (t, o) => t.strictSame(o['secrets'], [{ name: 'tok' }]),
  },
];

t.test('per-kind create rules', async (t) => {
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const obj = create(c.apiVersion, c.kind, c.body);
      t.equal(obj.metadata.uid, 'uid-1');
      t.equal(obj.metadata.creationTimestamp, TS);
      if ('status' in c) t.strictSame(obj['status'], c.status, 'status');
      t.equal(obj.metadata.generation, c.generation, 'generation');
      c.check?.(t, obj);
    });
  }
});

t.test('allowCreateOnUpdate as upstream', async (t) => {
  const table: Array<[string, string, boolean]> = [
    ['coordination.k8s.io/v1', 'Lease', true],
    ['v1', 'Service', true],
    ['v1', 'Event', true],
    ['v1', 'Endpoints', true],
    ['v1', 'LimitRange', true],
    ['rbac.authorization.k8s.io/v1', 'ClusterRole', true],
    ['rbac.authorization.k8s.io/v1', 'RoleBinding', true],
    ['v1', 'Pod', false],
    ['v1', 'ConfigMap', false],
    ['v1', 'ServiceAccount', false],
    ['v1', 'Namespace', false],
    ['v1', 'PersistentVolume', false],
    ['apps/v1', 'Deployment', false],
    ['batch/v1', 'Job', false],
    ['discovery.k8s.io/v1', 'EndpointSlice', false],
    ['storage.k8s.io/v1', 'StorageClass', false],
  ];
  for (const [apiVersion, kind, want] of table) t.equal(strategyFor(res(apiVersion, kind)).allowCreateOnUpdate, want, `${kind}`);
});
