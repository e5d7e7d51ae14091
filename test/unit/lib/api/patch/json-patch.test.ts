import t from 'tap';
import {
  applyJsonPatch,
  applyPatchOfType,
  GENERIC_INVALID_PATCH_MESSAGE,
  PatchError,
  type JsonValue,
} from '../../../../../lib/api/patch/index.js';

// Expected results and messages are what the apiserver's JSON patch library (evanphx/json-patch
// v4.12, via `kubectl patch --local --type=json`) produces for the same document and patch.
const POD = {
  metadata: { name: 'p', labels: { a: 'b' }, finalizers: ['fx', 'fy'] },
  spec: {
    containers: [
      { name: 'a', image: 'i' },
      { name: 'b', image: 'i' },
      { name: 'c', image: 'i' },
    ],
  },
};

function names(doc: JsonValue): string[] {
  return ((doc as typeof POD).spec.containers as Array<{ name: string }>).map((c) => c.name);
}

type Check = (doc: JsonValue) => unknown;
const GOOD: Array<[string, unknown, Check, unknown]> = [
  ['add a label', [{ op: 'add', path: '/metadata/labels/x', value: '1' }], (d) => (d as typeof POD).metadata.labels, { a: 'b', x: '1' }],
  ['add replaces an existing member', [{ op: 'add', path: '/metadata/labels/a', value: 'z' }], (d) => (d as typeof POD).metadata.labels, { a: 'z' }],
  ['add with "-" appends', [{ op: 'add', path: '/spec/containers/-', value: { name: 'd' } }], names, ['a', 'b', 'c', 'd']],
  ['add at index inserts', [{ op: 'add', path: '/spec/containers/1', value: { name: 'm' } }], names, ['a', 'm', 'b', 'c']],
  ['add at length appends', [{ op: 'add', path: '/spec/containers/3', value: { name: 'e' } }], names, ['a', 'b', 'c', 'e']],
  ['add at -1 appends (negative counts from the new end)', [{ op: 'add', path: '/spec/containers/-1', value: { name: 'n' } }], names, ['a', 'b', 'c', 'n']],
  ['add index with leading zero', [{ op: 'add', path: '/spec/containers/01', value: { name: 'z' } }], names, ['a', 'z', 'b', 'c']],
  ['add index with plus sign', [{ op: 'add', path: '/spec/containers/+1', value: { name: 'p' } }], names, ['a', 'p', 'b', 'c']],
  ['add without value stores null', [{ op: 'add', path: '/metadata/labels/q' }], (d) => (d as typeof POD).metadata.labels, { a: 'b', q: null }],
  ['~1 unescapes to /', [{ op: 'add', path: '/metadata/labels/app.kubernetes.io~1name', value: 'web' }], (d) => (d as typeof POD).metadata.labels, { a: 'b', 'app.kubernetes.io/name': 'web' }],
  ['~0 unescapes to ~', [{ op: 'add', path: '/metadata/labels/t~0', value: 'w' }], (d) => (d as typeof POD).metadata.labels, { a: 'b', 't~': 'w' }],
  ['~01 is ~1, not /', [{ op: 'add', path: '/metadata/labels/~01', value: 'e' }], (d) => (d as typeof POD).metadata.labels, { a: 'b', '~1': 'e' }],
  ['empty token is the empty key', [{ op: 'add', path: '/metadata/labels/', value: 'e' }], (d) => (d as typeof POD).metadata.labels, { a: 'b', '': 'e' }],
  ['remove a member', [{ op: 'remove', path: '/metadata/labels/a' }], (d) => (d as typeof POD).metadata.labels, {}],
  ['remove an element', [{ op: 'remove', path: '/spec/containers/1' }], names, ['a', 'c']],
  ['remove at -1 removes the last', [{ op: 'remove', path: '/spec/containers/-1' }], names, ['a', 'b']],
  ['remove with leading zero', [{ op: 'remove', path: '/metadata/finalizers/01' }], (d) => (d as typeof POD).metadata.finalizers, ['fx']],
  ['replace an element', [{ op: 'replace', path: '/spec/containers/0/image', value: 'nginx' }], (d) => (d as typeof POD).spec.containers[0], { name: 'a', image: 'nginx' }],
  ['replace at -1', [{ op: 'replace', path: '/spec/containers/-1', value: { name: 'r' } }], names, ['a', 'b', 'r']],
  ['replace a missing member adds it (apiserver leniency)', [{ op: 'replace', path: '/metadata/foo', value: 1 }], (d) => (d as { metadata: { foo?: number } }).metadata.foo, 1],
  ['replace with null', [{ op: 'replace', path: '/metadata/finalizers', value: null }], (d) => (d as { metadata: { finalizers: null } }).metadata.finalizers, null],
  ['move an element to the end', [{ op: 'move', from: '/spec/containers/0', path: '/spec/containers/-' }], names, ['b', 'c', 'a']],
  ['move an element to the front', [{ op: 'move', from: '/spec/containers/2', path: '/spec/containers/0' }], names, ['c', 'a', 'b']],
  ['move a member', [{ op: 'move', from: '/metadata/labels', path: '/metadata/annotations' }], (d) => (d as { metadata: object }).metadata, { name: 'p', finalizers: ['fx', 'fy'], annotations: { a: 'b' } }],
  ['copy a member', [{ op: 'copy', from: '/metadata/labels', path: '/metadata/annotations' }], (d) => (d as { metadata: { annotations: object } }).metadata.annotations, { a: 'b' }],
  ['copy an element', [{ op: 'copy', from: '/spec/containers/0', path: '/spec/containers/-' }], names, ['a', 'b', 'c', 'a']],
  ['copy from a missing member copies null', [{ op: 'copy', from: '/metadata/nope', path: '/metadata/annotations' }], (d) => (d as { metadata: { annotations: null } }).metadata.annotations, null],
  ['test passes on an equal object', [{ op: 'test', path: '/metadata/labels', value: { a: 'b' } }], names, ['a', 'b', 'c']],
  ['test compares arrays in order', [{ op: 'test', path: '/metadata/finalizers', value: ['fx', 'fy'] }], names, ['a', 'b', 'c']],
  ['test with -1', [{ op: 'test', path: '/spec/containers/-1', value: { name: 'c', image: 'i' } }], names, ['a', 'b', 'c']],
  ['test null against a missing member passes', [{ op: 'test', path: '/metadata/foo', value: null }], names, ['a', 'b', 'c']],
  ['extra operation members are ignored', [{ op: 'add', path: '/metadata/labels/x', value: '1', extra: true, from: '/nowhere' }], (d) => (d as typeof POD).metadata.labels, { a: 'b', x: '1' }],
  ['empty patch is the identity', [], (d) => d, POD],
  [
    'rollout undo style: test resourceVersion then replace template and annotations',
    [
      { op: 'replace', path: '/spec/containers', value: [{ name: 'old', image: 'nginx:1.27' }] },
      { op: 'replace', path: '/metadata/labels', value: { 'pod-template-hash': 'abc' } },
    ],
    (d) => [names(d), (d as typeof POD).metadata.labels],
    [['old'], { 'pod-template-hash': 'abc' }],
  ],
  [
    'operations see the effects of earlier ones',
    [
      { op: 'add', path: '/metadata/annotations', value: {} },
      { op: 'add', path: '/metadata/annotations/k', value: 'v' },
      { op: 'test', path: '/metadata/annotations/k', value: 'v' },
      { op: 'move', from: '/metadata/annotations/k', path: '/metadata/labels/k' },
    ],
    (d) => [(d as { metadata: object }).metadata],
    [{ name: 'p', labels: { a: 'b', k: 'v' }, finalizers: ['fx', 'fy'], annotations: {} }],
  ],
];

t.test('operations that apply', async (t) => {
  for (const [name, ops, pick, want] of GOOD) {
    t.strictSame(pick(applyJsonPatch(POD, ops)), want, name);
  }
});

// [name, ops, reason, message]
const BAD: Array<[string, unknown, string, string]> = [
  ['not an array', { op: 'add' }, 'BadRequest', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch'],
  ['null document', null, 'BadRequest', 'json: cannot unmarshal null into Go value of type jsonpatch.Patch'],
  ['an element is not an object', [1], 'BadRequest', 'json: cannot unmarshal number into Go value of type jsonpatch.Operation'],
  ['unknown op', [{ op: 'bogus', path: '/x' }], 'Invalid', 'Unexpected kind: bogus'],
  ['op not a string', [{ op: 7, path: '/x' }], 'Invalid', 'Unexpected kind: unknown'],
  ['missing op', [{ path: '/x' }], 'Invalid', 'Unexpected kind: unknown'],
  ['path not a string', [{ op: 'add', path: 5, value: 1 }], 'Invalid', 'add operation failed to decode path: missing value'],
  ['missing path', [{ op: 'remove' }], 'Invalid', 'remove operation failed to decode path: missing value'],
  ['missing from', [{ op: 'copy', path: '/a' }], 'Invalid', 'copy operation failed to decode from: missing value'],
  ['add under a missing parent', [{ op: 'add', path: '/a/b', value: 1 }], 'Invalid', 'add operation does not apply: doc is missing path: "/a/b": missing value'],
  ['the root is not addressable', [{ op: 'add', path: '', value: {} }], 'Invalid', 'add operation does not apply: doc is missing path: "": missing value'],
  ['pointer without leading slash', [{ op: 'add', path: 'metadata/x', value: 1 }], 'Invalid', 'add operation does not apply: doc is missing path: "metadata/x": missing value'],
  ['add past the end', [{ op: 'add', path: '/spec/containers/4', value: {} }], 'Invalid', "error in add for path: '/spec/containers/4': Unable to access invalid index: 4: invalid index referenced"],
  ['add before the start', [{ op: 'add', path: '/spec/containers/-5', value: {} }], 'Invalid', "error in add for path: '/spec/containers/-5': Unable to access invalid index: -5: invalid index referenced"],
  ['huge index', [{ op: 'add', path: '/spec/containers/99999999999999999999', value: 1 }], 'Invalid', "error in add for path: '/spec/containers/99999999999999999999': value was not a proper array index: '99999999999999999999': strconv.Atoi: parsing \"99999999999999999999\": value out of range"],
  ['non-numeric index', [{ op: 'add', path: '/spec/containers/x', value: 1 }], 'Invalid', "error in add for path: '/spec/containers/x': value was not a proper array index: 'x': strconv.Atoi: parsing \"x\": invalid syntax"],
  ['"-" inside a path', [{ op: 'add', path: '/spec/containers/-/x', value: 1 }], 'Invalid', 'add operation does not apply: doc is missing path: "/spec/containers/-/x": missing value'],
  ['through a scalar', [{ op: 'add', path: '/spec/containers/0/name/x', value: 1 }], 'Invalid', 'add operation does not apply: doc is missing path: "/spec/containers/0/name/x": missing value'],
  ['remove a missing member', [{ op: 'remove', path: '/metadata/nope' }], 'Invalid', "error in remove for path: '/metadata/nope': Unable to remove nonexistent key: nope: missing value"],
  ['remove past the end', [{ op: 'remove', path: '/spec/containers/3' }], 'Invalid', "error in remove for path: '/spec/containers/3': Unable to access invalid index: 3: invalid index referenced"],
  ['remove too negative', [{ op: 'remove', path: '/spec/containers/-4' }], 'Invalid', "error in remove for path: '/spec/containers/-4': Unable to access invalid index: -4: invalid index referenced"],
  ['remove "-"', [{ op: 'remove', path: '/spec/containers/-' }], 'Invalid', "error in remove for path: '/spec/containers/-': strconv.Atoi: parsing \"-\": invalid syntax"],
  ['replace past the end', [{ op: 'replace', path: '/spec/containers/5', value: 1 }], 'Invalid', 'replace operation does not apply: doc is missing key: /spec/containers/5: missing value'],
  ['move from a missing member', [{ op: 'move', from: '/metadata/nope', path: '/metadata/x' }], 'Invalid', "error in move for path: 'nope': Unable to remove nonexistent key: nope: missing value"],
  ['move into its own child', [{ op: 'move', from: '/metadata/labels', path: '/metadata/labels/x' }], 'Invalid', 'move operation does not apply: doc is missing destination path: /metadata/labels/x: missing value'],
  ['move past the end', [{ op: 'move', from: '/spec/containers/0', path: '/spec/containers/3' }], 'Invalid', "error in move for path: '/spec/containers/3': Unable to access invalid index: 3: invalid index referenced"],
  ['test fails on a different value', [{ op: 'test', path: '/metadata/labels', value: { a: 'c' } }], 'Invalid', 'testing value /metadata/labels failed: test failed'],
  ['test fails on an extra null member', [{ op: 'test', path: '/metadata/labels', value: { a: 'b', x: null } }], 'Invalid', 'testing value /metadata/labels failed: test failed'],
  ['test fails on array order', [{ op: 'test', path: '/metadata/finalizers', value: ['fy', 'fx'] }], 'Invalid', 'testing value /metadata/finalizers failed: test failed'],
  ['test without value compares with null', [{ op: 'test', path: '/metadata/name' }], 'Invalid', 'testing value /metadata/name failed: test failed'],
  ['test fails on type', [{ op: 'test', path: '/metadata/name', value: ['p'] }], 'Invalid', 'testing value /metadata/name failed: test failed'],
  ['a later failure aborts the whole patch', [{ op: 'add', path: '/metadata/labels/x', value: '1' }, { op: 'test', path: '/metadata/labels/x', value: '2' }], 'Invalid', 'testing value /metadata/labels/x failed: test failed'],
];

t.test('operations that fail', async (t) => {
  for (const [name, ops, reason, message] of BAD) {
    t.throws(() => applyJsonPatch(POD, ops), { name: 'PatchError', reason, message }, name);
  }
});

t.test('errors carry the status the apiserver answers', async (t) => {
  const catchIt = (fn: () => unknown): PatchError => {
    try {
      fn();
    } catch (err) {
      if (err instanceof PatchError) return err;
      throw err;
    }
    throw new Error('did not throw');
  };
  const failedTest = catchIt(() => applyJsonPatch(POD, [{ op: 'test', path: '/metadata/name', value: 'q' }]));
  t.equal(failedTest.code, 422);
  t.strictSame(failedTest.toStatus(), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: GENERIC_INVALID_PATCH_MESSAGE,
    reason: 'Invalid',
    details: {},
    code: 422,
  });
  const undecodable = catchIt(() => applyJsonPatch(POD, { op: 'add' }));
  t.equal(undecodable.code, 400);
  t.strictSame(undecodable.toStatus(), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    reason: 'BadRequest',
    code: 400,
  });

  const tooMany = catchIt(() => applyJsonPatch(POD, Array.from({ length: 10001 }, () => ({ op: 'test', path: '/metadata/name', value: 'p' }))));
  t.equal(tooMany.code, 413);
  t.equal(tooMany.reason, 'RequestEntityTooLarge');
  t.equal(tooMany.message, 'The allowed maximum operations in a JSON patch is 10000, got 10001');
  t.strictSame(tooMany.toStatus(), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
    reason: 'RequestEntityTooLarge',
    code: 413,
  });
  t.doesNotThrow(() => applyJsonPatch(POD, Array.from({ length: 10000 }, () => ({ op: 'test', path: '/metadata/name', value: 'p' }))));
  const custom = catchIt(() => applyJsonPatch(POD, [{ op: 'test', path: '/a' }, { op: 'test', path: '/b' }], { maxOperations: 1 }));
  t.equal(custom.code, 413);
});

t.test('inputs are never modified and results share nothing with them', async (t) => {
  const doc = structuredClone(POD);
  const value = { name: 'd', env: [{ name: 'A' }] };
  const ops = [
    { op: 'add', path: '/spec/containers/-', value },
    { op: 'remove', path: '/spec/containers/0' },
    { op: 'move', from: '/metadata/labels', path: '/metadata/moved' },
  ];
  const opsCopy = structuredClone(ops);
  const out = applyJsonPatch(doc, ops) as { spec: { containers: Array<{ env?: Array<{ name: string }> }> } };
  t.strictSame(doc, POD, 'target untouched');
  t.strictSame(ops, opsCopy, 'operations untouched');
  out.spec.containers[2]!.env![0]!.name = 'changed';
  t.equal(value.env[0]!.name, 'A', 'the added value was copied');
});

t.test('copy growth is bounded', async (t) => {
  const big = { data: { blob: 'x'.repeat(1000) } };
  const ops = Array.from({ length: 5 }, (_, i) => ({ op: 'copy', from: '/data/blob', path: `/data/c${i}` }));
  t.doesNotThrow(() => applyJsonPatch(big, ops, { maxCopyBytes: 10_000 }));
  t.throws(() => applyJsonPatch(big, ops, { maxCopyBytes: 4_000 }), {
    reason: 'Invalid',
    message: /accumulated size increase of copy is 4008, exceeding the limit 4000/,
  });
  // Doubling attack: each copy duplicates the whole document under a new key.
  const doubling = Array.from({ length: 40 }, (_, i) => ({ op: 'copy', from: '/data', path: `/data/k${i}` }));
  t.throws(() => applyJsonPatch(big, doubling), { reason: 'Invalid', message: /exceeding the limit 3145728/ });
});

t.test('through applyPatchOfType', async (t) => {
  const out = applyPatchOfType({ type: 'json', live: POD, patch: [{ op: 'replace', path: '/metadata/name', value: 'q' }] });
  t.equal((out as { metadata: { name: string } }).metadata.name, 'q');
  t.throws(() => applyPatchOfType({ type: 'json', live: undefined, patch: [] }), TypeError);
});
