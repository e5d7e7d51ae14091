import t from 'tap';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../helpers/testdata.js';
import { RESOURCES, apiVersionOf } from '../../../../lib/api/registry.js';
import { parseManifests } from '../../../../lib/api/yaml.js';
import {
  MAX_STRICT_ERRORS,
  cannotBeHandledMessage,
  fieldTreeSource,
  findDuplicateFields,
  findStrictDecodingErrors,
  findUnknownFields,
  goQuote,
  hasFieldTree,
  strictDecodingMessage,
  strictErrorText,
  type FieldNode,
} from '../../../../lib/api/unknown-fields.js';

const ROOT = repoRoot();
const MANIFESTS = join(ROOT, 'test', 'testdata', 'manifests');

function deployment(spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = { name: 'web' }) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx' }] },
      },
      ...spec,
    },
  };
}

t.test('the valid fixture manifests have no unknown fields', async (t) => {
  // tabs.yaml is the fixture for a YAML syntax error; invalid/ holds semantically invalid objects,
  // which still only use declared fields.
  const files = [
    ...readdirSync(MANIFESTS).filter((f) => f.endsWith('.yaml') && f !== 'tabs.yaml'),
    ...readdirSync(join(MANIFESTS, 'invalid')).map((f) => join('invalid', f)),
  ];
  let checked = 0;
  for (const file of files) {
    if (!statSync(join(MANIFESTS, file)).isFile()) continue;
    for (const obj of parseManifests(readFileSync(join(MANIFESTS, file), 'utf8'), file)) {
      t.ok(hasFieldTree(obj.apiVersion, obj.kind), `${file}: ${obj.kind} is in the field tree`);
      t.same(findUnknownFields(obj), [], `${file}: ${obj.kind} ${obj.metadata?.name}`);
      t.same(findStrictDecodingErrors(JSON.stringify(obj)), [], `${file}: ${obj.kind} as a JSON body`);
      checked++;
    }
  }
  t.ok(checked >= 20, `checked ${checked} objects`);
});

t.test('typos are found with their exact paths', async (t) => {
  const cases: { name: string; obj: unknown; want: string[] }[] = [
    { name: 'top-level spec field', obj: deployment({ replica: 3 }), want: ['spec.replica'] },
    {
      name: 'container field in a pod template',
      obj: deployment({
        template: { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y', imagePullPolice: 'Always' }] } },
      }),
      want: ['spec.template.spec.containers[1].imagePullPolice'],
    },
    { name: 'ObjectMeta of the object', obj: deployment({}, { name: 'web', app: 'web' }), want: ['metadata.app'] },
    {
      name: 'ObjectMeta of a pod template',
      obj: deployment({ template: { metadata: { lables: { app: 'web' } }, spec: { containers: [] } } }),
      want: ['spec.template.metadata.lables'],
    },
    {
      name: 'nested strategy',
      obj: deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnaivailable: 0 } } }),
      want: ['spec.strategy.rollingUpdate.maxUnaivailable'],
    },
    { name: 'field names are case-sensitive', obj: deployment({ Replicas: 3 }), want: ['spec.Replicas'] },
    {
      name: 'an unknown field is not descended into',
      obj: deployment({ extra: { deeper: { still: 1 } } }),
      want: ['spec.extra'],
    },
    {
      name: 'several, in the order of the object',
      obj: { ...deployment({ replica: 1 }), statuss: {}, metadata: { name: 'a', nmae: 'b' } },
      want: ['metadata.nmae', 'spec.replica', 'statuss'],
    },
    {
      name: 'service port list',
      obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, nodeport: 30080 }] } },
      want: ['spec.ports[0].nodeport'],
    },
    {
      name: 'ingress tls list',
      obj: {
        apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i' },
        spec: { tls: [{ hosts: ['a.example'], secretNmae: 'tls' }] },
      },
      want: ['spec.tls[0].secretNmae'],
    },
    {
      name: 'job field put in the pod spec',
      obj: {
        apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' },
        spec: { template: { spec: { backoffLimit: 2, restartPolicy: 'Never', containers: [{ name: 'c', image: 'x' }] } } },
      },
      want: ['spec.template.spec.backoffLimit'],
    },
    {
      name: 'cronjob job template, several levels down',
      obj: {
        apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' },
        spec: {
          schedule: '* * * * *',
          jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'x', env: [{ name: 'A', valu: '1' }] }] } } } },
        },
      },
      want: ['spec.jobTemplate.spec.template.spec.containers[0].env[0].valu'],
    },
    {
      name: 'prototype names are fields like any other',
      obj: JSON.parse('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","constructor":1},"__proto__":{},"toString":2}'),
      want: ['metadata.constructor', '__proto__', 'toString'],
    },
    {
      name: 'ownerReferences and managedFields entries',
      obj: {
        apiVersion: 'v1', kind: 'ConfigMap',
        metadata: { name: 'c', ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u', controler: true }] },
      },
      want: ['metadata.ownerReferences[0].controler'],
    },
  ];
  for (const c of cases) t.same(findUnknownFields(c.obj), c.want, c.name);
});

t.test('free-form and opaque fields are never reported', async (t) => {
  const anything = { nested: { deeper: [1, { x: 'y' }] }, 'odd.key/with-chars': true };
  const cases: { name: string; obj: unknown }[] = [
    {
      name: 'labels, annotations, selectors with any keys',
      obj: deployment(
        { selector: { matchLabels: { 'app.kubernetes.io/name': 'web', anything: 'x' } } },
        { name: 'web', labels: { 'example.com/whatever': 'v', a: 'b' }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
      ),
    },
    {
      name: 'configmap data and binaryData',
      obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'app.properties': 'a=b', x: 'y' }, binaryData: { blob: 'AAEC' } },
    },
    {
      name: 'secret data and stringData',
      obj: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque', data: { password: 'cGFzcw==' }, stringData: { user: 'me' } },
    },
    {
      name: 'IntOrString ports and percentages',
      obj: {
        ...deployment({ strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } } }),
      },
    },
    {
      name: 'service targetPort by name or number',
      obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 'http' }, { port: 81, targetPort: 8081 }] } },
    },
    {
      name: 'Quantity resources, with any resource names',
      obj: deployment({
        template: {
          spec: {
            containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '100m', 'example.com/gpu': 1 }, limits: { memory: '1Gi' } } }],
            volumes: [{ name: 'scratch', emptyDir: { sizeLimit: '1Gi' } }],
          },
        },
      }),
    },
    {
      name: 'RawExtension holds any object',
      obj: { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'r' }, revision: 1, data: anything },
    },
    {
      name: 'managedFields fieldsV1 holds any object',
      obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', managedFields: [{ manager: 'kubectl', fieldsV1: { 'f:data': { '.': {} } } }] } },
    },
    {
      name: 'node capacity and allocatable maps',
      obj: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, status: { capacity: { cpu: '2', pods: '110' }, allocatable: { 'hugepages-2Mi': '0' } } },
    },
  ];
  for (const c of cases) {
    t.same(findUnknownFields(c.obj), [], c.name);
    t.same(findStrictDecodingErrors(JSON.stringify(c.obj)), [], `${c.name} (JSON body)`);
  }
});

t.test('values of the wrong type are skipped, never a crash', async (t) => {
  const cases: { name: string; obj: unknown; want?: string[] }[] = [
    { name: 'spec is a string', obj: { apiVersion: 'apps/v1', kind: 'Deployment', spec: 'x' } },
    { name: 'spec is a list', obj: { apiVersion: 'apps/v1', kind: 'Deployment', spec: [{ replica: 1 }] } },
    { name: 'metadata is null', obj: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: null } },
    { name: 'containers is an object', obj: deployment({ template: { spec: { containers: { imagePullPolice: 'x' } } } }) },
    { name: 'container items of every type', obj: deployment({ template: { spec: { containers: [null, 3, 'x', [], true, { bogus: 1 }] } } }), want: ['spec.template.spec.containers[5].bogus'] },
    { name: 'labels is a list', obj: deployment({}, { name: 'a', labels: [1, 2] }) },
    { name: 'scalar given an object', obj: deployment({ replicas: { replica: 1 } }) },
    { name: 'IntOrString given an object', obj: deployment({ strategy: { rollingUpdate: { maxSurge: { bogus: 1 } } } }) },
    { name: 'top level is a list', obj: [1, 2] },
    { name: 'top level is null', obj: null },
    { name: 'top level is a string', obj: 'apps/v1' },
    { name: 'no kind at all', obj: { spec: { replica: 1 } } },
    { name: 'kind and apiVersion of the wrong type', obj: { apiVersion: 1, kind: ['Deployment'], spec: { replica: 1 } } },
    { name: 'a kind k8ts does not serve', obj: { apiVersion: 'example.com/v1', kind: 'Widget', spec: { anything: 1 } } },
  ];
  for (const c of cases) {
    t.same(findUnknownFields(c.obj), c.want ?? [], c.name);
    t.same(findStrictDecodingErrors(JSON.stringify(c.obj) ?? ''), c.want?.map((path) => ({ type: 'unknown', path })) ?? [], `${c.name} (JSON body)`);
  }
});

t.test('explicit apiVersion and kind win; versions of one kind differ', async (t) => {
  const noKind = { metadata: { name: 'x' }, spec: { replica: 1 } };
  t.same(findUnknownFields(noKind, 'apps/v1', 'Deployment'), ['spec.replica'], 'body without kind, kind from the request');
  t.same(findUnknownFields(deployment({ replica: 1 }), 'apps/v1', 'ReplicaSet'), ['spec.replica'], 'checked as the given kind');
  t.same(findUnknownFields({ spec: { strategy: {} } }, 'apps/v1', 'ReplicaSet'), ['spec.strategy'], 'ReplicaSet has no strategy');

  const hpaV1Fields = { spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3, targetCPUUtilizationPercentage: 50 } };
  const hpaV2Fields = { spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3, metrics: [] } };
  t.same(findUnknownFields(hpaV1Fields, 'autoscaling/v1', 'HorizontalPodAutoscaler'), []);
  t.same(findUnknownFields(hpaV2Fields, 'autoscaling/v1', 'HorizontalPodAutoscaler'), ['spec.metrics']);
  t.same(findUnknownFields(hpaV2Fields, 'autoscaling/v2', 'HorizontalPodAutoscaler'), []);
  t.same(findUnknownFields(hpaV1Fields, 'autoscaling/v2', 'HorizontalPodAutoscaler'), ['spec.targetCPUUtilizationPercentage']);
});

t.test('subresource and meta bodies', async (t) => {
  const cases: { name: string; obj: unknown; want: string[] }[] = [
    { name: 'Scale', obj: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web' }, spec: { replica: 3 } }, want: ['spec.replica'] },
    { name: 'Binding', obj: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' }, target: { kind: 'Node', nam: 'n1' } }, want: ['target.nam'] },
    {
      name: 'Eviction',
      obj: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p' }, deleteOptions: { gracePeriod: 0 } },
      want: ['deleteOptions.gracePeriod'],
    },
    { name: 'DeleteOptions as v1', obj: { apiVersion: 'v1', kind: 'DeleteOptions', propagation: 'Foreground' }, want: ['propagation'] },
    { name: 'DeleteOptions under any group version', obj: { apiVersion: 'apps/v1', kind: 'DeleteOptions', propagationPolicy: 'Orphan', preconditions: { uid: 'u', rv: '1' } }, want: ['preconditions.rv'] },
    { name: 'Status', obj: { apiVersion: 'v1', kind: 'Status', status: 'Failure', details: { causes: [{ field: 'x', reason: 'y', msg: 'z' }] } }, want: ['details.causes[0].msg'] },
  ];
  for (const c of cases) t.same(findUnknownFields(c.obj), c.want, c.name);
});

t.test('options: sorted keys and a limit', async (t) => {
  const obj = { apiVersion: 'v1', kind: 'ConfigMap', zeta: 1, metadata: { name: 'c', b: 1, a: 2 }, alpha: 2 };
  t.same(findUnknownFields(obj), ['zeta', 'metadata.b', 'metadata.a', 'alpha'], 'object order');
  t.same(findUnknownFields(obj, undefined, undefined, { sortKeys: true }), ['alpha', 'metadata.a', 'metadata.b', 'zeta'], 'sorted, as after a Go map');
  t.same(findUnknownFields(obj, undefined, undefined, { limit: 2 }), ['zeta', 'metadata.b']);

  const many: Record<string, unknown> = { apiVersion: 'v1', kind: 'ConfigMap' };
  for (let i = 0; i < 150; i++) many[`f${i}`] = i;
  t.equal(findUnknownFields(many).length, MAX_STRICT_ERRORS, 'capped like the real decoder');
  t.equal(findStrictDecodingErrors(JSON.stringify(many)).length, MAX_STRICT_ERRORS);
});

// The expected messages below are the ones Kubernetes' own integration test
// (test/integration/apiserver/field_validation_test.go) asserts for the same kinds of bodies.
t.test('a JSON create body: unknown and duplicate fields in document order, as the real decoder reports them', async (t) => {
  const body = `{
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "first", "name": "second", "labels": {"app": "nginx"}, "unknownMeta": "x"},
    "spec": {
      "unknown1": "a",
      "unknownDupe": "b",
      "unknownDupe": "c",
      "paused": true,
      "paused": false,
      "selector": {"matchLabels": {"app": "nginx"}},
      "template": {
        "metadata": {"labels": {"app": "nginx"}},
        "spec": {"containers": [{"name": "nginx", "image": "nginx", "unknownNested": "v", "imagePullPolicy": "Always", "imagePullPolicy": "Never"}]}
      }
    }
  }`;
  const errors = findStrictDecodingErrors(body);
  t.equal(
    strictDecodingMessage(errors),
    'strict decoding error: duplicate field "metadata.name", unknown field "metadata.unknownMeta", ' +
      'unknown field "spec.unknown1", unknown field "spec.unknownDupe", duplicate field "spec.paused", ' +
      'unknown field "spec.template.spec.containers[0].unknownNested", ' +
      'duplicate field "spec.template.spec.containers[0].imagePullPolicy"',
  );
  t.same(errors.map(strictErrorText).slice(0, 2), ['duplicate field "metadata.name"', 'unknown field "metadata.unknownMeta"'], 'one warning text each');
  t.equal(
    cannotBeHandledMessage(JSON.parse(body), { apiVersion: 'apps/v1', kind: 'Deployment' }, strictDecodingMessage(['spec.replica'])),
    'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"',
  );
});

t.test('a merge or strategic-merge patch: duplicates of the body first, then unknown fields of the patched object, sorted', async (t) => {
  const patch = `{
    "spec": {
      "unknown1": "val1",
      "unknownDupe": "valDupe",
      "unknownDupe": "valDupe2",
      "paused": true,
      "paused": false,
      "template": {"spec": {"containers": [{"name": "nginx", "unknownNested": "val1", "imagePullPolicy": "Always", "imagePullPolicy": "Never"}]}}
    }
  }`;
  const duplicates = findDuplicateFields(patch);
  t.same(duplicates, ['spec.unknownDupe', 'spec.paused', 'spec.template.spec.containers[0].imagePullPolicy'], 'no schema: every repeated key');
  // A shallow stand-in for the patched object: the patch's spec over a valid Deployment.
  const patched = deployment(JSON.parse(patch).spec);
  const unknown = findUnknownFields(patched, undefined, undefined, { sortKeys: true });
  t.equal(
    strictDecodingMessage([...duplicates.map((path) => ({ type: 'duplicate' as const, path })), ...unknown]),
    'strict decoding error: duplicate field "spec.unknownDupe", duplicate field "spec.paused", ' +
      'duplicate field "spec.template.spec.containers[0].imagePullPolicy", ' +
      'unknown field "spec.template.spec.containers[0].unknownNested", unknown field "spec.unknown1", unknown field "spec.unknownDupe"',
  );
});

t.test('duplicates: maps and free-form objects checked, opaque values and unknown fields not', async (t) => {
  const body = (metadata: string, rest = '') =>
    `{"apiVersion":"apps/v1","kind":"ControllerRevision","metadata":${metadata},"revision":1${rest}}`;
  t.same(findStrictDecodingErrors(body('{"name":"r","labels":{"a":"1","a":"2"}}')), [{ type: 'duplicate', path: 'metadata.labels.a' }], 'map keys');
  t.same(findStrictDecodingErrors(body('{"name":"r"}', ',"data":{"x":1,"x":2}')), [], 'inside a RawExtension');
  t.same(findStrictDecodingErrors(body('{"name":"r"}', ',"bogus":{"x":1,"x":2}')), [{ type: 'unknown', path: 'bogus' }], 'inside an unknown field');
  t.same(findStrictDecodingErrors(body('{"name":"r"}', ',"revision":2')), [{ type: 'duplicate', path: 'revision' }], 'at the top level');
  t.same(findStrictDecodingErrors(body('{"name":"r"}', ',"bogus":1,"bogus":2')), [{ type: 'unknown', path: 'bogus' }], 'an unknown field twice is reported once');
  t.same(findDuplicateFields('[{"a":1,"a":2},{"b":{"c":[{"d":1,"d":1}]}}]'), ['[0].a', '[1].b.c[0].d'], 'schema-less paths from a list at the top');
  t.same(findDuplicateFields('{"k\\"ey":1,"k\\u0022ey":2}'), ['k"ey'], 'escaped keys compare decoded');
  t.same(findStrictDecodingErrors('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}}', 'v1', 'Secret'), [], 'Secret has data too');
  t.same(findStrictDecodingErrors('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"binaryData":{}}', 'v1', 'Secret'), [{ type: 'unknown', path: 'binaryData' }], 'explicit kind wins');
});

t.test('malformed and hostile JSON gives no errors and no crash', async (t) => {
  for (const text of ['', '{', '{"apiVersion":"v1","kind":"ConfigMap",}', 'nul', '{"a":1}}', '[', '"x"', '12', 'null', '{"apiVersion":"v1","kind":"ConfigMap"} x']) {
    t.same(findStrictDecodingErrors(text), [], `strict: ${JSON.stringify(text)}`);
    t.same(findDuplicateFields(text), [], `duplicates: ${JSON.stringify(text)}`);
  }
  const deep = '['.repeat(50_000) + ']'.repeat(50_000);
  t.same(findStrictDecodingErrors(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"extra":${deep}}`), [{ type: 'unknown', path: 'extra' }], 'deep unknown value');
  t.same(findStrictDecodingErrors(`{"apiVersion":"apps/v1","kind":"ControllerRevision","revision":1,"data":${deep}}`), [], 'deep opaque value');
  t.same(findDuplicateFields(deep), [], 'deep schema-less document');
  const deepObjects = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
  t.same(findDuplicateFields(deepObjects), [], 'deep objects');
  t.same(findStrictDecodingErrors('{"apiVersion":"v1","kind":"ConfigMap","n":123456789012345678901234567890e400,"s":"\\u00e9\\n"}'), [{ type: 'unknown', path: 'n' }, { type: 'unknown', path: 's' }], 'long numbers and escapes');
});

t.test('messages quote paths as Go does', async (t) => {
  const cases: [string, string][] = [
    ['spec.replica', '"spec.replica"'],
    ['a"b', '"a\\"b"'],
    ['a\\b', '"a\\\\b"'],
    ['line\nbreak\ttab', '"line\\nbreak\\ttab"'],
    ['\u0001\u007f', '"\\x01\\x7f"'],
    ['é日本', '"é日本"'],
    ['\u200b', '"\\u200b"'],
    ['\u{1F600}', '"\u{1F600}"'],
    ['\u{E0001}', '"\\U000e0001"'],
  ];
  for (const [input, want] of cases) t.equal(goQuote(input), want, JSON.stringify(input));
  t.equal(strictDecodingMessage(['a', { type: 'duplicate', path: 'b' }]), 'strict decoding error: unknown field "a", duplicate field "b"');
  t.equal(
    cannotBeHandledMessage({}, { apiVersion: 'v1', kind: 'Pod' }, 'x'),
    'Pod in version "v1" cannot be handled as a Pod: x',
    'kind and version default to the target',
  );
  t.equal(
    cannotBeHandledMessage({ apiVersion: 'apps/v1beta1', kind: 'Deployment' }, { apiVersion: 'apps/v1', kind: 'Deployment' }, 'x'),
    'Deployment in version "v1beta1" cannot be handled as a Deployment: x',
  );
});

t.test('the field tree covers every served resource and is consistent', async (t) => {
  for (const r of RESOURCES) t.ok(hasFieldTree(apiVersionOf(r), r.kind), `${apiVersionOf(r)} ${r.kind}`);
  t.notOk(hasFieldTree('v1', 'Widget'));
  t.notOk(hasFieldTree('v1', 'constructor'), 'no prototype lookups');
  t.match(fieldTreeSource(), /^kubernetes-types@1\.30\./);

  const text = readFileSync(join(ROOT, 'lib', 'api', 'field-tree.json'), 'utf8');
  t.ok(Buffer.byteLength(text) < 300_000, `field-tree.json is ${Buffer.byteLength(text)} bytes`);
  const tree = JSON.parse(text) as { roots: Record<string, string>; anyVersionRoots: Record<string, string>; types: Record<string, Record<string, FieldNode>> };
  const dangling: string[] = [];
  const check = (node: FieldNode, where: string) => {
    if (typeof node === 'string') {
      if (node !== 'scalar' && node !== 'any' && !Object.hasOwn(tree.types, node)) dangling.push(`${where} -> ${node}`);
    } else if ('list' in node) check(node.list, where);
    else check(node.map, where);
  };
  for (const [k, v] of Object.entries({ ...tree.roots, ...tree.anyVersionRoots })) check(v, k);
  for (const [name, fields] of Object.entries(tree.types)) for (const [f, node] of Object.entries(fields)) check(node, `${name}.${f}`);
  t.same(dangling, [], 'every type reference resolves');
  t.same(tree.types['core/v1.Container']?.['ports'], { list: 'core/v1.ContainerPort' });
  t.same(tree.types['meta/v1.ObjectMeta']?.['labels'], { map: 'scalar' });
  t.same(tree.types['core/v1.ResourceRequirements']?.['limits'], { map: 'any' });
  t.same(tree.types['core/v1.ServicePort']?.['targetPort'], 'any');
});

t.test('the committed field tree is what the generator produces from kubernetes-types', async (t) => {
  const out = execFileSync(process.execPath, [join(ROOT, 'scripts', 'gen-field-tree.mjs'), '--check'], { encoding: 'utf8' });
  t.match(out, /is up to date/);
});
