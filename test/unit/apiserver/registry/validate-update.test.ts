import t from 'tap';
import type { StatusCause } from '../../../../lib/api/field-errors.js';
import { status } from '../../../../lib/api/status.js';
import type { KubeObject } from '../../../../lib/api/types.js';
import { POD_UPDATE_FORBIDDEN } from '../../../../apiserver/registry/pod.js';
import { STATEFULSET_SPEC_FORBIDDEN } from '../../../../apiserver/registry/apps.js';
import { PVC_SPEC_FORBIDDEN } from '../../../../apiserver/registry/storage.js';
import { strategyFor } from '../../../../apiserver/registry/strategies.js';
import { res } from './fixtures.js';

type Body = Record<string, any>;

/** Validates the update `old` → `mutate(copy of old)`. */
function check(apiVersion: string, kind: string, old: Body, mutate: (o: Body) => void): StatusCause[] {
  const before = { apiVersion, kind, ...structuredClone(old) } as KubeObject;
  const after = structuredClone(before) as Body;
  mutate(after);
  return strategyFor(res(apiVersion, kind)).validateUpdate(after as KubeObject, before);
}

const invalid = (field: string, message: string): StatusCause => ({ reason: 'FieldValueInvalid', field, message });
const forbidden = (field: string, message: string): StatusCause => ({ reason: 'FieldValueForbidden', field, message: `Forbidden: ${message}` });
const meta = (extra: Body = {}) => ({ name: 'x', namespace: 'ns', uid: 'u1', creationTimestamp: '2024-01-01T00:00:00Z', ...extra });
const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }] }] } };
const deployment = { metadata: meta(), spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template } };

interface Case {
  name: string;
  apiVersion: string;
  kind: string;
  old: Body;
  mutate: (o: Body) => void;
  want: StatusCause[];
}

const cases: Case[] = [
  // shared metadata
  { name: 'name is immutable', apiVersion: 'v1', kind: 'ConfigMap', old: { metadata: meta() }, mutate: (o) => (o.metadata.name = 'y'), want: [invalid('metadata.name', 'Invalid value: "y": field is immutable')] },
  { name: 'uid is immutable', apiVersion: 'v1', kind: 'ConfigMap', old: { metadata: meta() }, mutate: (o) => (o.metadata.uid = 'u2'), want: [invalid('metadata.uid', 'Invalid value: "u2": field is immutable')] },
  { name: 'namespace is immutable', apiVersion: 'v1', kind: 'ConfigMap', old: { metadata: meta() }, mutate: (o) => (o.metadata.namespace = 'other'), want: [invalid('metadata.namespace', 'Invalid value: "other": field is immutable')] },
  {
    name: 'no new finalizers while deleting',
    apiVersion: 'v1',
    kind: 'ConfigMap',
    old: { metadata: meta({ deletionTimestamp: '2024-02-01T00:00:00Z', finalizers: ['a'] }) },
    mutate: (o) => (o.metadata.finalizers = ['a', 'c', 'b']),
    want: [forbidden('metadata.finalizers', 'no new finalizers can be added if the object is being deleted, found new finalizers []string{"b", "c"}')],
  },
  { name: 'removing finalizers while deleting is fine', apiVersion: 'v1', kind: 'ConfigMap', old: { metadata: meta({ deletionTimestamp: '2024-02-01T00:00:00Z', finalizers: ['a'] }) }, mutate: (o) => delete o.metadata.finalizers, want: [] },
  // apps
  {
    name: 'Deployment selector',
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    old: deployment,
    mutate: (o) => (o.spec.selector = { matchLabels: { app: 'web2', tier: 'x' } }),
    want: [invalid('spec.selector', 'Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2", "tier":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable')],
  },
  {
    name: 'ReplicaSet selector with expressions',
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    old: deployment,
    mutate: (o) => (o.spec.selector = { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] }),
    want: [invalid('spec.selector', 'Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"In", Values:[]string{"web"}}}}: field is immutable')],
  },
  { name: 'DaemonSet selector removed', apiVersion: 'apps/v1', kind: 'DaemonSet', old: deployment, mutate: (o) => delete o.spec.selector, want: [invalid('spec.selector', 'Invalid value: "null": field is immutable')] },
  { name: 'Deployment scale and template are mutable', apiVersion: 'apps/v1', kind: 'Deployment', old: deployment, mutate: (o) => { o.spec.replicas = 9; o.spec.template.spec.containers[0].image = 'nginx:2'; }, want: [] },
  { name: 'StatefulSet serviceName', apiVersion: 'apps/v1', kind: 'StatefulSet', old: { ...deployment, spec: { ...deployment.spec, serviceName: 'a' } }, mutate: (o) => (o.spec.serviceName = 'b'), want: [forbidden('spec', STATEFULSET_SPEC_FORBIDDEN)] },
  {
    name: 'StatefulSet replicas, template, updateStrategy, minReadySeconds are mutable',
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    old: deployment,
    mutate: (o) => {
      o.spec.replicas = 3;
      o.spec.template.spec.containers[0].image = 'nginx:2';
      o.spec.updateStrategy = { type: 'OnDelete' };
      o.spec.minReadySeconds = 5;
      o.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete' };
    },
    want: [],
  },
  { name: 'ControllerRevision data', apiVersion: 'apps/v1', kind: 'ControllerRevision', old: { metadata: meta(), data: { a: 1 }, revision: 1 }, mutate: (o) => (o.data = { a: 2 }), want: [invalid('data', 'Invalid value: {"a":2}: field is immutable')] },
  // batch
  {
    name: 'Job completions',
    apiVersion: 'batch/v1',
    kind: 'Job',
    old: { metadata: meta(), spec: { completions: 1, parallelism: 1, completionMode: 'NonIndexed', template } },
    mutate: (o) => (o.spec.completions = 3),
    want: [invalid('spec.completions', 'Invalid value: 3: field is immutable')],
  },
  { name: 'Indexed Job: completions with parallelism', apiVersion: 'batch/v1', kind: 'Job', old: { metadata: meta(), spec: { completions: 2, parallelism: 2, completionMode: 'Indexed', template } }, mutate: (o) => { o.spec.completions = 4; o.spec.parallelism = 4; }, want: [] },
  {
    name: 'Indexed Job: completions alone',
    apiVersion: 'batch/v1',
    kind: 'Job',
    old: { metadata: meta(), spec: { completions: 2, parallelism: 2, completionMode: 'Indexed', template } },
    mutate: (o) => (o.spec.completions = 4),
    want: [invalid('spec.completions', 'Invalid value: 4: can only be modified in tandem with spec.parallelism')],
  },
  {
    name: 'Job selector',
    apiVersion: 'batch/v1',
    kind: 'Job',
    old: { metadata: meta(), spec: { selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } }, template } },
    mutate: (o) => (o.spec.selector.matchLabels['batch.kubernetes.io/controller-uid'] = 'u2'),
    want: [invalid('spec.selector', 'Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"batch.kubernetes.io/controller-uid":"u2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable')],
  },
  { name: 'Job: parallelism and suspend are mutable', apiVersion: 'batch/v1', kind: 'Job', old: { metadata: meta(), spec: { parallelism: 1, suspend: false, template } }, mutate: (o) => { o.spec.parallelism = 5; o.spec.suspend = true; }, want: [] },
  { name: 'Job completionMode', apiVersion: 'batch/v1', kind: 'Job', old: { metadata: meta(), spec: { completionMode: 'NonIndexed', template } }, mutate: (o) => (o.spec.completionMode = 'Indexed'), want: [invalid('spec.completionMode', 'Invalid value: "Indexed": field is immutable')] },
  {
    name: 'suspended Job that never started may move its pods',
    apiVersion: 'batch/v1',
    kind: 'Job',
    old: { metadata: meta(), spec: { suspend: true, template }, status: {} },
    mutate: (o) => {
      o.spec.template.spec.nodeSelector = { zone: 'a' };
      o.spec.template.spec.tolerations = [{ key: 'k', operator: 'Exists' }];
      o.spec.template.metadata.labels.extra = 'yes';
      o.spec.template.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } };
    },
    want: [],
  },
  // core
  { name: 'ConfigMap data is mutable by default', apiVersion: 'v1', kind: 'ConfigMap', old: { metadata: meta(), data: { a: '1' } }, mutate: (o) => (o.data.a = '2'), want: [] },
  {
    name: 'immutable ConfigMap',
    apiVersion: 'v1',
    kind: 'ConfigMap',
    old: { metadata: meta(), immutable: true, data: { a: '1' } },
    mutate: (o) => {
      o.data.a = '2';
      o.binaryData = { b: 'AA==' };
      o.immutable = false;
    },
    want: [forbidden('immutable', 'field is immutable when `immutable` is set'), forbidden('data', 'field is immutable when `immutable` is set'), forbidden('binaryData', 'field is immutable when `immutable` is set')],
  },
  { name: 'immutable ConfigMap labels may change', apiVersion: 'v1', kind: 'ConfigMap', old: { metadata: meta(), immutable: true, data: { a: '1' } }, mutate: (o) => (o.metadata.labels = { a: 'b' }), want: [] },
  { name: 'Secret type', apiVersion: 'v1', kind: 'Secret', old: { metadata: meta(), type: 'Opaque' }, mutate: (o) => (o.type = 'kubernetes.io/tls'), want: [invalid('type', 'Invalid value: "kubernetes.io/tls": field is immutable')] },
  { name: 'immutable Secret data', apiVersion: 'v1', kind: 'Secret', old: { metadata: meta(), type: 'Opaque', immutable: true, data: { a: 'YQ==' } }, mutate: (o) => (o.data = {}), want: [forbidden('data', 'field is immutable when `immutable` is set')] },
  { name: 'Node podCIDRs once set', apiVersion: 'v1', kind: 'Node', old: { metadata: meta({ namespace: undefined }), spec: { podCIDRs: ['10.244.1.0/24'] } }, mutate: (o) => (o.spec.podCIDRs = ['10.244.2.0/24']), want: [forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid')] },
  { name: 'Node podCIDRs first time', apiVersion: 'v1', kind: 'Node', old: { metadata: meta({ namespace: undefined }), spec: {} }, mutate: (o) => (o.spec.podCIDRs = ['10.244.2.0/24']), want: [] },
  { name: 'Node providerID', apiVersion: 'v1', kind: 'Node', old: { metadata: meta({ namespace: undefined }), spec: { providerID: 'a' } }, mutate: (o) => (o.spec.providerID = 'b'), want: [forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid')] },
  {
    name: 'Namespace phase must match deletion',
    apiVersion: 'v1',
    kind: 'Namespace',
    old: { metadata: meta({ namespace: undefined }), status: { phase: 'Active' } },
    mutate: (o) => (o.status.phase = 'Terminating'),
    want: [invalid('status.Phase', 'Invalid value: "Terminating": may only be \'Active\' if `deletionTimestamp` is empty')],
  },
  { name: 'ResourceQuota scopes', apiVersion: 'v1', kind: 'ResourceQuota', old: { metadata: meta(), spec: { scopes: ['BestEffort'] } }, mutate: (o) => (o.spec.scopes = ['NotBestEffort']), want: [invalid('spec.scopes', 'Invalid value: []core.ResourceQuotaScope{"NotBestEffort"}: field is immutable')] },
  // Services
  {
    name: 'Service clusterIP',
    apiVersion: 'v1',
    kind: 'Service',
    old: { metadata: meta(), spec: { type: 'ClusterIP', clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], ipFamilies: ['IPv4'] } },
    mutate: (o) => {
      o.spec.clusterIP = '10.96.0.21';
      o.spec.clusterIPs = ['10.96.0.21'];
    },
    want: [invalid('spec.clusterIPs[0]', 'Invalid value: []string{"10.96.0.21"}: may not change once set')],
  },
  {
    name: 'Service ipFamilies',
    apiVersion: 'v1',
    kind: 'Service',
    old: { metadata: meta(), spec: { type: 'ClusterIP', clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], ipFamilies: ['IPv4'] } },
    mutate: (o) => (o.spec.ipFamilies = ['IPv6']),
    want: [invalid('spec.ipFamilies[0]', 'Invalid value: []core.IPFamily{"IPv6"}: may not change once set')],
  },
  { name: 'Service headless stays headless', apiVersion: 'v1', kind: 'Service', old: { metadata: meta(), spec: { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] } }, mutate: (o) => (o.spec.ports = [{ port: 80 }]), want: [] },
  {
    name: 'Service loadBalancerClass',
    apiVersion: 'v1',
    kind: 'Service',
    old: { metadata: meta(), spec: { type: 'LoadBalancer', loadBalancerClass: 'a', clusterIPs: ['10.96.0.20'], clusterIP: '10.96.0.20' } },
    mutate: (o) => (o.spec.loadBalancerClass = 'b'),
    want: [invalid('spec.loadBalancerClass', 'Invalid value: "b": may not change once set')],
  },
  // storage
  { name: 'bound PVC may grow', apiVersion: 'v1', kind: 'PersistentVolumeClaim', old: { metadata: meta(), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Bound' } }, mutate: (o) => (o.spec.resources.requests.storage = '2Gi'), want: [] },
  {
    name: 'bound PVC may not shrink',
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    old: { metadata: meta(), spec: { resources: { requests: { storage: '2Gi' } } }, status: { phase: 'Bound' } },
    mutate: (o) => (o.spec.resources.requests.storage = '1500Mi'),
    want: [forbidden('spec.resources.requests.storage', 'field can not be less than previous value')],
  },
  {
    name: 'unbound PVC may not resize',
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    old: { metadata: meta(), spec: { resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Pending' } },
    mutate: (o) => (o.spec.resources.requests.storage = '2Gi'),
    want: [forbidden('spec', `${PVC_SPEC_FORBIDDEN}\n  - spec.resources.requests.storage: "1Gi"\n  + spec.resources.requests.storage: "2Gi"`)],
  },
  { name: 'PVC volumeName once', apiVersion: 'v1', kind: 'PersistentVolumeClaim', old: { metadata: meta(), spec: { storageClassName: 'std', resources: { requests: { storage: '1Gi' } } } }, mutate: (o) => (o.spec.volumeName = 'pv-1'), want: [] },
  {
    name: 'PVC storageClassName once set',
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    old: { metadata: meta(), spec: { storageClassName: 'std' } },
    mutate: (o) => (o.spec.storageClassName = 'fast'),
    want: [forbidden('spec', `${PVC_SPEC_FORBIDDEN}\n  - spec.storageClassName: "std"\n  + spec.storageClassName: "fast"`)],
  },
  { name: 'PV source', apiVersion: 'v1', kind: 'PersistentVolume', old: { metadata: meta({ namespace: undefined }), spec: { hostPath: { path: '/a' }, capacity: { storage: '1Gi' } } }, mutate: (o) => { o.spec.hostPath.path = '/b'; o.spec.capacity.storage = '2Gi'; }, want: [forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation\n  - spec.hostPath.path: "/a"\n  + spec.hostPath.path: "/b"')] },
  {
    name: 'StorageClass',
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    old: { metadata: meta({ namespace: undefined }), provisioner: 'a', parameters: { x: '1' }, reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' },
    mutate: (o) => {
      o.provisioner = 'b';
      o.parameters = { x: '2' };
      o.reclaimPolicy = 'Retain';
      o.volumeBindingMode = 'WaitForFirstConsumer';
      o.allowVolumeExpansion = true;
    },
    want: [
      forbidden('parameters', 'updates to parameters are forbidden.'),
      forbidden('provisioner', 'updates to provisioner are forbidden.'),
      forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'),
      invalid('volumeBindingMode', 'Invalid value: "WaitForFirstConsumer": field is immutable'),
    ],
  },
  // rbac, discovery
  {
    name: 'RoleBinding roleRef',
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    old: { metadata: meta(), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [] },
    mutate: (o) => (o.roleRef.name = 'edit'),
    want: [invalid('roleRef', 'Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef')],
  },
  { name: 'EndpointSlice addressType', apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', old: { metadata: meta(), addressType: 'IPv4' }, mutate: (o) => (o.addressType = 'IPv6'), want: [invalid('addressType', 'Invalid value: "IPv6": field is immutable')] },
];

t.test('update validation', async (t) => {
  for (const c of cases) t.strictSame(check(c.apiVersion, c.kind, c.old, c.mutate), c.want, c.name);
});

t.test('a real apiserver message, end to end', async (t) => {
  const causes = check('apps/v1', 'Deployment', deployment, (o) => (o.spec.selector = { matchLabels: { app: 'nginx2' } }));
  t.equal(
    status.invalid('Deployment', 'x', causes, 'apps').message,
    'Deployment.apps "x" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"nginx2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
  );
});

t.test('Job template changes', async (t) => {
  const job = { metadata: meta(), spec: { suspend: false, template }, status: { startTime: '2024-01-01T00:00:00Z' } };
  const running = check('batch/v1', 'Job', job, (o) => (o.spec.template.spec.containers[0].image = 'nginx:2'));
  t.equal(running.length, 1);
  t.equal(running[0]!.field, 'spec.template');
  t.match(running[0]!.message, /^Invalid value: \{.*\}: field is immutable$/);
  const startedThenSuspended = check('batch/v1', 'Job', { ...job, spec: { ...job.spec, suspend: true } }, (o) => (o.spec.template.spec.nodeSelector = { zone: 'a' }));
  t.equal(startedThenSuspended.length, 1, 'a suspended Job that already started may not move its pods');
});

t.test('Pod updates', async (t) => {
  const pod = {
    metadata: meta(),
    spec: {
      containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }] }],
      initContainers: [{ name: 'i', image: 'busybox' }],
      tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }],
      schedulingGates: [{ name: 'g1' }, { name: 'g2' }],
      activeDeadlineSeconds: 100,
      terminationGracePeriodSeconds: -1,
      nodeSelector: { zone: 'a' },
    },
  };
  const cases: Array<[string, (o: Body) => void, StatusCause[]]> = [
    ['images', (o) => { o.spec.containers[0].image = 'nginx:2'; o.spec.initContainers[0].image = 'busybox:2'; }, []],
    ['labels and annotations', (o) => { o.metadata.labels = { a: 'b' }; o.metadata.annotations = { c: 'd' }; }, []],
    ['shorter deadline', (o) => (o.spec.activeDeadlineSeconds = 50), []],
    ['longer deadline', (o) => (o.spec.activeDeadlineSeconds = 200), [invalid('spec.activeDeadlineSeconds', 'Invalid value: 200: must be less than or equal to previous value')]],
    ['negative deadline', (o) => (o.spec.activeDeadlineSeconds = -1), [invalid('spec.activeDeadlineSeconds', 'Invalid value: -1: must be between 0 and 2147483647, inclusive')]],
    ['deadline removed', (o) => delete o.spec.activeDeadlineSeconds, [invalid('spec.activeDeadlineSeconds', 'Invalid value: "null": must not update from a positive integer to nil value')]],
    ['added toleration, changed tolerationSeconds', (o) => { o.spec.tolerations[0].tolerationSeconds = 10; o.spec.tolerations.push({ key: 'z', operator: 'Exists' }); }, []],
    ['removed toleration', (o) => (o.spec.tolerations = []), [forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds')]],
    ['removed scheduling gate', (o) => (o.spec.schedulingGates = [{ name: 'g2' }]), []],
    ['added scheduling gate', (o) => o.spec.schedulingGates.push({ name: 'g3' }), [forbidden('spec.schedulingGates[2].name', "only deletion is allowed, but found new scheduling gate 'g3'")]],
    ['gated pod gains a node selector', (o) => (o.spec.nodeSelector.disk = 'ssd'), []],
    ['gated pod changes a node selector', (o) => (o.spec.nodeSelector.zone = 'b'), [invalid('spec.nodeSelector', 'Invalid value: map[string]string{"zone":"b"}: only additions to spec.nodeSelector are allowed (no mutations or deletions)')]],
    ['negative grace period fixed to 1', (o) => (o.spec.terminationGracePeriodSeconds = 1), []],
    ['container added', (o) => o.spec.containers.push({ name: 'd', image: 'x' }), [forbidden('spec.containers', 'pod updates may not add or remove containers')]],
    ['image blanked', (o) => (o.spec.containers[0].image = ''), [{ reason: 'FieldValueRequired', field: 'spec.containers[0].image', message: 'Required value' }]],
    [
      'port changed',
      (o) => (o.spec.containers[0].ports[0].containerPort = 81),
      [forbidden('spec', `${POD_UPDATE_FORBIDDEN}\n  - spec.containers[0].ports[0].containerPort: 80\n  + spec.containers[0].ports[0].containerPort: 81`)],
    ],
    ['mirror annotation added', (o) => (o.metadata.annotations = { 'kubernetes.io/config.mirror': 'x' }), [forbidden('metadata.annotations[kubernetes.io/config.mirror]', 'may not add mirror pod annotation')]],
  ];
  for (const [name, mutate, want] of cases) t.strictSame(check('v1', 'Pod', pod, mutate), want, name);
});
