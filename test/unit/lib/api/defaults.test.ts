import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testdataDir } from '../../../helpers/testdata.js';
import { applyDefaults, defaultPullPolicy, generateJobSelector, hasDefaults } from '../../../../lib/api/defaults/index.js';
import { parseManifests } from '../../../../lib/api/yaml.js';

const manifestsDir = () => testdataDir('manifests');
const load = (name: string): any[] => parseManifests(readFileSync(join(manifestsDir(), name), 'utf8'), name);

const PODSPEC_DEFAULTS = {
  dnsPolicy: 'ClusterFirst',
  restartPolicy: 'Always',
  schedulerName: 'default-scheduler',
  securityContext: {},
  terminationGracePeriodSeconds: 30,
};

t.test('imagePullPolicy follows the tag', async (t) => {
  const cases: Array<[string, string]> = [
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.27', 'IfNotPresent'],
    ['docker.io/library/nginx', 'Always'],
    ['localhost:5000/app', 'Always'],
    ['localhost:5000/app:v2', 'IfNotPresent'],
    ['registry.local:5000/team/app:latest', 'Always'],
    ['busybox@sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7', 'IfNotPresent'],
    ['busybox:latest@sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7', 'Always'],
    ['public.ecr.aws/u2g6w7p2/eks-workshop-demo/catalog_detail:1.0', 'IfNotPresent'],
    ['Nginx', 'IfNotPresent'], // does not parse: Kubernetes ignores the error
    ['', 'IfNotPresent'],
  ];
  for (const [image, policy] of cases) t.equal(defaultPullPolicy(image), policy, image);
});

t.test('the proddetail Deployment gets exactly the real defaults', async (t) => {
  const [d] = load('proddetail-deployment.yaml');
  applyDefaults(d);
  t.same(d.spec, {
    replicas: 1,
    selector: { matchLabels: { app: 'proddetail' } },
    template: {
      metadata: { labels: { app: 'proddetail' } },
      spec: {
        containers: [
          {
            name: 'proddetail',
            image: 'public.ecr.aws/u2g6w7p2/eks-workshop-demo/catalog_detail:1.0',
            imagePullPolicy: 'Always',
            ports: [{ name: 'http', containerPort: 3000, protocol: 'TCP' }],
            livenessProbe: {
              httpGet: { path: '/ping', port: 3000, scheme: 'HTTP' },
              initialDelaySeconds: 5,
              periodSeconds: 5,
              timeoutSeconds: 1,
              successThreshold: 1,
              failureThreshold: 3,
            },
            readinessProbe: {
              exec: { command: ['/bin/bash', '-c', 'cat readiness.txt | grep ready'] },
              initialDelaySeconds: 15,
              periodSeconds: 3,
              timeoutSeconds: 1,
              successThreshold: 1,
              failureThreshold: 3,
            },
            resources: {},
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
          },
        ],
        ...PODSPEC_DEFAULTS,
      },
    },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
  });
  t.notOk('enableServiceLinks' in d.spec.template.spec, 'templates do not get Pod-only defaults');
});

t.test('Pod defaults: spec, containers, probes, volumes, and Pod-only rules', async (t) => {
  const [pod] = load('pod-probes.yaml');
  pod.spec.volumes = [
    { name: 'scratch' },
    { name: 'cfg', configMap: { name: 'c' } },
    { name: 'sec', secret: { secretName: 's' } },
    { name: 'host', hostPath: { path: '/var/log' } },
    { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
    { name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
  ];
  pod.spec.containers[0].env = [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }];
  pod.spec.containers[0].lifecycle = { preStop: { httpGet: { port: 8080 } } };
  applyDefaults(pod);
  const spec = pod.spec;
  for (const [k, v] of Object.entries(PODSPEC_DEFAULTS)) t.same(spec[k], v, k);
  t.equal(spec.enableServiceLinks, true);
  const [api] = spec.containers;
  t.equal(api.imagePullPolicy, 'IfNotPresent');
  t.same(api.ports.map((p: any) => p.protocol), ['TCP', 'TCP']);
  t.same(api.startupProbe, { httpGet: { path: '/started', port: 'http', scheme: 'HTTP' }, failureThreshold: 30, periodSeconds: 2, timeoutSeconds: 1, successThreshold: 1 });
  t.same(api.livenessProbe, { tcpSocket: { port: 8080 }, initialDelaySeconds: 10, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  t.same(api.readinessProbe, { grpc: { port: 9090 }, successThreshold: 2, timeoutSeconds: 1, periodSeconds: 10, failureThreshold: 3 });
  t.same(api.lifecycle.preStop.httpGet, { port: 8080, path: '/', scheme: 'HTTP' });
  t.same(api.env[0].valueFrom.fieldRef, { fieldPath: 'spec.nodeName', apiVersion: 'v1' });
  t.same(api.resources, { limits: { cpu: '1', memory: '256Mi' }, requests: { cpu: '1', memory: '256Mi' } }, 'requests default to limits in Pods');
  t.equal(spec.initContainers[0].terminationMessagePolicy, 'File');
  t.equal(spec.initContainers[0].imagePullPolicy, 'IfNotPresent');
  t.same(spec.initContainers[0].resources, {}, 'resources always present, as the API returns it');
  t.same(spec.volumes, [
    { name: 'scratch', emptyDir: {} },
    { name: 'cfg', configMap: { name: 'c', defaultMode: 420 } },
    { name: 'sec', secret: { secretName: 's', defaultMode: 420 } },
    { name: 'host', hostPath: { path: '/var/log', type: '' } },
    { name: 'info', downwardAPI: { defaultMode: 420, items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels', apiVersion: 'v1' } }] } },
    { name: 'token', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] } },
  ]);
});

t.test('explicit values and zero-valued pointers are kept', async (t) => {
  const pod: any = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 0,
      enableServiceLinks: false,
      hostNetwork: true,
      containers: [{ name: 'c', image: 'x:1', imagePullPolicy: 'Never', ports: [{ containerPort: 8080, protocol: 'UDP' }], resources: { requests: { cpu: '100m' }, limits: { cpu: '1' } } }],
    },
  };
  applyDefaults(pod);
  t.equal(pod.spec.restartPolicy, 'Never');
  t.equal(pod.spec.terminationGracePeriodSeconds, 0, 'a pointer set to 0 stays 0');
  t.equal(pod.spec.enableServiceLinks, false);
  t.equal(pod.spec.containers[0].imagePullPolicy, 'Never');
  t.same(pod.spec.containers[0].ports, [{ containerPort: 8080, protocol: 'UDP', hostPort: 8080 }], 'hostNetwork pods get hostPort = containerPort');
  t.same(pod.spec.containers[0].resources.requests, { cpu: '100m' }, 'an explicit request is not replaced by the limit');
});

t.test('Service defaults', async (t) => {
  const [svc] = load('service.yaml');
  applyDefaults(svc);
  t.same(svc.spec, {
    type: 'NodePort',
    selector: { 'app.kubernetes.io/name': 'web' },
    ports: [
      { name: 'http', port: 80, targetPort: 'http', nodePort: 30080, protocol: 'TCP' },
      { name: 'metrics', port: 9113, protocol: 'TCP', targetPort: 9113 },
    ],
    sessionAffinity: 'None',
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: ['IPv4'],
  });
  const [headless] = load('statefulset.yaml');
  applyDefaults(headless);
  t.same(headless.spec, {
    clusterIP: 'None',
    clusterIPs: ['None'],
    selector: { app: 'db' },
    ports: [{ name: 'postgres', port: 5432, protocol: 'TCP', targetPort: 5432 }],
    sessionAffinity: 'None',
    type: 'ClusterIP',
    internalTrafficPolicy: 'Cluster',
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: ['IPv4'],
  });
  const external: any = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'e' }, spec: { type: 'ExternalName', externalName: 'db.example.com' } };
  applyDefaults(external);
  t.same(external.spec, { type: 'ExternalName', externalName: 'db.example.com', sessionAffinity: 'None' }, 'no IP fields on ExternalName');
  const lb: any = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'l' }, spec: { type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [{ port: 443, targetPort: 0 }] } };
  applyDefaults(lb);
  t.same(lb.spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
  t.equal(lb.spec.allocateLoadBalancerNodePorts, true);
  t.equal(lb.spec.ports[0].targetPort, 443, 'targetPort 0 means the port');
  const none: any = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'n' }, spec: { sessionAffinityConfig: { clientIP: { timeoutSeconds: 5 } } } };
  applyDefaults(none);
  t.notOk('sessionAffinityConfig' in none.spec, 'dropped when affinity is None');
});

t.test('StatefulSet defaults, including claim templates', async (t) => {
  const [, sts] = load('statefulset.yaml');
  applyDefaults(sts);
  t.equal(sts.spec.replicas, 3);
  t.equal(sts.spec.podManagementPolicy, 'OrderedReady');
  t.same(sts.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  t.same(sts.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  t.equal(sts.spec.revisionHistoryLimit, 10);
  t.equal(sts.spec.template.spec.terminationGracePeriodSeconds, 60);
  t.equal(sts.spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
  t.same(sts.spec.volumeClaimTemplates[0], {
    metadata: { name: 'data' },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
    status: { phase: 'Pending' },
  });
  const onDelete: any = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' }, spec: { updateStrategy: { type: 'OnDelete' } } };
  applyDefaults(onDelete);
  t.same(onDelete.spec.updateStrategy, { type: 'OnDelete' }, 'no rollingUpdate for OnDelete');
  t.equal(onDelete.spec.replicas, 1);
});

t.test('ReplicaSet, DaemonSet and ReplicationController defaults', async (t) => {
  const rs: any = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'i' }] } } } };
  applyDefaults(rs);
  t.equal(rs.spec.replicas, 1);
  t.equal(rs.spec.template.spec.containers[0].imagePullPolicy, 'Always');
  t.notOk(rs.spec.selector, 'apps/v1 never defaults a selector');

  const ds: any = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd' }, spec: { template: { spec: { containers: [] } } } };
  applyDefaults(ds);
  t.same(ds.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  t.equal(ds.spec.revisionHistoryLimit, 10);
  t.equal(ds.spec.template.spec.restartPolicy, 'Always');

  const rc: any = {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name: 'rc' },
    spec: { template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i:1' }] } } },
  };
  applyDefaults(rc);
  t.same(rc.spec.selector, { app: 'x' }, 'selector from template labels');
  t.same(rc.metadata.labels, { app: 'x' }, 'labels from template labels');
  t.equal(rc.spec.replicas, 1);
  const rc2: any = { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc', labels: { own: 'y' } }, spec: { selector: { app: 'z' }, template: { metadata: { labels: { app: 'x' } } } } };
  applyDefaults(rc2);
  t.same([rc2.spec.selector, rc2.metadata.labels], [{ app: 'z' }, { own: 'y' }], 'given values are kept');
});

t.test('Job defaults and the generated selector', async (t) => {
  const [job] = load('job.yaml');
  applyDefaults(job);
  t.same(
    {
      completions: job.spec.completions,
      parallelism: job.spec.parallelism,
      backoffLimit: job.spec.backoffLimit,
      completionMode: job.spec.completionMode,
      suspend: job.spec.suspend,
      podReplacementPolicy: job.spec.podReplacementPolicy,
      manualSelector: job.spec.manualSelector,
    },
    { completions: 1, parallelism: 1, backoffLimit: 4, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatingOrFailed', manualSelector: undefined },
  );
  t.equal(job.spec.template.spec.restartPolicy, 'Never');

  const queue: any = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'q' }, spec: { parallelism: 5, template: { metadata: { labels: { a: 'b' } } } } };
  applyDefaults(queue);
  t.equal(queue.spec.completions, undefined, 'a work queue keeps completions unset');
  t.equal(queue.spec.parallelism, 5);
  t.equal(queue.spec.backoffLimit, 6);
  t.same(queue.metadata.labels, { a: 'b' }, 'Job labels default to the template labels');
  const perIndex: any = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'i' }, spec: { completions: 3, backoffLimitPerIndex: 1, podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] } } };
  applyDefaults(perIndex);
  t.equal(perIndex.spec.backoffLimit, 2147483647);
  t.equal(perIndex.spec.parallelism, 1);
  t.equal(perIndex.spec.podReplacementPolicy, 'Failed');
  t.equal(perIndex.spec.podFailurePolicy.rules[0].onPodConditions[0].status, 'True');

  job.metadata.uid = '1b6d0a5e-7d43-4c56-9d6e-111111111111';
  generateJobSelector(job);
  t.same(job.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': job.metadata.uid } });
  t.same(job.spec.template.metadata.labels, {
    'job-name': 'pi',
    'batch.kubernetes.io/job-name': 'pi',
    'controller-uid': job.metadata.uid,
    'batch.kubernetes.io/controller-uid': job.metadata.uid,
  });
  const manual: any = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'm', uid: 'u' }, spec: { manualSelector: true, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } } } } };
  generateJobSelector(manual);
  t.same([manual.spec.selector, manual.spec.template.metadata.labels], [{ matchLabels: { a: 'b' } }, { a: 'b' }], 'manual selectors are left alone');
  const noUid: any = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'n' }, spec: {} };
  generateJobSelector(noUid);
  t.same(noUid.spec, {}, 'nothing to generate before a uid exists');
});

t.test('CronJob defaults', async (t) => {
  const [cj] = load('cronjob.yaml');
  applyDefaults(cj);
  t.equal(cj.spec.concurrencyPolicy, 'Forbid', 'given value kept');
  t.equal(cj.spec.suspend, false);
  t.equal(cj.spec.successfulJobsHistoryLimit, 3);
  t.equal(cj.spec.failedJobsHistoryLimit, 1);
  t.equal(cj.spec.jobTemplate.spec.template.spec.dnsPolicy, 'ClusterFirst');
  t.equal(cj.spec.jobTemplate.spec.backoffLimit, undefined, 'the job spec is defaulted when a Job is made from it');
  const bare: any = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { schedule: '@hourly' } };
  applyDefaults(bare);
  t.equal(bare.spec.concurrencyPolicy, 'Allow');
});

t.test('defaults of the smaller kinds', async (t) => {
  const cases: Array<[string, any, (o: any) => unknown, unknown]> = [
    ['Secret type', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }, (o) => o.type, 'Opaque'],
    ['PVC', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, spec: {} }, (o) => [o.spec.volumeMode, o.status.phase], ['Filesystem', 'Pending']],
    [
      'PV',
      { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'v' }, spec: { hostPath: { path: '/d' } } },
      (o) => [o.spec.persistentVolumeReclaimPolicy, o.spec.volumeMode, o.spec.hostPath.type, o.status.phase],
      ['Retain', 'Filesystem', '', 'Pending'],
    ],
    ['Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, (o) => [o.metadata.labels, o.status.phase], [{ 'kubernetes.io/metadata.name': 'shop' }, 'Active']],
    ['Node allocatable', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, status: { capacity: { cpu: '4', pods: '110' } } }, (o) => o.status.allocatable, { cpu: '4', pods: '110' }],
    ['Endpoints port', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e' }, subsets: [{ ports: [{ port: 80 }] }] }, (o) => o.subsets[0].ports[0].protocol, 'TCP'],
    ['EndpointSlice port', { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'e' }, ports: [{ port: 80 }] }, (o) => o.ports[0], { port: 80, name: '', protocol: 'TCP' }],
    ['StorageClass', { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'sc' }, provisioner: 'x' }, (o) => [o.reclaimPolicy, o.volumeBindingMode], ['Delete', 'Immediate']],
    [
      'NetworkPolicy',
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'n' }, spec: { podSelector: {}, egress: [{ ports: [{ port: 53 }] }] } },
      (o) => [o.spec.policyTypes, o.spec.egress[0].ports[0].protocol],
      [['Ingress', 'Egress'], 'TCP'],
    ],
    [
      'RoleBinding',
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'b' },
        roleRef: { kind: 'Role', name: 'r' },
        subjects: [{ kind: 'User', name: 'u' }, { kind: 'ServiceAccount', name: 's' }, { kind: 'Group', name: 'g' }],
      },
      (o) => [o.roleRef.apiGroup, o.subjects.map((s: any) => s.apiGroup)],
      ['rbac.authorization.k8s.io', ['rbac.authorization.k8s.io', '', 'rbac.authorization.k8s.io']],
    ],
    [
      'LimitRange',
      { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'l' }, spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' } }] } },
      (o) => [o.spec.limits[0].default, o.spec.limits[0].defaultRequest],
      [{ cpu: '2' }, { cpu: '2', memory: '64Mi' }],
    ],
    ['HPA v1', { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' }, spec: { maxReplicas: 3 } }, (o) => o.spec.minReplicas, 1],
  ];
  for (const [name, obj, pick, expected] of cases) t.same(pick(applyDefaults(obj)), expected, name);
});

t.test('HPA v2 defaults: metrics, and behavior completed only when given', async (t) => {
  const hpa: any = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' }, spec: { maxReplicas: 5 } };
  applyDefaults(hpa);
  t.equal(hpa.spec.minReplicas, 1);
  t.same(hpa.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  t.equal(hpa.spec.behavior, undefined);
  const withBehavior: any = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'h' },
    spec: { maxReplicas: 5, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } },
  };
  applyDefaults(withBehavior);
  t.same(withBehavior.spec.behavior, {
    scaleUp: {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
    },
    scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
  });
});

t.test('malformed objects are left for validation, never crash', async (t) => {
  const weird: any[] = [
    null,
    'x',
    { apiVersion: 'v1', kind: 'Pod' },
    { apiVersion: 'v1', kind: 'Pod', spec: 'nope' },
    { apiVersion: 'v1', kind: 'Pod', spec: { containers: 'nope', volumes: [null, 3, { name: 'v' }] } },
    { apiVersion: 'apps/v1', kind: 'Deployment', spec: { strategy: 'x', template: [] } },
    { apiVersion: 'v1', kind: 'Service', spec: { ports: [null, { port: 'x' }] } },
    { apiVersion: 'batch/v1', kind: 'Job', metadata: 'm', spec: { template: { metadata: { labels: 'l' } } } },
    { apiVersion: 'v1', kind: 'Widget', spec: {} },
  ];
  for (const w of weird) t.doesNotThrow(() => applyDefaults(w), JSON.stringify(w));
  t.equal(weird[4].spec.volumes[2].emptyDir !== undefined, true, 'well-formed parts are still defaulted');
  t.equal(hasDefaults('v1', 'ConfigMap'), false);
  t.equal(hasDefaults('apps/v1', 'Deployment'), true);
});
