import t from 'tap';
import {
  convertFieldSelector,
  escapeFieldValue,
  everythingFields,
  fieldLabelError,
  fieldSelectorFromSet,
  fieldSelectorToString,
  FieldSelectorError,
  fieldSetFor,
  isEmptyFieldSelector,
  matchesFields,
  nothingFields,
  parseFieldSelector,
  requiresExactFieldMatch,
  supportedFieldsFor,
  unescapeFieldValue,
} from '../../../../lib/api/fields.js';

// [input, canonical text, requirements as field/operator/value]
const GOOD: Array<[string, string, Array<[string, string, string]>]> = [
  ['', '', []],
  ['a=b', 'a=b', [['a', '=', 'b']]],
  ['a==b', 'a=b', [['a', '==', 'b']]],
  ['a!=b', 'a!=b', [['a', '!=', 'b']]],
  ['b=1,a=2', 'a=2,b=1', [['a', '=', '2'], ['b', '=', '1']]],
  ['a=b,,c=d', 'a=b,c=d', [['a', '=', 'b'], ['c', '=', 'd']]],
  ['metadata.name=foo,status.phase!=Running', 'metadata.name=foo,status.phase!=Running', [['metadata.name', '=', 'foo'], ['status.phase', '!=', 'Running']]],
  ['a=b\\,c', 'a=b\\,c', [['a', '=', 'b,c']]],
  ['a=b\\=c', 'a=b\\=c', [['a', '=', 'b=c']]],
  ['a=b\\\\c', 'a=b\\\\c', [['a', '=', 'b\\c']]],
  ['a=', 'a=', [['a', '=', '']]],
  ['spec.nodeName!=', 'spec.nodeName!=', [['spec.nodeName', '!=', '']]],
  ['=', '', []],
  ['a=!b', 'a=!b', [['a', '=', '!b']]],
  ['=x', '=x', [['', '=', 'x']]],
  ['a b=c d', 'a b=c d', [['a b', '=', 'c d']]],
  ['x=ü,w=é', 'w=é,x=ü', [['w', '=', 'é'], ['x', '=', 'ü']]],
];

t.test('parses field selectors, sorted by term, and prints them back', async (t) => {
  for (const [input, canonical, requirements] of GOOD) {
    const sel = parseFieldSelector(input);
    t.same(
      sel.requirements.map((r) => [r.field, r.operator, r.value]),
      requirements,
      JSON.stringify(input),
    );
    t.equal(fieldSelectorToString(sel), canonical, JSON.stringify(input));
    t.equal(fieldSelectorToString(parseFieldSelector(canonical)), canonical, `round trip ${JSON.stringify(canonical)}`);
  }
  t.ok(isEmptyFieldSelector(parseFieldSelector('')));
  t.ok(isEmptyFieldSelector(parseFieldSelector(',,')));
  t.notOk(isEmptyFieldSelector(parseFieldSelector('a=b')));
});

// [input, Kubernetes' message]
const BAD: Array<[string, string]> = [
  ['a', "invalid selector: 'a'; can't understand 'a'"],
  ['a=b,c', "invalid selector: 'a=b,c'; can't understand 'c'"],
  ['a<b', "invalid selector: 'a<b'; can't understand 'a<b'"],
  ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
  ['a===b', 'invalid field selector: unescaped character in value: 61'],
  ['x=a,b=c,d=e=f', 'invalid field selector: unescaped character in value: 61'],
  ['a=\\!', 'invalid field selector: invalid escape sequence: \\!'],
  ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
  ['a=\\n', 'invalid field selector: invalid escape sequence: \\n'],
];

t.test('rejects malformed field selectors with Kubernetes messages', async (t) => {
  for (const [input, message] of BAD) {
    t.throws(() => parseFieldSelector(input), { name: 'FieldSelectorError', message }, JSON.stringify(input));
  }
});

t.test('escaping round-trips any value', async (t) => {
  for (const value of ['', 'plain', 'a,b', 'a=b', 'back\\slash', ',=\\', 'x!=y']) {
    t.equal(unescapeFieldValue(escapeFieldValue(value)), value, JSON.stringify(value));
    const sel = parseFieldSelector(`f=${escapeFieldValue(value)}`);
    t.equal(sel.requirements[0]?.value ?? '', value);
  }
});

// [selector, fields, matches]
const MATCH: Array<[string, Record<string, string>, boolean]> = [
  ['a=x', { a: 'x' }, true],
  ['a=x', { a: 'y' }, false],
  ['a=x', {}, false],
  ['a==x', { a: 'x' }, true],
  ['a!=x', {}, true],
  ['a!=x', { a: 'x' }, false],
  ['a!=x', { a: 'y' }, true],
  ['a=', {}, true],
  ['a=', { a: '' }, true],
  ['a=', { a: 'x' }, false],
  ['a=x,b!=y', { a: 'x', b: 'z' }, true],
  ['a=x,b!=y', { a: 'x', b: 'y' }, false],
  ['', {}, true],
  ['toString=', {}, true],
];

t.test('matching treats an absent field as the empty string', async (t) => {
  for (const [selector, fields, expected] of MATCH) {
    t.equal(matchesFields(parseFieldSelector(selector), fields), expected, `${selector} on ${JSON.stringify(fields)}`);
  }
  t.equal(matchesFields(nothingFields(), {}), false);
  t.equal(matchesFields(everythingFields(), { a: 'b' }), true);
  t.ok(matchesFields(fieldSelectorFromSet({ a: 'x', b: 'y' }), { a: 'x', b: 'y' }));
  t.ok(isEmptyFieldSelector(fieldSelectorFromSet(null)));
  t.equal(requiresExactFieldMatch(parseFieldSelector('spec.nodeName=n1,status.phase!=Failed'), 'spec.nodeName'), 'n1');
  t.equal(requiresExactFieldMatch(parseFieldSelector('spec.nodeName!=n1'), 'spec.nodeName'), undefined);
});

const pod = {
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'prod' },
  spec: { nodeName: 'node-a', restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'default', hostNetwork: true },
  status: { phase: 'Running', podIP: '10.0.0.9', podIPs: [{ ip: '10.0.0.9' }, { ip: 'fd00::9' }], nominatedNodeName: 'node-b' },
};

t.test('fieldSetFor extracts the selectable fields of each kind', async (t) => {
  t.same(fieldSetFor(pod), {
    'metadata.name': 'web-1',
    'metadata.namespace': 'prod',
    'spec.nodeName': 'node-a',
    'spec.restartPolicy': 'Always',
    'spec.schedulerName': 'default-scheduler',
    'spec.serviceAccountName': 'default',
    'spec.hostNetwork': 'true',
    'status.phase': 'Running',
    'status.podIP': '10.0.0.9',
    'status.nominatedNodeName': 'node-b',
  });
  const bare = fieldSetFor({ kind: 'Pod', metadata: { name: 'p' } });
  t.equal(bare['spec.nodeName'], '');
  t.equal(bare['spec.hostNetwork'], 'false');
  t.equal(bare['status.podIP'], '');

  t.same(
    fieldSetFor({
      kind: 'Event',
      metadata: { name: 'e1', namespace: 'prod' },
      involvedObject: { kind: 'Pod', namespace: 'prod', name: 'web-1', uid: 'u1', apiVersion: 'v1', resourceVersion: '7', fieldPath: 'spec.containers{app}' },
      reason: 'Started',
      reportingComponent: 'kubelet',
      type: 'Normal',
    }),
    {
      'metadata.name': 'e1',
      'metadata.namespace': 'prod',
      'involvedObject.kind': 'Pod',
      'involvedObject.namespace': 'prod',
      'involvedObject.name': 'web-1',
      'involvedObject.uid': 'u1',
      'involvedObject.apiVersion': 'v1',
      'involvedObject.resourceVersion': '7',
      'involvedObject.fieldPath': 'spec.containers{app}',
      reason: 'Started',
      reportingComponent: 'kubelet',
      source: 'kubelet', // source.component is empty, so the reporting component stands in
      type: 'Normal',
    },
  );
  t.equal(fieldSetFor({ kind: 'Event', source: { component: 'scheduler' }, reportingComponent: 'x' })['source'], 'scheduler');

  // [object, field, expected value]
  const rows: Array<[object, string, string]> = [
    [{ kind: 'Secret', type: 'kubernetes.io/tls' }, 'type', 'kubernetes.io/tls'],
    [{ kind: 'Namespace', status: { phase: 'Terminating' } }, 'status.phase', 'Terminating'],
    [{ kind: 'Node', spec: { unschedulable: true } }, 'spec.unschedulable', 'true'],
    [{ kind: 'Node', spec: {} }, 'spec.unschedulable', 'false'],
    [{ kind: 'ReplicaSet', status: { replicas: 3 } }, 'status.replicas', '3'],
    [{ kind: 'ReplicationController', status: {} }, 'status.replicas', '0'],
    [{ kind: 'Job', status: { succeeded: 2 } }, 'status.successful', '2'],
    [{ kind: 'Service', spec: { clusterIP: '10.96.0.1', type: 'ClusterIP' } }, 'spec.clusterIP', '10.96.0.1'],
    [{ kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'ns' } }, 'metadata.namespace', 'ns'],
  ];
  for (const [obj, field, expected] of rows) t.equal(fieldSetFor(obj)[field], expected, `${(obj as { kind: string }).kind} ${field}`);
  t.same(Object.keys(fieldSetFor({ kind: 'ConfigMap' })), ['metadata.name', 'metadata.namespace']);
  t.same(fieldSetFor({ metadata: { name: 'x' } }, 'Node')['spec.unschedulable'], 'false');
  // Garbage never crashes.
  for (const junk of [null, undefined, 42, 'pod', [], { kind: 'Pod', spec: 'x', status: [1] }]) {
    t.equal(fieldSetFor(junk)['metadata.name'], '');
  }
});

t.test('selectors match objects through their field sets', async (t) => {
  const fields = fieldSetFor(pod);
  t.ok(matchesFields(parseFieldSelector('spec.nodeName=node-a,status.phase!=Failed'), fields));
  t.notOk(matchesFields(parseFieldSelector('spec.nodeName=node-b'), fields));
  t.ok(matchesFields(parseFieldSelector('metadata.namespace!=default'), fields));
});

t.test('supported field labels and the rejection messages per kind', async (t) => {
  t.ok(supportedFieldsFor('Pod').includes('spec.nodeName'));
  t.same(supportedFieldsFor('ConfigMap'), ['metadata.name', 'metadata.namespace']);
  t.same(supportedFieldsFor('Node'), ['metadata.name', 'spec.unschedulable']);
  // [kind, label, message or undefined when supported]
  const rows: Array<[string, string, string | undefined]> = [
    ['Pod', 'status.phase', undefined],
    ['Pod', 'spec.host', undefined],
    ['Pod', 'foo', 'field label not supported: foo'],
    ['Node', 'metadata.namespace', 'field label not supported: metadata.namespace'],
    ['Namespace', 'status.phase', undefined],
    ['Secret', 'type', undefined],
    ['Event', 'involvedObject.name', undefined],
    ['ReplicationController', 'status.replicas', undefined],
    ['Job', 'status.successful', undefined],
    ['Job', 'status.active', 'field label "status.active" not supported for batchv1.Job'],
    ['ConfigMap', 'foo.bar', '"foo.bar" is not a known field selector: only "metadata.name", "metadata.namespace"'],
    // apps/v1 registers no conversion for ReplicaSet, so only metadata fields are accepted.
    ['ReplicaSet', 'status.replicas', '"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"'],
    ['Deployment', 'metadata.name', undefined],
  ];
  for (const [kind, label, message] of rows) t.equal(fieldLabelError(kind, label), message, `${kind} ${label}`);
});

t.test('convertFieldSelector renames legacy labels and rejects unsupported ones', async (t) => {
  t.equal(fieldSelectorToString(convertFieldSelector('Pod', parseFieldSelector('spec.host=n1'))), 'spec.nodeName=n1');
  t.equal(fieldSelectorToString(convertFieldSelector('Pod', parseFieldSelector('status.phase=Running'))), 'status.phase=Running');
  t.throws(() => convertFieldSelector('Pod', parseFieldSelector('status.phase=Running,foo=bar')), {
    name: 'FieldSelectorError',
    message: 'field label not supported: foo',
  });
  t.throws(() => convertFieldSelector('Ingress', parseFieldSelector('foo.bar=baz')), {
    name: 'FieldSelectorError',
    message: '"foo.bar" is not a known field selector: only "metadata.name", "metadata.namespace"',
  });
  t.type(new FieldSelectorError('x'), Error);
  t.equal(convertFieldSelector('Ingress', everythingFields()), everythingFields());
});
