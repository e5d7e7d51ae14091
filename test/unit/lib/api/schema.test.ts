import t from 'tap';
import type { StatusCause } from '../../../../lib/api/field-errors.js';
import { RESOURCES, apiVersionOf } from '../../../../lib/api/registry.js';
import {
  ajvErrorsToCauses,
  fieldPathOf,
  jsonType,
  loadValidator,
  preloadSchemas,
  schemaNameFor,
  validateSchema,
  validateSchemaSync,
} from '../../../../lib/api/schema.js';

function deployment(mutate: (d: any) => void = () => {}): any {
  const d: any = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '500m' } } }] },
      },
    },
  };
  mutate(d);
  return d;
}

const container = (d: any) => d.spec.template.spec.containers[0];

// First in the file: nothing is loaded yet.
t.test('the synchronous path needs preloaded schemas', async (t) => {
  t.throws(() => validateSchemaSync(deployment()), /IoK8sApiAppsV1Deployment is not loaded/);
  t.same(validateSchemaSync({ kind: 'Pod' }), [{ reason: 'FieldValueRequired', field: 'apiVersion', message: 'Required value' }], 'no schema needed to see that');
  await preloadSchemas();
  t.same(validateSchemaSync(deployment()), []);
  const bad = deployment((d) => (d.spec.replicas = 'two'));
  t.same(validateSchemaSync(bad), await validateSchema(bad));
  t.equal(validateSchemaSync(bad).length, 1);
  t.same(validateSchemaSync({ apiVersion: 'v1', kind: 'Widget' }), [
    { reason: 'FieldValueInvalid', field: 'kind', message: 'Invalid value: "Widget": no schema for kind "Widget" in version "v1"' },
  ]);
});

t.test('every served kind has a schema', async (t) => {
  for (const r of RESOURCES) {
    const validate = await loadValidator(apiVersionOf(r), r.kind);
    t.type(validate, 'function', `${apiVersionOf(r)} ${r.kind}`);
  }
  for (const [apiVersion, kind] of [
    ['autoscaling/v1', 'Scale'],
    ['v1', 'Binding'],
    ['policy/v1', 'Eviction'],
  ]) {
    t.type(await loadValidator(apiVersion!, kind!), 'function', `${apiVersion} ${kind}`);
  }
});

t.test('schema names follow the generated definitions', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['v1', 'Pod', 'IoK8sApiCoreV1Pod'],
    ['apps/v1', 'Deployment', 'IoK8sApiAppsV1Deployment'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRole', 'IoK8sApiRbacV1ClusterRole'],
    ['autoscaling/v2', 'HorizontalPodAutoscaler', 'IoK8sApiAutoscalingV2HorizontalPodAutoscaler'],
    ['discovery.k8s.io/v1', 'EndpointSlice', 'IoK8sApiDiscoveryV1EndpointSlice'],
    ['autoscaling/v1', 'Scale', 'IoK8sApiAutoscalingV1Scale'],
  ];
  for (const [apiVersion, kind, name] of cases) t.equal(schemaNameFor(apiVersion, kind), name);
});

t.test('validators are loaded once and shared', async (t) => {
  const [a, b] = await Promise.all([loadValidator('v1', 'Pod'), loadValidator('v1', 'Pod')]);
  t.ok(a);
  t.equal(a, b);
  t.equal(await loadValidator('v1', 'NoSuchKind'), undefined);
  t.equal(await loadValidator('v1', '../../etc/passwd'), undefined, 'odd kinds never become file paths');
});

t.test('a valid object has no causes', async (t) => {
  t.same(await validateSchema(deployment()), []);
  t.same(await validateSchema({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } }), []);
  t.same(await validateSchema(deployment((d) => (container(d).resources.limits.cpu = 1.5))), [], 'numbers are quantities too');
  t.same(await validateSchema(deployment((d) => (d.spec.strategy = { rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } }))), [], 'int-or-string');
  t.same(await validateSchema(deployment((d) => (d.spec.replicas = null))), [], 'null is "unset"');
});

// [name, mutation, expected causes]
const BAD: Array<[string, (d: any) => void, StatusCause[]]> = [
  [
    'string replicas',
    (d) => (d.spec.replicas = 'abc'),
    [{ reason: 'FieldValueTypeInvalid', field: 'spec.replicas', message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"' }],
  ],
  [
    'fractional replicas',
    (d) => (d.spec.replicas = 1.5),
    [{ reason: 'FieldValueTypeInvalid', field: 'spec.replicas', message: 'Invalid value: "number": spec.replicas in body must be of type integer: "number"' }],
  ],
  [
    'missing container name',
    (d) => delete container(d).name,
    [{ reason: 'FieldValueRequired', field: 'spec.template.spec.containers[0].name', message: 'Required value' }],
  ],
  [
    'missing template and selector',
    (d) => {
      delete d.spec.template;
      delete d.spec.selector;
    },
    [
      { reason: 'FieldValueRequired', field: 'spec.selector', message: 'Required value' },
      { reason: 'FieldValueRequired', field: 'spec.template', message: 'Required value' },
    ],
  ],
  [
    'containers not a list',
    (d) => (d.spec.template.spec.containers = { name: 'x' }),
    [{ reason: 'FieldValueTypeInvalid', field: 'spec.template.spec.containers', message: 'Invalid value: "object": spec.template.spec.containers in body must be of type array: "object"' }],
  ],
  [
    'string containerPort',
    (d) => (container(d).ports[0].containerPort = '80'),
    [
      {
        reason: 'FieldValueTypeInvalid',
        field: 'spec.template.spec.containers[0].ports[0].containerPort',
        message: 'Invalid value: "string": spec.template.spec.containers[0].ports[0].containerPort in body must be of type integer: "string"',
      },
    ],
  ],
  [
    'lower-case protocol',
    (d) => (container(d).ports[0].protocol = 'tcp'),
    [
      {
        reason: 'FieldValueNotSupported',
        field: 'spec.template.spec.containers[0].ports[0].protocol',
        message: 'Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"',
      },
    ],
  ],
  [
    'numeric label value',
    (d) => (d.metadata.labels = { 'app.kubernetes.io/version': 2 }),
    [
      {
        reason: 'FieldValueTypeInvalid',
        field: 'metadata.labels[app.kubernetes.io/version]',
        message: 'Invalid value: "integer": metadata.labels[app.kubernetes.io/version] in body must be of type string: "integer"',
      },
    ],
  ],
  [
    'boolean maxSurge (int-or-string)',
    (d) => (d.spec.strategy = { rollingUpdate: { maxSurge: true } }),
    [
      {
        reason: 'FieldValueTypeInvalid',
        field: 'spec.strategy.rollingUpdate.maxSurge',
        message: 'Invalid value: "boolean": spec.strategy.rollingUpdate.maxSurge in body must be of type integer,string: "boolean"',
      },
    ],
  ],
  [
    'unparsable quantity',
    (d) => (container(d).resources.limits.cpu = 'lots'),
    [
      {
        reason: 'FieldValueInvalid',
        field: 'spec.template.spec.containers[0].resources.limits.cpu',
        message: `Invalid value: "lots": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
      },
    ],
  ],
  [
    'replicas beyond int32',
    (d) => (d.spec.replicas = 2 ** 31),
    [
      {
        reason: 'FieldValueInvalid',
        field: 'spec.replicas',
        message: 'Invalid value: 2147483648: spec.replicas in body must be of type int32: "2147483648"; must be between -2147483648 and 2147483647',
      },
    ],
  ],
  [
    'metadata not an object',
    (d) => (d.metadata = 'web'),
    [{ reason: 'FieldValueTypeInvalid', field: 'metadata', message: 'Invalid value: "string": metadata in body must be of type object: "string"' }],
  ],
];

t.test('schema violations become causes with Kubernetes field paths', async (t) => {
  for (const [name, mutate, expected] of BAD) {
    t.same(await validateSchema(deployment(mutate)), expected, name);
  }
});

t.test('bodies without apiVersion, kind or a schema', async (t) => {
  t.same(await validateSchema({ kind: 'Pod' }), [{ reason: 'FieldValueRequired', field: 'apiVersion', message: 'Required value' }]);
  t.same(await validateSchema({ apiVersion: 'v1' }), [{ reason: 'FieldValueRequired', field: 'kind', message: 'Required value' }]);
  t.same(await validateSchema({ apiVersion: 'v1', kind: 'Widget' }), [
    { reason: 'FieldValueInvalid', field: 'kind', message: 'Invalid value: "Widget": no schema for kind "Widget" in version "v1"' },
  ]);
  t.same(await validateSchema([1]), [{ reason: 'FieldValueTypeInvalid', field: '', message: 'Invalid value: "array": body must be of type object: "array"' }]);
  t.same(await validateSchema(null), [{ reason: 'FieldValueTypeInvalid', field: '', message: 'Invalid value: "null": body must be of type object: "null"' }]);
});

t.test('field paths and JSON types', async (t) => {
  const root = { spec: { containers: [{ env: [{ name: 'A' }] }] }, metadata: { annotations: { 'a/b': 'x', 'c~d': 'y' } } };
  t.equal(fieldPathOf('/spec/containers/0/env/0/name', root), 'spec.containers[0].env[0].name');
  t.equal(fieldPathOf('/metadata/annotations/a~1b', root), 'metadata.annotations[a/b]');
  t.equal(fieldPathOf('/metadata/annotations/c~0d', root), 'metadata.annotations[c~d]');
  t.equal(fieldPathOf('', root), '');
  t.same([jsonType(1), jsonType(1.5), jsonType('s'), jsonType(true), jsonType(null), jsonType([]), jsonType({})], [
    'integer',
    'number',
    'string',
    'boolean',
    'null',
    'array',
    'object',
  ]);
  // Identical errors (reported through two paths of a schema) collapse into one cause.
  const err = { instancePath: '/a', schemaPath: '#/type', keyword: 'type', params: { type: 'string' } };
  t.equal(ajvErrorsToCauses([err, err], { a: 1 }).length, 1);
});
