import t from 'tap';
import { applyMergePatch, applyPatchOfType, PatchError, type JsonValue } from '../../../../../lib/api/patch/index.js';

// RFC 7386 appendix A, restated with Kubernetes-flavoured documents: [name, target, patch, result].
const RFC_CASES: Array<[string, JsonValue, JsonValue, JsonValue]> = [
  ['replaces a scalar', { phase: 'Pending' }, { phase: 'Running' }, { phase: 'Running' }],
  ['adds a key', { phase: 'Pending' }, { reason: 'Scheduled' }, { phase: 'Pending', reason: 'Scheduled' }],
  ['null removes the only key', { phase: 'Pending' }, { phase: null }, {}],
  ['null removes one key of several', { phase: 'Pending', reason: 'x' }, { phase: null }, { reason: 'x' }],
  ['a scalar replaces an array', { args: ['a'] }, { args: 'b' }, { args: 'b' }],
  ['an array replaces a scalar', { args: 'b' }, { args: ['a'] }, { args: ['a'] }],
  [
    'nested objects merge, nested null deletes',
    { spec: { replicas: 1 } },
    { spec: { replicas: 2, paused: null } },
    { spec: { replicas: 2 } },
  ],
  ['arrays are replaced whole', { ports: [{ port: 80 }] }, { ports: [1] }, { ports: [1] }],
  ['array target, array patch', ['a', 'b'], ['c', 'd'], ['c', 'd']],
  ['object target, array patch', { a: 'b' }, ['c'], ['c']],
  ['null patch replaces everything', { a: 'foo' }, null, null],
  ['string patch replaces everything', { a: 'foo' }, 'bar', 'bar'],
  ['existing nulls in the target survive', { e: null }, { a: 1 }, { e: null, a: 1 }],
  ['array target, object patch: merge into {}', [1, 2], { a: 'b', c: null }, { a: 'b' }],
  ['new nested objects lose their nulls', {}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

t.test('RFC 7386 examples', async (t) => {
  for (const [name, target, patch, want] of RFC_CASES) {
    t.strictSame(applyMergePatch(target, patch), want, name);
  }
});

// What the apiserver does beyond the RFC text (observed with apimachinery's json-patch v4).
const K8S_CASES: Array<[string, JsonValue, JsonValue, JsonValue]> = [
  [
    'kubectl label: labels merge, null removes one',
    { metadata: { name: 'p', labels: { app: 'web', tier: 'fe' } } },
    { metadata: { labels: { tier: null, track: 'stable' } } },
    { metadata: { name: 'p', labels: { app: 'web', track: 'stable' } } },
  ],
  [
    'kubectl scale body',
    { spec: { replicas: 1, selector: { matchLabels: { app: 'web' } } } },
    { spec: { replicas: 3 } },
    { spec: { replicas: 3, selector: { matchLabels: { app: 'web' } } } },
  ],
  [
    'null array elements are kept',
    { metadata: { finalizers: ['x'] } },
    { metadata: { finalizers: ['a', null, 'b'] } },
    { metadata: { finalizers: ['a', null, 'b'] } },
  ],
  [
    'nulls inside objects inside arrays are dropped',
    { spec: { containers: [{ name: 'a' }] } },
    { spec: { containers: [{ name: 'q', command: null }] } },
    { spec: { containers: [{ name: 'q' }] } },
  ],
  [
    'deleting an absent key is a no-op',
    { metadata: { name: 'p' } },
    { metadata: { annotations: null } },
    { metadata: { name: 'p' } },
  ],
  [
    'an object replaces a scalar and keeps no nulls',
    { spec: { nodeName: 'n1' } },
    { spec: { nodeName: { a: 1, b: null } } },
    { spec: { nodeName: { a: 1 } } },
  ],
  ['empty patch changes nothing', { a: { b: [1] } }, {}, { a: { b: [1] } }],
];

t.test('apiserver merge-patch behaviour', async (t) => {
  for (const [name, target, patch, want] of K8S_CASES) {
    t.strictSame(applyMergePatch(target, patch), want, name);
  }
});

t.test('inputs are never modified and the result shares nothing with them', async (t) => {
  const target = { metadata: { labels: { a: '1' } }, spec: { list: [{ x: 1 }] } };
  const patch = { metadata: { labels: { b: '2' } }, spec: { list: [{ y: 2 }] } };
  const targetCopy = structuredClone(target);
  const patchCopy = structuredClone(patch);
  const out = applyMergePatch(target, patch) as { spec: { list: Array<Record<string, number>> } };
  t.strictSame(target, targetCopy);
  t.strictSame(patch, patchCopy);
  out.spec.list[0]!.y = 99;
  t.equal(patch.spec.list[0]!.y, 2, 'mutating the result does not reach the patch');
});

t.test('through applyPatchOfType the body must be an object', async (t) => {
  const live = { metadata: { name: 'p' } };
  const cases: Array<[string, unknown, number, string]> = [
    ['null', null, 400, 'Invalid JSON Patch'],
    ['string', 'x', 400, 'Invalid JSON Patch'],
    ['number', 5, 400, 'Invalid JSON Patch'],
    ['array', [1], 422, 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
  ];
  for (const [name, patch, code, message] of cases) {
    t.throws(() => applyPatchOfType({ type: 'merge', live, patch }), { code, message }, name);
  }
  t.strictSame(applyPatchOfType({ type: 'merge', live, patch: { metadata: { labels: { a: 'b' } } } }), {
    metadata: { name: 'p', labels: { a: 'b' } },
  });
  const err = (() => {
    try {
      applyPatchOfType({ type: 'merge', live, patch: 'x' });
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  t.ok(err instanceof PatchError);
  t.equal((err as PatchError).toStatus().reason, 'BadRequest');
});
