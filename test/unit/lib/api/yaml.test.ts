import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testdataDir } from '../../../helpers/testdata.js';
import { ManifestParseError, parseManifests, toYaml, toYamlDocuments } from '../../../../lib/api/yaml.js';

/** The compiled test lives in dist/ or .build/<name>/: walk up to the checkout holding the fixtures. */
const manifestsDir = () => testdataDir('manifests');
const fixture = (name: string) => readFileSync(join(manifestsDir(), name), 'utf8');

function parseError(text: string, source?: string): ManifestParseError {
  try {
    parseManifests(text, source);
  } catch (err) {
    if (err instanceof ManifestParseError) return err;
    throw err;
  }
  throw new Error('expected a ManifestParseError');
}

t.test('multi-document file: empty documents skipped, List flattened, JSON document read', async (t) => {
  const objs = parseManifests(fixture('multi.yaml'), 'multi.yaml');
  t.same(
    objs.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`),
    ['v1 Namespace shop', 'v1 ServiceAccount web', 'v1 Secret web-tls', 'rbac.authorization.k8s.io/v1 RoleBinding web-view'],
  );
});

t.test('every fixture parses', async (t) => {
  const expected: Record<string, string[]> = {
    'proddetail-deployment.yaml': ['Deployment'],
    'deployment.yaml': ['Deployment'],
    'statefulset.yaml': ['Service', 'StatefulSet'],
    'service.yaml': ['Service'],
    'pod-probes.yaml': ['Pod'],
    'configmap.yaml': ['ConfigMap'],
    'job.yaml': ['Job'],
    'cronjob.yaml': ['CronJob'],
  };
  for (const [file, kinds] of Object.entries(expected)) {
    t.same(parseManifests(fixture(file), file).map((o) => o.kind), kinds, file);
  }
});

t.test('a manifest indented with tabs is an error that names the file, document and line', async (t) => {
  const err = parseError(fixture('tabs.yaml'), 'tabs.yaml');
  t.equal(err.source, 'tabs.yaml');
  t.equal(err.documentIndex, 1);
  t.equal(err.line, 4, 'line 4 is the first tab-indented line');
  t.match(err.message, /^tabs\.yaml: document 1: line 4, column 1: .*tab.*indent/);
  t.match(err.message, /spaces, not tabs/);
});

t.test('a tab in the second document names that document and its line', async (t) => {
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: b\n';
  const err = parseError(text, 'two.yaml');
  t.equal(err.documentIndex, 2);
  t.equal(err.line, 8);
});

t.test('YAML errors are reported, never thrown as something else', async (t) => {
  const cases: Array<[string, string, RegExp, number | undefined]> = [
    ['unclosed flow', 'apiVersion: v1\nkind: Pod\nmetadata: {name: [a\n', /document 1: line \d+, column \d+/, 1],
    ['unterminated quote', 'apiVersion: v1\nkind: "Pod\n', /document 1: line \d+/, 1],
    ['duplicate key', 'apiVersion: v1\nkind: Pod\nkind: Service\n', /line 3, column 1: Map keys must be unique/, 1],
    ['unknown alias', 'apiVersion: v1\nkind: *x\n', /document 1 \(line 1\): .*alias/i, 1],
    ['scalar document', 'hello\n', /expected an object with apiVersion and kind, found a string/, 1],
    ['list document', '- a\n- b\n', /found a list/, 1],
    ['no kind', 'apiVersion: v1\nmetadata: {name: x}\n', /Object 'Kind' is missing/, 1],
    ['no apiVersion', 'kind: Pod\nmetadata: {name: x}\n', /Object 'apiVersion' is missing/, 1],
    ['metadata not an object', 'apiVersion: v1\nkind: Pod\nmetadata: 3\n', /metadata must be an object/, 1],
    ['List items not a list', 'apiVersion: v1\nkind: List\nitems: 3\n', /items must be a list/, 1],
    ['bad JSON', '{"apiVersion": "v1",\n "kind": }', /<input>: /, undefined],
    ['item without kind', 'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1}\n', /Object 'Kind' is missing/, 1],
  ];
  for (const [name, text, pattern, documentIndex] of cases) {
    const err = parseError(text);
    t.match(err.message, pattern, name);
    if (documentIndex !== undefined) t.equal(err.documentIndex, documentIndex, `${name}: document`);
  }
});

t.test('documents after an invalid one are not silently dropped', async (t) => {
  const err = parseError('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: Pod\n', 'x.yaml');
  t.equal(err.documentIndex, 2);
  t.equal(err.line, 5);
});

t.test('YAML 1.1 scalars as kubectl (go-yaml v2) reads them', async (t) => {
  const [obj] = parseManifests(
    [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: x',
      '  creationTimestamp: 2024-01-02T03:04:05Z',
      'mode: 0644',
      'flag: yes',
      'off: off', // a 1.1 boolean even as a key, as go-yaml reads it
      'time: 12:30',
      'quoted: "0644"',
      'float: 1.5',
      'nothing: ~',
    ].join('\n'),
  );
  t.same(obj, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', creationTimestamp: '2024-01-02T03:04:05Z' },
    mode: 420,
    flag: true,
    false: false,
    time: '12:30',
    quoted: '0644',
    float: 1.5,
    nothing: null,
  });
});

t.test('JSON input, a JSON List, and an empty input', async (t) => {
  t.same(parseManifests('{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}').map((o) => o.metadata.name), ['a']);
  t.same(
    parseManifests('{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}},{"apiVersion":"v1","kind":"PodList","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}]}]}').map(
      (o) => o.kind,
    ),
    ['Namespace', 'Pod'],
  );
  t.same(parseManifests('{\n\t"apiVersion": "v1",\n\t"kind": "Namespace"\n}'), [{ apiVersion: 'v1', kind: 'Namespace', metadata: {} }], 'tabs are fine in JSON');
  t.same(parseManifests(''), []);
  t.same(parseManifests('---\n---\n# nothing\n'), []);
});

t.test('toYaml prints like kubectl -o yaml and round-trips', async (t) => {
  const obj = {
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: { name: 'x', labels: { b: '1', a: 'yes' } },
    data: { mode: '0644', list: 'a', when: '2024-01-02T03:04:05Z', multi: 'line1\nline2\n', at: '12:30' },
    items: [{ name: 'n', port: 80 }],
  };
  const text = toYaml(obj);
  t.equal(
    text,
    [
      'apiVersion: v1',
      'data:',
      '  at: "12:30"',
      '  list: a',
      '  mode: "0644"',
      '  multi: |',
      '    line1',
      '    line2',
      '  when: "2024-01-02T03:04:05Z"',
      'items:',
      '- name: "n"',
      '  port: 80',
      'kind: ConfigMap',
      'metadata:',
      '  labels:',
      '    a: "yes"',
      '    b: "1"',
      '  name: x',
      '',
    ].join('\n'),
  );
  t.same(parseManifests(text), [obj]);
  const two = toYamlDocuments([obj, { ...obj, metadata: { name: 'y' } }]);
  t.same(parseManifests(two).map((o) => o.metadata.name), ['x', 'y']);
});
