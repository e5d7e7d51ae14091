import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testdataDir } from '../../../helpers/testdata.js';
import type { StatusCause } from '../../../../lib/api/field-errors.js';
import { applyDefaults, generateJobSelector } from '../../../../lib/api/defaults/index.js';
import { resourceForKind } from '../../../../lib/api/registry.js';
import { validateSchema } from '../../../../lib/api/schema.js';
import { hasValidation, parseCronSchedule, validateObject } from '../../../../lib/api/validation/index.js';
import { RESOURCES, apiVersionOf } from '../../../../lib/api/registry.js';
import { parseManifests } from '../../../../lib/api/yaml.js';

const manifestsDir = () => testdataDir('manifests');
const load = (name: string): any[] => parseManifests(readFileSync(join(manifestsDir(), name), 'utf8'), name);

/**
 * What the apiserver does with a create before it stores the object: defaults, the namespace from
 * the URL, a uid and (for Jobs) the generated selector; then schema and semantic validation.
 */
async function admit(obj: any): Promise<StatusCause[]> {
  applyDefaults(obj);
  if (resourceForKind(obj.apiVersion, obj.kind)?.namespaced && !obj.metadata.namespace) obj.metadata.namespace = 'default';
  obj.metadata.uid ??= '0b4e9f4e-1111-4c3a-9d2f-000000000001';
  if (obj.kind === 'Job') generateJobSelector(obj);
  const schema = await validateSchema(obj);
  if (schema.length > 0) return schema;
  return validateObject(obj);
}

const GOOD_FIXTURES = [
  'proddetail-deployment.yaml',
  'deployment.yaml',
  'statefulset.yaml',
  'service.yaml',
  'pod-probes.yaml',
  'configmap.yaml',
  'job.yaml',
  'cronjob.yaml',
  'multi.yaml',
];

t.test('every good fixture is admitted without causes', async (t) => {
  for (const file of GOOD_FIXTURES) {
    for (const obj of load(file)) t.same(await admit(obj), [], `${file}: ${obj.kind} ${obj.metadata.name}`);
  }
});

const cause = (reason: StatusCause['reason'], field: string, message: string): StatusCause => ({ reason, field, message });
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const PORT_RANGE_MSG = 'must be between 1 and 65535, inclusive';

// Each bad fixture and exactly the causes the apiserver returns for it.
const BAD_FIXTURES: Record<string, StatusCause[]> = {
  'deployment-selector-mismatch.yaml': [
    cause('FieldValueInvalid', 'spec.template.metadata.labels', 'Invalid value: {"app":"frontend"}: `selector` does not match template `labels`'),
  ],
  'deployment-restart-never.yaml': [cause('FieldValueNotSupported', 'spec.template.spec.restartPolicy', 'Unsupported value: "Never": supported values: "Always"')],
  'deployment-bad-name.yaml': [cause('FieldValueInvalid', 'metadata.name', `Invalid value: "My_App": ${DNS1123_SUBDOMAIN_MSG}`)],
  'pod-duplicate-container.yaml': [cause('FieldValueDuplicate', 'spec.initContainers[0].name', 'Duplicate value: "app"')],
  'pod-missing-volume.yaml': [cause('FieldValueNotFound', 'spec.containers[0].volumeMounts[0].name', 'Not found: "data"')],
  'pod-requests-over-limits.yaml': [cause('FieldValueInvalid', 'spec.containers[0].resources.requests', 'Invalid value: "2": must be less than or equal to cpu limit of 500m')],
  'service-nodeport-out-of-range.yaml': [
    cause('FieldValueInvalid', 'spec.ports[0].nodePort', 'Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767'),
  ],
  'service-bad-name.yaml': [cause('FieldValueInvalid', 'metadata.name', `Invalid value: "1web": ${DNS1035_MSG}`)],
  'job-restart-always.yaml': [cause('FieldValueRequired', 'spec.template.spec.restartPolicy', 'Required value: valid values: "OnFailure", "Never"')],
  'cronjob-bad-schedule.yaml': [cause('FieldValueInvalid', 'spec.schedule', 'Invalid value: "0 24 * * *": end of range (24) above maximum (23): 24')],
  'statefulset-wrong-port.yaml': [cause('FieldValueInvalid', 'spec.template.spec.containers[0].ports[0].containerPort', `Invalid value: 70000: ${PORT_RANGE_MSG}`)],
};

t.test('every bad fixture gives exactly its causes', async (t) => {
  const files = readdirSync(join(manifestsDir(), 'invalid')).filter((f) => f.endsWith('.yaml'));
  t.same(files.sort(), Object.keys(BAD_FIXTURES).sort(), 'each bad fixture has an expectation');
  for (const [file, expected] of Object.entries(BAD_FIXTURES)) {
    const [obj] = load(join('invalid', file));
    t.same(await admit(obj), expected, file);
  }
});

// ---- table of single mistakes on known-good objects ----

function pod(mutate: (p: any) => void = () => {}): any {
  const p: any = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', labels: { app: 'p' } },
    spec: {
      containers: [{ name: 'app', image: 'busybox:1.36', ports: [{ name: 'http', containerPort: 8080 }] }],
      volumes: [{ name: 'data', emptyDir: {} }],
    },
  };
  mutate(p);
  return p;
}

function deployment(mutate: (d: any) => void = () => {}): any {
  const d: any = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd' },
    spec: {
      selector: { matchLabels: { app: 'd' } },
      template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } },
    },
  };
  mutate(d);
  return d;
}

function service(mutate: (s: any) => void = () => {}): any {
  const s: any = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 's' }, ports: [{ port: 80 }] } };
  mutate(s);
  return s;
}

const c0 = (p: any) => p.spec.containers[0];
const tc0 = (d: any) => d.spec.template.spec.containers[0];

const CASES: Array<[string, any, StatusCause[]]> = [
  // metadata
  ['missing name', pod((p) => delete p.metadata.name), [cause('FieldValueRequired', 'metadata.name', 'Required value: name or generateName is required')]],
  [
    'bad generateName',
    pod((p) => (p.metadata.generateName = 'Web-')),
    [cause('FieldValueInvalid', 'metadata.generateName', `Invalid value: "Web-": ${DNS1123_SUBDOMAIN_MSG}`)],
  ],
  [
    'name too long',
    pod((p) => (p.metadata.name = 'a'.repeat(254))),
    [cause('FieldValueInvalid', 'metadata.name', `Invalid value: "${'a'.repeat(254)}": must be no more than 253 characters`)],
  ],
  [
    'namespace on a cluster-scoped kind',
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', namespace: 'default' } },
    [cause('FieldValueForbidden', 'metadata.namespace', 'Forbidden: not allowed on this type')],
  ],
  [
    'namespace name must be a DNS label',
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } },
    [cause('FieldValueInvalid', 'metadata.name', `Invalid value: "a.b": ${DNS1123_LABEL_MSG}`)],
  ],
  [
    'label value too long',
    pod((p) => (p.metadata.labels = { app: 'x'.repeat(64) })),
    [cause('FieldValueInvalid', 'metadata.labels', `Invalid value: "${'x'.repeat(64)}": must be no more than 63 characters`)],
  ],
  [
    'label key with a bad prefix',
    pod((p) => (p.metadata.labels = { 'Example.com/app': 'x' })),
    [
      cause(
        'FieldValueInvalid',
        'metadata.labels',
        `Invalid value: "Example.com/app": prefix part ${DNS1123_SUBDOMAIN_MSG}`,
      ),
    ],
  ],
  [
    'two controller owner references',
    pod(
      (p) =>
        (p.metadata.ownerReferences = [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: '1', controller: true },
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: '2', controller: true },
        ]),
    ),
    [
      cause(
        'FieldValueInvalid',
        'metadata.ownerReferences',
        'Invalid value: [{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"a","uid":"1","controller":true},{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"b","uid":"2","controller":true}]: Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/a and ReplicaSet/b',
      ),
    ],
  ],
  // containers
  ['no containers', pod((p) => (p.spec.containers = [])), [cause('FieldValueRequired', 'spec.containers', 'Required value')]],
  ['container without image', pod((p) => delete c0(p).image), [cause('FieldValueRequired', 'spec.containers[0].image', 'Required value')]],
  [
    'container name not a label',
    pod((p) => (c0(p).name = 'App')),
    [cause('FieldValueInvalid', 'spec.containers[0].name', `Invalid value: "App": ${DNS1123_LABEL_MSG}`)],
  ],
  [
    'duplicate container names',
    pod((p) => p.spec.containers.push({ name: 'app', image: 'x:1' })),
    [cause('FieldValueDuplicate', 'spec.containers[1].name', 'Duplicate value: "app"')],
  ],
  [
    'image with surrounding spaces',
    pod((p) => (c0(p).image = ' busybox ')),
    [cause('FieldValueInvalid', 'spec.containers[0].image', 'Invalid value: " busybox ": must not have leading or trailing whitespace')],
  ],
  [
    'duplicate port names',
    pod((p) => c0(p).ports.push({ name: 'http', containerPort: 8081 })),
    [cause('FieldValueDuplicate', 'spec.containers[0].ports[1].name', 'Duplicate value: "http"')],
  ],
  [
    'port name too long and with capitals',
    pod((p) => (c0(p).ports[0].name = 'Http-Port-Number-1')),
    [
      cause('FieldValueInvalid', 'spec.containers[0].ports[0].name', 'Invalid value: "Http-Port-Number-1": must be no more than 15 characters'),
      cause('FieldValueInvalid', 'spec.containers[0].ports[0].name', 'Invalid value: "Http-Port-Number-1": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'),
    ],
  ],
  ['containerPort 0', pod((p) => (c0(p).ports[0].containerPort = 0)), [cause('FieldValueRequired', 'spec.containers[0].ports[0].containerPort', 'Required value')]],
  [
    'hostPort out of range',
    pod((p) => (c0(p).ports[0].hostPort = 65536)),
    [cause('FieldValueInvalid', 'spec.containers[0].ports[0].hostPort', `Invalid value: 65536: ${PORT_RANGE_MSG}`)],
  ],
  [
    'two containers on one host port',
    pod((p) => {
      c0(p).ports[0].hostPort = 80;
      p.spec.containers.push({ name: 'b', image: 'x:1', ports: [{ containerPort: 81, hostPort: 80 }] });
    }),
    [cause('FieldValueDuplicate', 'spec.containers[1].ports[0].hostPort', 'Duplicate value: "TCP//80"')],
  ],
  [
    'hostNetwork needs hostPort = containerPort',
    pod((p) => {
      p.spec.hostNetwork = true;
      c0(p).ports[0].hostPort = 9000;
    }),
    [cause('FieldValueInvalid', 'spec.containers[0].ports[0].hostPort', 'Invalid value: 9000: must match `containerPort` when `hostNetwork` is true')],
  ],
  [
    'duplicate volume names',
    pod((p) => p.spec.volumes.push({ name: 'data', emptyDir: {} })),
    [cause('FieldValueDuplicate', 'spec.volumes[1].name', 'Duplicate value: "data"')],
  ],
  [
    'two volume types',
    pod((p) => (p.spec.volumes[0].hostPath = { path: '/tmp' })),
    [cause('FieldValueForbidden', 'spec.volumes[0].emptyDir', 'Forbidden: may not specify more than 1 volume type')],
  ],
  [
    'configMap volume without a name',
    pod((p) => (p.spec.volumes = [{ name: 'cfg', configMap: { defaultMode: 0o1000 } }])),
    [
      cause('FieldValueRequired', 'spec.volumes[0].configMap.name', 'Required value'),
      cause('FieldValueInvalid', 'spec.volumes[0].configMap.defaultMode', 'Invalid value: 512: must be a number between 0 and 0777 (octal), both inclusive'),
    ],
  ],
  [
    'mount of a broken volume is not found either',
    pod((p) => {
      p.spec.volumes = [{ name: 'Data', emptyDir: {} }];
      c0(p).volumeMounts = [{ name: 'Data', mountPath: '/d' }];
    }),
    [
      cause('FieldValueInvalid', 'spec.volumes[0].name', `Invalid value: "Data": ${DNS1123_LABEL_MSG}`),
      cause('FieldValueNotFound', 'spec.containers[0].volumeMounts[0].name', 'Not found: "Data"'),
    ],
  ],
  [
    'duplicate mount paths',
    pod((p) => (c0(p).volumeMounts = [{ name: 'data', mountPath: '/d' }, { name: 'data', mountPath: '/d' }])),
    [cause('FieldValueInvalid', 'spec.containers[0].volumeMounts[1].mountPath', 'Invalid value: "/d": must be unique')],
  ],
  [
    'bad env var name',
    pod((p) => (c0(p).env = [{ name: '1ST', value: 'x' }])),
    [
      cause(
        'FieldValueInvalid',
        'spec.containers[0].env[0].name',
        `Invalid value: "1ST": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')`,
      ),
    ],
  ],
  [
    'env value and valueFrom together',
    pod((p) => (c0(p).env = [{ name: 'A', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }])),
    [cause('FieldValueInvalid', 'spec.containers[0].env[0].valueFrom', 'Invalid value: "": may not be specified when `value` is not empty')],
  ],
  [
    'unsupported downward API field',
    pod((p) => (c0(p).env = [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'spec.containers' } } }])),
    [
      cause(
        'FieldValueNotSupported',
        'spec.containers[0].env[0].valueFrom.fieldRef.fieldPath',
        'Unsupported value: "spec.containers": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"',
      ),
    ],
  ],
  // probes
  [
    'probe without a handler',
    pod((p) => (c0(p).readinessProbe = { periodSeconds: 5 })),
    [cause('FieldValueRequired', 'spec.containers[0].readinessProbe', 'Required value: must specify a handler type')],
  ],
  [
    'probe with two handlers',
    pod((p) => (c0(p).livenessProbe = { exec: { command: ['true'] }, tcpSocket: { port: 80 } })),
    [cause('FieldValueForbidden', 'spec.containers[0].livenessProbe.tcpSocket', 'Forbidden: may not specify more than 1 handler type')],
  ],
  [
    'liveness successThreshold must be 1',
    pod((p) => (c0(p).livenessProbe = { httpGet: { port: 'http' }, successThreshold: 2 })),
    [cause('FieldValueInvalid', 'spec.containers[0].livenessProbe.successThreshold', 'Invalid value: 2: must be 1')],
  ],
  [
    'negative probe period',
    pod((p) => (c0(p).readinessProbe = { tcpSocket: { port: 80 }, periodSeconds: -1 })),
    [cause('FieldValueInvalid', 'spec.containers[0].readinessProbe.periodSeconds', 'Invalid value: -1: must be greater than or equal to 0')],
  ],
  [
    'probe port name invalid',
    pod((p) => (c0(p).startupProbe = { httpGet: { port: 'no_such' } })),
    [
      cause('FieldValueInvalid', 'spec.containers[0].startupProbe.httpGet.port', 'Invalid value: "no_such": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'),
    ],
  ],
  [
    'init container with a probe',
    pod((p) => (p.spec.initContainers = [{ name: 'init', image: 'x:1', readinessProbe: { exec: { command: ['true'] } } }])),
    [cause('FieldValueForbidden', 'spec.initContainers[0].readinessProbe', 'Forbidden: may not be set for init containers without restartPolicy=Always')],
  ],
  // pod spec enums and ranges
  [
    'restartPolicy enum',
    pod((p) => (p.spec.restartPolicy = 'Sometimes')),
    // The OpenAPI enum answers first, with its values sorted.
    [cause('FieldValueNotSupported', 'spec.restartPolicy', 'Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"')],
  ],
  [
    'dnsPolicy None needs nameservers',
    pod((p) => (p.spec.dnsPolicy = 'None')),
    [cause('FieldValueRequired', 'spec.dnsConfig.nameservers', 'Required value: must provide at least one DNS nameserver when DNSPolicy is None')],
  ],
  [
    'activeDeadlineSeconds 0',
    pod((p) => (p.spec.activeDeadlineSeconds = 0)),
    [cause('FieldValueInvalid', 'spec.activeDeadlineSeconds', 'Invalid value: 0: must be between 1 and 2147483647, inclusive')],
  ],
  [
    'toleration operator',
    pod((p) => (p.spec.tolerations = [{ key: 'k', operator: 'Maybe' }])),
    [cause('FieldValueNotSupported', 'spec.tolerations[0].operator', 'Unsupported value: "Maybe": supported values: "Equal", "Exists"')],
  ],
  [
    'tolerationSeconds needs NoExecute',
    pod((p) => (p.spec.tolerations = [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }])),
    [cause('FieldValueInvalid', 'spec.tolerations[0].effect', `Invalid value: "NoSchedule": effect must be 'NoExecute' when \`tolerationSeconds\` is set`)],
  ],
  [
    'ephemeral containers at create',
    pod((p) => (p.spec.ephemeralContainers = [{ name: 'dbg', image: 'x:1' }])),
    [cause('FieldValueForbidden', 'spec.ephemeralContainers', 'Forbidden: cannot be set on create')],
  ],
  // resources
  [
    'unknown resource name',
    pod((p) => (c0(p).resources = { limits: { gpu: '1' } })),
    // Pods copy limits into missing requests before validation, so both are reported.
    [
      cause('FieldValueInvalid', 'spec.containers[0].resources.limits[gpu]', 'Invalid value: "gpu": must be a standard resource for containers'),
      cause('FieldValueInvalid', 'spec.containers[0].resources.requests[gpu]', 'Invalid value: "gpu": must be a standard resource for containers'),
    ],
  ],
  [
    'negative memory request',
    pod((p) => (c0(p).resources = { requests: { memory: '-1Mi' } })),
    [cause('FieldValueInvalid', 'spec.containers[0].resources.requests[memory]', 'Invalid value: "-1Mi": must be greater than or equal to 0')],
  ],
  [
    'extended resources cannot be overcommitted',
    pod((p) => (c0(p).resources = { requests: { 'example.com/gpu': '1' }, limits: { 'example.com/gpu': '2' } })),
    [cause('FieldValueInvalid', 'spec.containers[0].resources.requests', 'Invalid value: "1": must be equal to example.com/gpu limit of 2')],
  ],
  [
    'extended resources count whole devices',
    pod((p) => (c0(p).resources = { limits: { 'example.com/gpu': '500m' } })),
    [
      cause('FieldValueInvalid', 'spec.containers[0].resources.limits[example.com/gpu]', 'Invalid value: "500m": must be an integer'),
      cause('FieldValueInvalid', 'spec.containers[0].resources.requests[example.com/gpu]', 'Invalid value: "500m": must be an integer'),
    ],
  ],
  // workloads
  [
    'negative replicas',
    deployment((d) => (d.spec.replicas = -1)),
    [cause('FieldValueInvalid', 'spec.replicas', 'Invalid value: -1: must be greater than or equal to 0')],
  ],
  [
    'deployment without a selector',
    deployment((d) => delete d.spec.selector),
    [cause('FieldValueRequired', 'spec.selector', 'Required value')],
  ],
  [
    'empty deployment selector',
    deployment((d) => (d.spec.selector = {})),
    [cause('FieldValueInvalid', 'spec.selector', 'Invalid value: {}: empty selector is invalid for deployment')],
  ],
  [
    'selector with a bad operator',
    deployment((d) => (d.spec.selector = { matchExpressions: [{ key: 'app', operator: 'Like', values: ['d'] }] })),
    [
      cause('FieldValueInvalid', 'spec.selector.matchExpressions[0].operator', 'Invalid value: "Like": not a valid selector operator'),
      cause('FieldValueInvalid', 'spec.selector', 'Invalid value: {"matchExpressions":[{"key":"app","operator":"Like","values":["d"]}]}: invalid label selector'),
    ],
  ],
  [
    'maxSurge and maxUnavailable both 0',
    deployment((d) => (d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } })),
    [cause('FieldValueInvalid', 'spec.strategy.rollingUpdate.maxUnavailable', 'Invalid value: 0%: may not be 0 when `maxSurge` is 0')],
  ],
  [
    'maxUnavailable over 100%',
    deployment((d) => (d.spec.strategy = { rollingUpdate: { maxUnavailable: '150%' } })),
    [cause('FieldValueInvalid', 'spec.strategy.rollingUpdate.maxUnavailable', 'Invalid value: 150%: must not be greater than 100%')],
  ],
  [
    'percent without a number',
    deployment((d) => (d.spec.strategy = { rollingUpdate: { maxSurge: 'half' } })),
    [
      cause(
        'FieldValueInvalid',
        'spec.strategy.rollingUpdate.maxSurge',
        "Invalid value: half: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      ),
    ],
  ],
  [
    'Recreate with rollingUpdate',
    deployment((d) => (d.spec.strategy = { type: 'Recreate', rollingUpdate: { maxSurge: 1 } })),
    [cause('FieldValueForbidden', 'spec.strategy.rollingUpdate', "Forbidden: may not be specified when strategy `type` is 'Recreate'")],
  ],
  [
    'progress deadline not after minReadySeconds',
    deployment((d) => {
      d.spec.minReadySeconds = 600;
    }),
    [cause('FieldValueInvalid', 'spec.progressDeadlineSeconds', 'Invalid value: 600: must be greater than minReadySeconds')],
  ],
  [
    'template labels are reported at template.labels',
    deployment((d) => {
      d.spec.template.metadata.labels['bad key'] = 'x';
    }),
    [
      cause(
        'FieldValueInvalid',
        'spec.template.labels',
        `Invalid value: "bad key": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
      ),
    ],
  ],
  [
    'template container without image',
    deployment((d) => delete tc0(d).image),
    [cause('FieldValueRequired', 'spec.template.spec.containers[0].image', 'Required value')],
  ],
  [
    'daemonset selector mismatch',
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'ds' },
      spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'b' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } },
    },
    [cause('FieldValueInvalid', 'spec.template.metadata.labels', 'Invalid value: {"app":"b"}: `selector` does not match template `labels`')],
  ],
  [
    'replicaset with an activeDeadlineSeconds template',
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'rs' },
      spec: {
        selector: { matchLabels: { app: 'a' } },
        template: { metadata: { labels: { app: 'a' } }, spec: { activeDeadlineSeconds: 5, containers: [{ name: 'c', image: 'x:1' }] } },
      },
    },
    [cause('FieldValueInvalid', 'spec.template.spec.activeDeadlineSeconds', 'Invalid value: 5: activeDeadlineSeconds in ReplicaSet is not Supported')],
  ],
  [
    'replication controller template labels must match',
    {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'rc' },
      spec: { selector: { app: 'a' }, template: { metadata: { labels: { app: 'b' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } },
    },
    [cause('FieldValueInvalid', 'spec.template.metadata.labels', 'Invalid value: {"app":"b"}: `selector` does not match template `labels`')],
  ],
  [
    'statefulset mounts a claim template it does not have',
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: {
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: {
          metadata: { labels: { app: 'db' } },
          spec: { containers: [{ name: 'db', image: 'x:1', volumeMounts: [{ name: 'data', mountPath: '/d' }] }] },
        },
        volumeClaimTemplates: [{ metadata: { name: 'logs' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    },
    [cause('FieldValueNotFound', 'spec.template.spec.containers[0].volumeMounts[0].name', 'Not found: "data"')],
  ],
  [
    'claim template without storage',
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: {
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'x:1' }] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: [] } }],
      },
    },
    [
      cause('FieldValueRequired', 'spec.volumeClaimTemplates[0].spec.accessModes', 'Required value: at least 1 access mode is required'),
      cause('FieldValueRequired', 'spec.volumeClaimTemplates[0].spec.resources[storage]', 'Required value'),
    ],
  ],
  // jobs
  [
    'manual job selector must match',
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j' },
      spec: {
        manualSelector: true,
        selector: { matchLabels: { job: 'a' } },
        template: { metadata: { labels: { job: 'b' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x:1' }] } },
      },
    },
    [cause('FieldValueInvalid', 'spec.template.metadata.labels', 'Invalid value: {"job":"b"}: `selector` does not match template `labels`')],
  ],
  [
    'generated selector with a foreign uid label',
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j' },
      spec: {
        template: {
          metadata: { labels: { 'batch.kubernetes.io/controller-uid': 'someone-else' } },
          spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x:1' }] },
        },
      },
    },
    [
      cause(
        'FieldValueInvalid',
        'spec.template.metadata.labels[batch.kubernetes.io/controller-uid]',
        `Invalid value: {"batch.kubernetes.io/controller-uid":"someone-else","job-name":"j","batch.kubernetes.io/job-name":"j","controller-uid":"0b4e9f4e-1111-4c3a-9d2f-000000000001"}: must be '0b4e9f4e-1111-4c3a-9d2f-000000000001'`,
      ),
      cause(
        'FieldValueInvalid',
        'spec.template.metadata.labels',
        'Invalid value: {"batch.kubernetes.io/controller-uid":"someone-else","job-name":"j","batch.kubernetes.io/job-name":"j","controller-uid":"0b4e9f4e-1111-4c3a-9d2f-000000000001"}: `selector` does not match template `labels`',
      ),
    ],
  ],
  [
    'indexed job needs completions',
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j' },
      spec: { completionMode: 'Indexed', parallelism: 2, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x:1' }] } } },
    },
    [cause('FieldValueRequired', 'spec.completions', 'Required value: when completion mode is Indexed')],
  ],
  [
    'cronjob job template may not carry a selector',
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'cj' },
      spec: {
        schedule: '@daily',
        jobTemplate: { spec: { selector: { matchLabels: { a: 'b' } }, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x:1' }] } } } },
      },
    },
    [cause('FieldValueInvalid', 'spec.jobTemplate.spec.selector', 'Invalid value: {"matchLabels":{"a":"b"}}: `selector` will be auto-generated')],
  ],
  [
    'cronjob time zone in the schedule',
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'cj' },
      spec: { schedule: 'CRON_TZ=UTC 0 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x:1' }] } } } } },
    },
    [cause('FieldValueInvalid', 'spec.schedule', 'Invalid value: "CRON_TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead')],
  ],
  [
    'cronjob unknown time zone',
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'cj' },
      spec: { schedule: '0 * * * *', timeZone: 'Mars/Olympus', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x:1' }] } } } } },
    },
    [cause('FieldValueInvalid', 'spec.timeZone', 'Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus')],
  ],
  // services
  ['service without ports', service((s) => delete s.spec.ports), [cause('FieldValueRequired', 'spec.ports', 'Required value')]],
  [
    'service port out of range',
    service((s) => (s.spec.ports[0].port = 0)),
    // targetPort defaults to the port, so it is out of range too.
    [cause('FieldValueInvalid', 'spec.ports[0].port', `Invalid value: 0: ${PORT_RANGE_MSG}`), cause('FieldValueInvalid', 'spec.ports[0].targetPort', `Invalid value: 0: ${PORT_RANGE_MSG}`)],
  ],
  [
    'several ports need names',
    service((s) => s.spec.ports.push({ port: 443 })),
    [cause('FieldValueRequired', 'spec.ports[0].name', 'Required value'), cause('FieldValueRequired', 'spec.ports[1].name', 'Required value')],
  ],
  [
    'duplicate service ports',
    service((s) => (s.spec.ports = [{ name: 'a', port: 80 }, { name: 'b', port: 80 }])),
    [cause('FieldValueDuplicate', 'spec.ports[1]', 'Duplicate value: {"port":80,"protocol":"TCP"}')],
  ],
  [
    'nodePort on a ClusterIP service',
    service((s) => (s.spec.ports[0].nodePort = 30001)),
    [cause('FieldValueForbidden', 'spec.ports[0].nodePort', "Forbidden: may not be used when `type` is 'ClusterIP'")],
  ],
  [
    'service protocol enum',
    service((s) => (s.spec.ports[0].protocol = 'HTTP')),
    [cause('FieldValueNotSupported', 'spec.ports[0].protocol', 'Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"')],
  ],
  [
    'clusterIP not an address',
    service((s) => (s.spec.clusterIP = '10.0.0.300')),
    [cause('FieldValueInvalid', 'spec.clusterIPs[0]', 'Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')],
  ],
  [
    'headless NodePort',
    service((s) => {
      s.spec.type = 'NodePort';
      s.spec.clusterIP = 'None';
    }),
    [cause('FieldValueInvalid', 'spec.clusterIPs[0]', `Invalid value: "None": may not be set to 'None' for NodePort services`)],
  ],
  [
    'ExternalName without a name',
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'e' }, spec: { type: 'ExternalName' } },
    [cause('FieldValueRequired', 'spec.externalName', 'Required value')],
  ],
  [
    'externalTrafficPolicy on a ClusterIP service',
    service((s) => (s.spec.externalTrafficPolicy = 'Local')),
    [cause('FieldValueInvalid', 'spec.externalTrafficPolicy', 'Invalid value: "Local": may only be set for externally-accessible services')],
  ],
  // other kinds
  [
    'configmap key with a slash',
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'a/b': 'x' } },
    [
      cause(
        'FieldValueInvalid',
        'data[a/b]',
        `Invalid value: "a/b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
      ),
    ],
  ],
  [
    'tls secret without a key',
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'Y2VydA==' } },
    [cause('FieldValueRequired', 'data[tls.key]', 'Required value')],
  ],
  [
    'secret data not base64',
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { password: 'hunter2!' } },
    // The schema's byte format catches it, without echoing the secret.
    [cause('FieldValueInvalid', 'data.password', 'Invalid value: "<redacted>": illegal base64 data: must be base64-encoded')],
  ],
  [
    'lease duration 0',
    { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 0 } },
    [cause('FieldValueInvalid', 'spec.leaseDurationSeconds', 'Invalid value: 0: must be greater than 0')],
  ],
  [
    'hpa max below min',
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'h' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' }, minReplicas: 3, maxReplicas: 2 },
    },
    [cause('FieldValueInvalid', 'spec.maxReplicas', 'Invalid value: 2: must be greater than or equal to `minReplicas`')],
  ],
  [
    'rolebinding to a Role from a ClusterRoleBinding',
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'b' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
      subjects: [{ kind: 'ServiceAccount', name: 'sa' }],
    },
    [
      cause('FieldValueNotSupported', 'roleRef.kind', 'Unsupported value: "Role": supported values: "ClusterRole"'),
      cause('FieldValueRequired', 'subjects[0].namespace', 'Required value'),
    ],
  ],
  [
    'rule without verbs',
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'system:r' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: [] }] },
    [cause('FieldValueRequired', 'rules[0].verbs', 'Required value: verbs must contain at least one value')],
  ],
  [
    'ingress path type and backend port',
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'i' },
      spec: { rules: [{ host: 'shop.example.com', http: { paths: [{ path: 'cart', pathType: 'Prefix', backend: { service: { name: 'web', port: {} } } }] } }] },
    },
    [
      cause('FieldValueInvalid', 'spec.rules[0].http.paths[0].path', 'Invalid value: "cart": must be an absolute path'),
      cause('FieldValueRequired', 'spec.rules[0].http.paths[0].backend', 'Required value: port name or number is required'),
    ],
  ],
  [
    'networkpolicy except outside the cidr',
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'n' },
      spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] } }] }] },
    },
    [cause('FieldValueInvalid', 'spec.ingress[0].from[0].ipBlock.except[0]', 'Invalid value: "10.1.0.0/24": must be a strict subset of `cidr`')],
  ],
  [
    'node taint effect',
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoWay' }] } },
    [cause('FieldValueNotSupported', 'spec.taints[0].effect', 'Unsupported value: "NoWay": supported values: "NoExecute", "NoSchedule", "PreferNoSchedule"')],
  ],
  [
    'limitrange min above max',
    { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'l' }, spec: { limits: [{ type: 'Container', min: { cpu: '2' }, max: { cpu: '1' } }] } },
    [
      cause('FieldValueInvalid', 'spec.limits[0].min[cpu]', 'Invalid value: "2": min value 2 is greater than max value 1'),
      cause('FieldValueInvalid', 'spec.limits[0].defaultRequest[cpu]', 'Invalid value: "1": min value 2 is greater than default request value 1'),
      cause('FieldValueInvalid', 'spec.limits[0].default[cpu]', 'Invalid value: "2": min value 2 is greater than default value 1'),
    ],
  ],
  [
    'quota on a non-standard resource',
    { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: { widgets: '3', pods: '1.5' } } },
    [
      cause('FieldValueInvalid', 'spec.hard[pods]', 'Invalid value: "1500m": must be an integer'),
      cause('FieldValueInvalid', 'spec.hard[widgets]', 'Invalid value: "widgets": must be a standard resource for quota'),
    ],
  ],
  [
    'pvc without access modes',
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, spec: { resources: { requests: { storage: '0' } } } },
    [
      cause('FieldValueRequired', 'spec.accessModes', 'Required value: at least 1 access mode is required'),
      cause('FieldValueInvalid', 'spec.resources[storage]', 'Invalid value: "0": must be greater than zero'),
    ],
  ],
  [
    'endpointslice address of the wrong family',
    { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'e' }, addressType: 'IPv4', endpoints: [{ addresses: ['fd00::1'] }] },
    [cause('FieldValueInvalid', 'endpoints[0].addresses[0]', 'Invalid value: "fd00::1": must be a valid IPv4 address')],
  ],
  [
    'event about an object in another namespace',
    { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e.1', namespace: 'a' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'b' } },
    [cause('FieldValueInvalid', 'involvedObject.namespace', 'Invalid value: "b": does not match event.namespace')],
  ],
  [
    'binding to a non-node',
    { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p', namespace: 'default' }, target: { kind: 'Pod', name: 'x' } },
    [cause('FieldValueNotSupported', 'target.kind', 'Unsupported value: "Pod": supported values: "Node", "<empty>"')],
  ],
  [
    'negative scale',
    { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'd', namespace: 'default' }, spec: { replicas: -2 } },
    [cause('FieldValueInvalid', 'spec.replicas', 'Invalid value: -2: must be greater than or equal to 0')],
  ],
];

t.test('each single mistake gives exactly its cause', async (t) => {
  for (const [name, obj, expected] of CASES) {
    t.same(await admit(obj), expected, name);
  }
});

t.test('every served kind has semantic validation', async (t) => {
  for (const r of RESOURCES) t.ok(hasValidation(apiVersionOf(r), r.kind), `${apiVersionOf(r)} ${r.kind}`);
});

t.test('unknown kinds and non-objects', async (t) => {
  t.same(validateObject({ apiVersion: 'v1', kind: 'Widget', metadata: { name: 'w' } }), [
    cause('FieldValueInvalid', 'kind', 'Invalid value: "Widget": no kind "Widget" is registered for version "v1"'),
  ]);
  t.same(validateObject([]), [cause('FieldValueInvalid', '', 'Invalid value: []: must be an object')]);
  t.same(validateObject({ kind: 'Pod' }), [cause('FieldValueRequired', 'apiVersion', 'Required value')]);
});

t.test('malformed objects never crash validation', async (t) => {
  const junk: unknown[] = [null, 3, 'x', [], {}, { metadata: 5 }, { spec: [] }, { spec: { containers: [null, 3, 'x', { ports: 'p' }] } }, { spec: { template: 'x' } }];
  for (const r of RESOURCES) {
    for (const j of junk) {
      const obj = { ...(typeof j === 'object' && j !== null && !Array.isArray(j) ? j : { body: j }), apiVersion: apiVersionOf(r), kind: r.kind };
      t.doesNotThrow(() => validateObject(obj), `${r.kind} ${JSON.stringify(j)}`);
    }
  }
});

t.test('cron schedules', async (t) => {
  const good = ['* * * * *', '*/15 9-17 * * mon-fri', '0 0 1 1 *', '@hourly', '@every 1h30m', '5,10 */2 ? JAN-mar SUN', '0 0 * * 6'];
  for (const s of good) t.doesNotThrow(() => parseCronSchedule(s), s);
  const bad: Array<[string, string]> = [
    ['', 'empty spec string'],
    ['* * * *', 'expected exactly 5 fields, found 4: [* * * *]'],
    ['60 * * * *', 'end of range (60) above maximum (59): 60'],
    ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['* * * * 7', 'end of range (7) above maximum (6): 7'],
    ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
  ];
  for (const [s, message] of bad) t.throws(() => parseCronSchedule(s), { message }, JSON.stringify(s));
  const parsed = parseCronSchedule('*/20 9-10 * * mon-fri');
  t.ok(parsed.kind === 'fields');
  if (parsed.kind === 'fields') {
    t.same([...parsed.minute], [0, 20, 40]);
    t.same([...parsed.hour], [9, 10]);
    t.same([...parsed.dayOfWeek], [1, 2, 3, 4, 5]);
    t.equal(parsed.dayOfMonthStar, true);
    t.equal(parsed.dayOfWeekStar, false);
  }
  t.same(parseCronSchedule('@every 90s'), { kind: 'every', seconds: 90 });
});
