import t from 'tap';
import {
  applyApplyPatch,
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  MAX_PATCH_DEPTH,
  mergeSchemaFor,
  PatchError,
  type JsonValue,
} from '../../../../../lib/api/patch/index.js';

const POD_SCHEMA = mergeSchemaFor('v1', 'Pod')!;

/** {a: {a: ... {}}} nested `depth` objects deep, built without recursion. */
function nested(depth: number, key = 'a'): JsonValue {
  let v: JsonValue = {};
  for (let i = 1; i < depth; i++) v = { [key]: v };
  return v;
}

function deepArray(depth: number): JsonValue {
  let v: JsonValue = [];
  for (let i = 1; i < depth; i++) v = [v];
  return v;
}

const ENGINES: Array<[string, (target: unknown, patch: unknown) => unknown]> = [
  ['merge patch', (target, patch) => applyMergePatch(target, patch)],
  ['strategic merge patch', (target, patch) => applyStrategicMergePatch(target, patch, POD_SCHEMA)],
  ['server-side apply', (target, patch) => applyApplyPatch(target, patch, POD_SCHEMA)],
  ['json patch', (target, patch) => applyJsonPatch(target, [{ op: 'add', path: '/x', value: patch }])],
];

t.test('deep nesting is refused before any recursion', async (t) => {
  for (const [name, apply] of ENGINES) {
    for (const [shape, deep] of [
      ['objects', nested(200_000)],
      ['arrays', { a: deepArray(200_000) }],
    ] as const) {
      t.throws(() => apply({ metadata: {} }, deep), { name: 'PatchError', reason: 'BadRequest', message: /nests deeper than the maximum of 1000 levels/ }, `${name}: deep patch of ${shape}`);
      t.throws(() => apply(deep, { metadata: { name: 'x' } }), PatchError, `${name}: deep target of ${shape}`);
    }
    // Just inside the limit still works (the engines may recurse that far).
    t.doesNotThrow(() => apply({ spec: nested(MAX_PATCH_DEPTH - 10) }, { spec: nested(MAX_PATCH_DEPTH - 10) }), `${name}: depth ${MAX_PATCH_DEPTH - 10}`);
  }
});

t.test('json patch cannot build nesting past the limit out of allowed pieces', async (t) => {
  const half = nested(900);
  const ops = [
    { op: 'add', path: '/x', value: half },
    { op: 'add', path: `/x${'/a'.repeat(898)}/b`, value: half },
  ];
  t.throws(() => applyJsonPatch({}, ops), { name: 'PatchError', reason: 'Invalid', message: /nests deeper than the maximum/ });
  // Copying a subtree into itself grows depth by ~96 levels per copy (and doubles its size).
  const copies = Array.from({ length: 10 }, () => ({ op: 'copy', from: '/x', path: `/x${'/a'.repeat(95)}/b` }));
  t.throws(() => applyJsonPatch({ x: nested(100) }, copies), { name: 'PatchError', reason: 'Invalid', message: /nests deeper than the maximum/ });
  t.doesNotThrow(() => applyJsonPatch({ x: nested(100) }, copies.slice(0, 8)), 'eight copies stay within the limit');
});

t.test('prototype keys are plain data and pollute nothing', async (t) => {
  const evil = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "metadata": {"__proto__": {"x": 1}}}') as JsonValue;
  const target = JSON.parse('{"metadata": {"name": "p"}, "toString": "kept"}') as JsonValue;
  const results: Array<[string, unknown]> = [
    ['merge patch', applyMergePatch(target, evil)],
    ['strategic merge patch', applyStrategicMergePatch(target, evil, POD_SCHEMA)],
    ['server-side apply', applyApplyPatch(target, evil, POD_SCHEMA)],
    [
      'json patch',
      applyJsonPatch(target, [
        { op: 'add', path: '/__proto__', value: { polluted: true } },
        { op: 'add', path: '/__proto__/again', value: true },
        { op: 'add', path: '/constructor', value: { prototype: { polluted: true } } },
        { op: 'add', path: '/metadata/__proto__', value: { x: 1 } },
      ]),
    ],
  ];
  for (const [name, out] of results) {
    const obj = out as Record<string, unknown>;
    t.equal(Object.getPrototypeOf(obj), Object.prototype, `${name}: result has the normal prototype`);
    t.ok(Object.prototype.hasOwnProperty.call(obj, '__proto__'), `${name}: __proto__ is an own key`);
    t.equal((obj as { polluted?: unknown }).polluted, undefined, `${name}: nothing inherited`);
    t.strictSame(Object.getOwnPropertyDescriptor(obj, 'constructor')?.value, { prototype: { polluted: true } }, `${name}: constructor is data`);
    const meta = obj.metadata as Record<string, unknown>;
    t.equal(Object.getPrototypeOf(meta), Object.prototype, `${name}: nested prototype intact`);
    t.strictSame(Object.getOwnPropertyDescriptor(meta, '__proto__')?.value, { x: 1 }, `${name}: nested __proto__ is data`);
    t.equal(obj.toString, 'kept', `${name}: target keys survive`);
  }
  t.equal(({} as { polluted?: unknown }).polluted, undefined, 'Object.prototype untouched');
  t.equal((Object.prototype as { again?: unknown }).again, undefined);

  // Reading a missing key must not find inherited members.
  t.throws(() => applyJsonPatch({}, [{ op: 'remove', path: '/constructor' }]), { reason: 'Invalid', message: /nonexistent key: constructor/ });
  t.throws(() => applyJsonPatch({}, [{ op: 'add', path: '/constructor/prototype/x', value: 1 }]), { reason: 'Invalid', message: /doc is missing path/ });
  t.strictSame(applyJsonPatch({}, [{ op: 'test', path: '/toString', value: null }]), {}, 'inherited toString reads as absent');
  const smp = applyStrategicMergePatch({}, { spec: { containers: [{ name: 'constructor' }, { name: '__proto__' }] } }, POD_SCHEMA);
  t.strictSame(smp, { spec: { containers: [{ name: 'constructor' }, { name: '__proto__' }] } }, 'merge-key values that name Object members');
});

t.test('values JSON cannot carry are refused, not crashed on', async (t) => {
  const bad: Array<[string, unknown]> = [
    ['undefined member', { a: undefined }],
    ['function', { a: () => 1 }],
    ['NaN', { a: Number.NaN }],
    ['Infinity', { a: [Infinity] }],
    ['bigint', { a: 1n }],
  ];
  for (const [name, value] of bad) {
    for (const [engine, apply] of ENGINES) {
      t.throws(() => apply({}, value), { name: 'PatchError', reason: 'BadRequest' }, `${engine}: ${name}`);
    }
  }
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  t.throws(() => applyMergePatch({}, cyclic), { name: 'PatchError', reason: 'BadRequest' }, 'cycles are bounded by the depth limit');
});

t.test('index tokens are parsed defensively', async (t) => {
  const doc = { l: [1, 2, 3] };
  const tokens = ['1e3', '0x1', ' 1', '1 ', '1.0', '', '--1', '9007199254740993', '-9007199254740993', 'NaN', 'Infinity'];
  for (const token of tokens) {
    t.throws(() => applyJsonPatch(doc, [{ op: 'add', path: `/l/${token}`, value: 0 }]), { name: 'PatchError', reason: 'Invalid' }, `add at "${token}"`);
    t.throws(() => applyJsonPatch(doc, [{ op: 'remove', path: `/l/${token}` }]), { name: 'PatchError', reason: 'Invalid' }, `remove at "${token}"`);
    t.throws(() => applyJsonPatch(doc, [{ op: 'replace', path: `/l/${token}`, value: 0 }]), { name: 'PatchError', reason: 'Invalid' }, `replace at "${token}"`);
  }
  t.strictSame(doc, { l: [1, 2, 3] });
});

t.test('large merge lists stay linear', async (t) => {
  // 20k elements on each side: a quadratic merge would take minutes here; the keyed one is instant.
  const n = 20_000;
  const live = { spec: { containers: Array.from({ length: n }, (_, i) => ({ name: `c${i}`, image: 'a' })) } };
  const patch = { spec: { containers: Array.from({ length: n }, (_, i) => ({ name: `c${n - 1 - i}`, image: 'b' })) } };
  const out = applyStrategicMergePatch(live, patch, POD_SCHEMA) as { spec: { containers: Array<{ name: string; image: string }> } };
  t.equal(out.spec.containers.length, n);
  t.equal(out.spec.containers[0]!.name, `c${n - 1}`, 'patch order wins for patched elements');
  t.ok(out.spec.containers.every((c) => c.image === 'b'));

  const deletes = { spec: { containers: live.spec.containers.filter((_, i) => i % 2 === 0).map((c) => ({ name: c.name, $patch: 'delete' })) } };
  const halved = applyStrategicMergePatch(live, deletes, POD_SCHEMA) as { spec: { containers: Array<{ name: string }> } };
  t.equal(halved.spec.containers.length, n / 2, 'many delete directives');
  t.equal(halved.spec.containers[0]!.name, 'c1');

  const finalizers = Array.from({ length: n }, (_, i) => `f${i}`);
  const merged = applyStrategicMergePatch({ metadata: { finalizers } }, { metadata: { finalizers: [...finalizers].reverse(), '$deleteFromPrimitiveList/finalizers': finalizers.slice(0, n / 2) } }, POD_SCHEMA) as {
    metadata: { finalizers: string[] };
  };
  t.equal(merged.metadata.finalizers.length, n / 2);
});
