import t from 'tap';
import type { KubeObject } from '../../../../lib/api/types.js';
import { strategyFor } from '../../../../apiserver/registry/strategies.js';
import { ctxFor, res } from './fixtures.js';

type Body = Record<string, any>;

function obj(apiVersion: string, kind: string, body: Body): KubeObject {
  return { apiVersion, kind, ...structuredClone(body) } as KubeObject;
}

/** Creates `body` through the strategy, then updates it to `mutate(copy)`; returns [old, new]. */
function createThenUpdate(apiVersion: string, kind: string, body: Body, mutate: (o: Body) => void, status = false): [KubeObject, Body] {
  const r = res(apiVersion, kind);
  const old = obj(apiVersion, kind, body);
  strategyFor(r).prepareForCreate(old, ctxFor(r));
  const next = structuredClone(old) as Body;
  mutate(next);
  const s = strategyFor(r);
  if (status) s.prepareForStatusUpdate(next as KubeObject, old, ctxFor(r, { now: Date.UTC(2024, 4, 2) }));
  else s.prepareForUpdate(next as KubeObject, old, ctxFor(r, { now: Date.UTC(2024, 4, 2) }));
  return [old, next];
}

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
const deployment = { metadata: { name: 'web', namespace: 'ns', labels: { tier: 'fe' } }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template } };

t.test('generation bumps', async (t) => {
  const cases: Array<[string, string, string, Body, (o: Body) => void, number | undefined]> = [
    ['Deployment spec change', 'apps/v1', 'Deployment', deployment, (o) => (o.spec.replicas = 3), 2],
    ['Deployment annotation change (copied to its ReplicaSets)', 'apps/v1', 'Deployment', deployment, (o) => (o.metadata.annotations = { a: 'b' }), 2],
    ['Deployment label change', 'apps/v1', 'Deployment', deployment, (o) => (o.metadata.labels = { tier: 'be' }), 1],
    ['Deployment status in the body is ignored', 'apps/v1', 'Deployment', deployment, (o) => (o.status = { replicas: 5 }), 1],
    ['Deployment with a client-sent generation', 'apps/v1', 'Deployment', deployment, (o) => (o.metadata.generation = 99), 1],
    ['Deployment spec.replicas absent vs [] vs {} is no change', 'apps/v1', 'Deployment', deployment, (o) => (o.spec.template.spec.volumes = []), 1],
    ['ReplicaSet annotation change', 'apps/v1', 'ReplicaSet', deployment, (o) => (o.metadata.annotations = { a: 'b' }), 1],
    ['ReplicaSet spec change', 'apps/v1', 'ReplicaSet', deployment, (o) => (o.spec.replicas = 0), 2],
    ['StatefulSet spec change', 'apps/v1', 'StatefulSet', deployment, (o) => (o.spec.replicas = 2), 2],
    ['Job parallelism change', 'batch/v1', 'Job', { metadata: { name: 'j', namespace: 'ns' }, spec: { parallelism: 1, template } }, (o) => (o.spec.parallelism = 2), 2],
    ['CronJob schedule change', 'batch/v1', 'CronJob', { metadata: { name: 'c', namespace: 'ns' }, spec: { schedule: '* * * * *' } }, (o) => (o.spec.schedule = '*/5 * * * *'), 2],
    ['EndpointSlice endpoints change', 'discovery.k8s.io/v1', 'EndpointSlice', { metadata: { name: 'e', namespace: 'ns' }, addressType: 'IPv4', endpoints: [] }, (o) => (o.endpoints = [{ addresses: ['10.0.0.1'] }]), 2],
    ['EndpointSlice label change', 'discovery.k8s.io/v1', 'EndpointSlice', { metadata: { name: 'e', namespace: 'ns' }, addressType: 'IPv4' }, (o) => (o.metadata.labels = { a: 'b' }), 2],
    ['EndpointSlice annotation change', 'discovery.k8s.io/v1', 'EndpointSlice', { metadata: { name: 'e', namespace: 'ns' }, addressType: 'IPv4' }, (o) => (o.metadata.annotations = { a: 'b' }), 1],
    ['Ingress spec change', 'networking.k8s.io/v1', 'Ingress', { metadata: { name: 'i', namespace: 'ns' }, spec: {} }, (o) => (o.spec.ingressClassName = 'x'), 2],
    ['HPA spec change (no generation in 1.30)', 'autoscaling/v2', 'HorizontalPodAutoscaler', { metadata: { name: 'h', namespace: 'ns' }, spec: { maxReplicas: 3 } }, (o) => (o.spec.maxReplicas = 4), undefined],
    ['ConfigMap data change (no generation)', 'v1', 'ConfigMap', { metadata: { name: 'c', namespace: 'ns' }, data: { a: '1' } }, (o) => (o.data.a = '2'), undefined],
  ];
  for (const [name, apiVersion, kind, body, mutate, want] of cases) {
    const [, next] = createThenUpdate(apiVersion, kind, body, mutate);
    t.equal(next.metadata.generation, want, name);
  }
});

t.test('DaemonSet template generation counts template changes only', async (t) => {
  const ds = { metadata: { name: 'ds', namespace: 'ns' }, spec: { selector: { matchLabels: { app: 'web' } }, template } };
  const [, templateChanged] = createThenUpdate('apps/v1', 'DaemonSet', ds, (o) => {
    o.spec.template.spec.containers[0].image = 'nginx:2';
    o.metadata.annotations['deprecated.daemonset.template.generation'] = '40'; // clients cannot set it
  });
  t.equal(templateChanged.metadata.generation, 2);
  t.strictSame(templateChanged.metadata.annotations, { 'deprecated.daemonset.template.generation': '2' });
  const [, strategyChanged] = createThenUpdate('apps/v1', 'DaemonSet', ds, (o) => {
    o.spec.updateStrategy = { type: 'OnDelete' };
    delete o.metadata.annotations;
  });
  t.equal(strategyChanged.metadata.generation, 2);
  t.strictSame(strategyChanged.metadata.annotations, { 'deprecated.daemonset.template.generation': '1' });
});

t.test('an update keeps status and server-owned metadata', async (t) => {
  const r = res('apps/v1', 'Deployment');
  const old = obj('apps/v1', 'Deployment', {
    ...deployment,
    metadata: { ...deployment.metadata, uid: 'u1', creationTimestamp: '2024-01-01T00:00:00Z', generation: 4, deletionTimestamp: '2024-02-01T00:00:00Z', deletionGracePeriodSeconds: 0, finalizers: ['f'] },
    status: { replicas: 1, observedGeneration: 4 },
  });
  const next = structuredClone(old) as Body;
  next.metadata = { name: 'web', namespace: 'ns', labels: { tier: 'x' }, creationTimestamp: '1999-01-01T00:00:00Z', finalizers: ['f'] };
  next.status = { replicas: 100 };
  strategyFor(r).prepareForUpdate(next as KubeObject, old, ctxFor(r));
  t.strictSame(next.metadata, {
    name: 'web',
    namespace: 'ns',
    labels: { tier: 'x' },
    creationTimestamp: '2024-01-01T00:00:00Z',
    finalizers: ['f'],
    generation: 4,
    uid: 'u1',
    deletionTimestamp: '2024-02-01T00:00:00Z',
    deletionGracePeriodSeconds: 0,
  });
  t.strictSame(next.status, { replicas: 1, observedGeneration: 4 });
  t.strictSame(strategyFor(r).validateUpdate(next as KubeObject, old), []);
});

t.test('status updates keep everything but status (and what upstream lets through)', async (t) => {
  t.test('Deployment: spec and labels from the old object, annotations from the new', async (t) => {
    const [old, next] = createThenUpdate(
      'apps/v1',
      'Deployment',
      deployment,
      (o) => {
        o.spec.replicas = 50;
        o.metadata.labels = { tier: 'hacked' };
        o.metadata.annotations = { 'deployment.kubernetes.io/revision': '1' };
        o.metadata.generation = 9;
        o.status = { replicas: 1, observedGeneration: 1 };
      },
      true,
    );
    t.strictSame(next.spec, (old as Body).spec);
    t.strictSame(next.metadata.labels, { tier: 'fe' });
    t.strictSame(next.metadata.annotations, { 'deployment.kubernetes.io/revision': '1' });
    t.equal(next.metadata.generation, 1);
    t.strictSame(next.status, { replicas: 1, observedGeneration: 1 });
  });
  t.test('Pod: spec and ownerReferences from the old object, QoS class kept', async (t) => {
    const pod = { metadata: { name: 'p', namespace: 'ns', ownerReferences: [{ kind: 'ReplicaSet', name: 'rs', uid: 'x', apiVersion: 'apps/v1' }] }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    const [, next] = createThenUpdate(
      'v1',
      'Pod',
      pod,
      (o) => {
        o.spec.nodeName = 'elsewhere';
        o.metadata.ownerReferences = [];
        o.metadata.labels = { ready: 'yes' };
        o.status = { phase: 'Running' };
      },
      true,
    );
    t.equal(next.spec.nodeName, undefined);
    t.strictSame(next.metadata.ownerReferences, pod.metadata.ownerReferences);
    t.strictSame(next.metadata.labels, { ready: 'yes' });
    t.strictSame(next.status, { phase: 'Running', qosClass: 'BestEffort' });
  });
  t.test('PersistentVolume: a phase change stamps the transition time', async (t) => {
    const [, moved] = createThenUpdate('v1', 'PersistentVolume', { metadata: { name: 'pv' }, spec: {} }, (o) => (o.status = { phase: 'Available', lastPhaseTransitionTime: o.status.lastPhaseTransitionTime }), true);
    t.strictSame(moved.status, { phase: 'Available', lastPhaseTransitionTime: '2024-05-02T00:00:00Z' });
    const [, same] = createThenUpdate('v1', 'PersistentVolume', { metadata: { name: 'pv' }, spec: {} }, (o) => (o.status = { phase: 'Pending', lastPhaseTransitionTime: o.status.lastPhaseTransitionTime, message: 'm' }), true);
    t.strictSame(same.status, { phase: 'Pending', lastPhaseTransitionTime: '2024-05-01T12:00:00Z', message: 'm' });
  });
});

t.test('Namespace: finalizers only change through /finalize, the name label is kept', async (t) => {
  const [, next] = createThenUpdate('v1', 'Namespace', { metadata: { name: 'team' } }, (o) => {
    o.spec.finalizers = [];
    o.metadata.labels = { owner: 'me' };
  });
  t.strictSame(next.spec, { finalizers: ['kubernetes'] });
  t.strictSame(next.metadata.labels, { owner: 'me', 'kubernetes.io/metadata.name': 'team' });
  t.strictSame(next.status, { phase: 'Active' });
});

t.test('Secret: stringData is merged on update too', async (t) => {
  const [, next] = createThenUpdate('v1', 'Secret', { metadata: { name: 's', namespace: 'ns' }, data: { a: 'YQ==' } }, (o) => (o.stringData = { b: 'c' }));
  t.strictSame(next.data, { a: 'YQ==', b: 'Yw==' });
  t.equal(next.stringData, undefined);
});

t.test('Service: omitted allocations are kept; type changes drop what no longer applies', async (t) => {
  const svc = {
    metadata: { name: 's', namespace: 'ns' },
    spec: {
      type: 'NodePort',
      clusterIP: '10.96.0.20',
      clusterIPs: ['10.96.0.20'],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      externalTrafficPolicy: 'Cluster',
      ports: [
        { name: 'http', port: 80, protocol: 'TCP', nodePort: 30080 },
        { name: 'https', port: 443, protocol: 'TCP', nodePort: 30443 },
      ],
    },
  };
  t.test('apply without clusterIP and nodePorts is a no-op', async (t) => {
    const [old, next] = createThenUpdate('v1', 'Service', svc, (o) => {
      delete o.spec.clusterIP;
      delete o.spec.clusterIPs;
      o.spec.ports = [
        { name: 'https', port: 443, protocol: 'TCP' },
        { name: 'http', port: 80, protocol: 'TCP' },
      ];
    });
    t.equal(next.spec.clusterIP, '10.96.0.20');
    t.strictSame(next.spec.clusterIPs, ['10.96.0.20']);
    t.strictSame(next.spec.ports.map((p: Body) => p.nodePort), [30443, 30080]);
    t.strictSame(strategyFor(res('v1', 'Service')).validateUpdate(next as KubeObject, old), []);
  });
  t.test('NodePort → ClusterIP drops carried-over node ports and traffic policy', async (t) => {
    const [, next] = createThenUpdate('v1', 'Service', svc, (o) => (o.spec.type = 'ClusterIP'));
    t.strictSame(next.spec.ports.map((p: Body) => p.nodePort), [undefined, undefined]);
    t.equal(next.spec.externalTrafficPolicy, undefined);
    t.equal(next.spec.clusterIP, '10.96.0.20');
  });
  t.test('→ ExternalName drops cluster IPs and families', async (t) => {
    const [old, next] = createThenUpdate('v1', 'Service', svc, (o) => {
      o.spec.type = 'ExternalName';
      o.spec.externalName = 'example.com';
    });
    t.equal(next.spec.clusterIP, undefined);
    t.equal(next.spec.clusterIPs, undefined);
    t.equal(next.spec.ipFamilies, undefined);
    t.equal(next.spec.ipFamilyPolicy, undefined);
    t.strictSame(strategyFor(res('v1', 'Service')).validateUpdate(next as KubeObject, old), []);
  });
  t.test('LoadBalancer → ClusterIP clears load-balancer status', async (t) => {
    const r = res('v1', 'Service');
    const old = obj('v1', 'Service', { ...svc, spec: { ...svc.spec, type: 'LoadBalancer' }, status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } } });
    const next = structuredClone(old) as Body;
    next.spec.type = 'ClusterIP';
    strategyFor(r).prepareForUpdate(next as KubeObject, old, ctxFor(r));
    t.strictSame(next.status, { loadBalancer: {} });
  });
});
