import t from 'tap';
import type { Pod, Service } from '../../../../lib/api/types.js';
import { expand, lookupIn } from '../../../../kubelet/env/expansion.js';
import { serviceEnvMap } from '../../../../kubelet/env/service-env.js';
import { KubeletContainerEnvironment } from '../../../../kubelet/env/container-env.js';
import { mapSource } from './map-source.js';
import { ContainerConfigError } from '../../../../kubelet/pod-deps.js';

const svc = (ns: string, name: string, ip: string, ports: Array<{ port: number; name?: string; protocol?: string }>): Service =>
  ({ metadata: { namespace: ns, name }, spec: { clusterIP: ip, ports } }) as Service;

const basePod = (spec: Partial<Pod['spec']> = {}): Pod => ({
  metadata: { name: 'web-1', namespace: 'shop', uid: 'uid-1', labels: { app: 'web', tier: 'front' }, annotations: { note: 'hi "there"' } },
  spec: { nodeName: 'node-1', serviceAccountName: 'default', containers: [{ name: 'app', image: 'nginx' }], ...spec },
}) as Pod;

t.test('expansion follows the upstream rules', async (t) => {
  const l = lookupIn(new Map([['A', 'x'], ['B', 'y']]));
  const cases: Array<[string, string]> = [
    ['$(A)', 'x'],
    ['$(A)-$(B)', 'x-y'],
    ['$$(A)', '$(A)'],
    ['$$$(A)', '$x'],
    ['$(MISSING)', '$(MISSING)'],
    ['$(A', '$(A'],
    ['a$b', 'a$b'],
    ['end$', 'end$'],
    ['$()', '$()'],
    ['$$', '$'],
  ];
  for (const [input, want] of cases) t.equal(expand(input, l), want, input);
});

t.test('service links: names, ports, protocols and the master service', async (t) => {
  const services = [
    svc('default', 'kubernetes', '127.96.0.1', [{ port: 443, name: 'https' }]),
    svc('shop', 'web-front', '127.96.0.5', [{ port: 80 }, { port: 53, name: 'dns-udp', protocol: 'UDP' }]),
    svc('shop', 'headless', 'None', [{ port: 80 }]),
    svc('other', 'db', '127.96.0.9', [{ port: 5432 }]),
    svc('shop', '3d', '127.96.0.7', [{ port: 8080 }]),
  ];
  const m = serviceEnvMap(services, 'shop', true);
  t.equal(m.get('KUBERNETES_SERVICE_HOST'), '127.96.0.1');
  t.equal(m.get('KUBERNETES_SERVICE_PORT'), '443');
  t.equal(m.get('KUBERNETES_SERVICE_PORT_HTTPS'), '443');
  t.equal(m.get('KUBERNETES_PORT'), 'tcp://127.96.0.1:443');
  t.equal(m.get('KUBERNETES_PORT_443_TCP_ADDR'), '127.96.0.1');
  t.equal(m.get('WEB_FRONT_SERVICE_HOST'), '127.96.0.5');
  t.equal(m.get('WEB_FRONT_SERVICE_PORT_DNS_UDP'), '53');
  t.equal(m.get('WEB_FRONT_PORT_53_UDP'), 'udp://127.96.0.5:53');
  t.equal(m.get('WEB_FRONT_PORT_53_UDP_PROTO'), 'udp');
  t.equal(m.get('WEB_FRONT_PORT_80_TCP_PORT'), '80');
  t.equal(m.get('_3D_SERVICE_HOST'), '127.96.0.7', 'a leading digit gets an underscore');
  t.notOk(m.has('HEADLESS_SERVICE_HOST'), 'no variables for a headless service');
  t.notOk(m.has('DB_SERVICE_HOST'), 'other namespaces are not linked');
  const off = serviceEnvMap(services, 'shop', false);
  t.same([...off.keys()].filter((k) => !k.startsWith('KUBERNETES_')), [], 'enableServiceLinks=false keeps only the master service');
  t.ok(off.has('KUBERNETES_SERVICE_HOST'));
});

t.test('every valueFrom kind, envFrom with prefix, expansion order', async (t) => {
  const events: string[] = [];
  const env = new KubeletContainerEnvironment({
    source: mapSource({
      configMaps: [{ metadata: { namespace: 'shop', name: 'cfg' }, data: { mode: 'prod', 'bad key': 'x', URL: 'http://$(HOST)' } }],
      secrets: [{ metadata: { namespace: 'shop', name: 'creds' }, data: { password: Buffer.from('s3cret').toString('base64') } }],
      services: [svc('default', 'kubernetes', '127.96.0.1', [{ port: 443, name: 'https' }])],
    }),
    hostIPs: () => ['127.0.10.1'],
    allocatable: () => ({ cpu: '2', memory: '8Gi' }),
    events: (_p, type, reason, message) => events.push(`${type} ${reason} ${message}`),
  });
  const pod = basePod();
  const container = {
    name: 'app',
    image: 'nginx',
    resources: { limits: { memory: '256Mi' }, requests: { cpu: '250m', memory: '128Mi' } },
    envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }, { secretRef: { name: 'creds' } }],
    env: [
      { name: 'HOST', value: 'db' },
      { name: 'ADDR', value: '$(HOST):$(KUBERNETES_SERVICE_PORT)' },
      { name: 'LITERAL', value: '$$(HOST)' },
      { name: 'LATER', value: '$(UNSET_YET)' },
      { name: 'UNSET_YET', value: 'x' },
      { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
      { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: 'NOTE', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['note']" } } },
      { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
      { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'POD_IPS', valueFrom: { fieldRef: { fieldPath: 'status.podIPs' } } },
      { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      { name: 'CPU_REQ_M', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
      { name: 'MEM_LIMIT_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
      { name: 'MEM_REQ', valueFrom: { resourceFieldRef: { resource: 'requests.memory' } } },
      { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } },
      { name: 'PW', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
      { name: 'OPT_KEY', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'nope', optional: true } } },
      { name: 'OPT_OBJ', valueFrom: { secretKeyRef: { name: 'gone', key: 'x', optional: true } } },
    ],
  };
  const kv = await env.containerEnv(pod, container, ['127.244.1.5']);
  const got = new Map(kv.map((e) => [e.key, e.value]));
  const want: Record<string, string> = {
    CFG_mode: 'prod', CFG_URL: 'http://$(HOST)', password: 's3cret',
    HOST: 'db', ADDR: 'db:443', LITERAL: '$(HOST)', LATER: '$(UNSET_YET)', UNSET_YET: 'x',
    POD: 'web-1', NS: 'shop', UID: 'uid-1', APP: 'web', NOTE: 'hi "there"', NODE: 'node-1', SA: 'default',
    HOST_IP: '127.0.10.1', POD_IP: '127.244.1.5', POD_IPS: '127.244.1.5',
    CPU_LIMIT: '2', CPU_REQ_M: '250', MEM_LIMIT_MI: '256', MEM_REQ: String(128 * 1024 * 1024),
    MODE: 'prod', PW: 's3cret', KUBERNETES_SERVICE_HOST: '127.96.0.1',
  };
  for (const [k, v] of Object.entries(want)) t.equal(got.get(k), v, k);
  t.notOk(got.has('OPT_KEY'), 'an optional missing key leaves the variable out');
  t.notOk(got.has('OPT_OBJ'), 'an optional missing object leaves the variable out');
  t.notOk(got.has('CFG_bad key'), 'invalid names from envFrom are skipped');
  t.same(events, ['Warning InvalidEnvironmentVariableNames Keys [CFG_bad key] from the EnvFrom configMap shop/cfg were skipped since they are considered invalid environment variable names.']);
  t.ok(kv.findIndex((e) => e.key === 'HOST') < kv.findIndex((e) => e.key === 'KUBERNETES_SERVICE_HOST'), 'service links come last');
});

t.test('missing objects and keys fail with the kubelet messages', async (t) => {
  const env = new KubeletContainerEnvironment({
    source: mapSource({ configMaps: [{ metadata: { namespace: 'default', name: 'cfg' }, data: {} }], secrets: [{ metadata: { namespace: 'default', name: 's' }, data: {} }] }),
    hostIPs: () => [],
    allocatable: () => ({}),
  });
  const pod = basePod();
  pod.metadata!.namespace = 'default';
  const cases: Array<[object, string]> = [
    [{ env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'k' } } }] }, 'configmap "app-config" not found'],
    [{ env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'db' } } }] }, "couldn't find key db in ConfigMap default/cfg"],
    [{ env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'pw' } } }] }, "couldn't find key pw in Secret default/s"],
    [{ envFrom: [{ secretRef: { name: 'nope' } }] }, 'secret "nope" not found'],
    [{ env: [{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'spec.bogus' } } }] }, 'unsupported fieldPath: spec.bogus'],
    [{ env: [{ name: 'X', valueFrom: { resourceFieldRef: { resource: 'limits.gpu' } } }] }, 'unsupported container resource : limits.gpu'],
  ];
  for (const [extra, message] of cases) {
    const err = await env.containerEnv(pod, { name: 'app', image: 'x', ...extra }, []).then(() => undefined, (e: unknown) => e);
    t.ok(err instanceof ContainerConfigError, message);
    t.equal((err as Error).message, message);
    t.equal((err as ContainerConfigError).reason, 'CreateContainerConfigError');
  }
  const ok = await env.containerEnv(pod, { name: 'app', image: 'x', envFrom: [{ configMapRef: { name: 'nope', optional: true } }] }, []);
  t.same(ok, [], 'an optional missing envFrom source is skipped');
});
