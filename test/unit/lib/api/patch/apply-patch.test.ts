import t from 'tap';
import {
  applyApplyPatch,
  applyPatchOfType,
  mergeSchemaFor,
  PATCH_CONTENT_TYPES,
  patchTypeFromContentType,
  type JsonObject,
} from '../../../../../lib/api/patch/index.js';

const DEPLOYMENT = mergeSchemaFor('apps/v1', 'Deployment')!;

const LIVE: JsonObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '7', labels: { app: 'web', owner: 'other-tool' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          { name: 'web', image: 'nginx:1.27', env: [{ name: 'A', value: '1' }] },
          { name: 'injected', image: 'proxy' },
        ],
      },
    },
  },
  status: { replicas: 2 },
};

// [name, live, applied, expected result]
const CASES: Array<[string, JsonObject | undefined, JsonObject, JsonObject]> = [
  [
    'no live object: the configuration is the object, minus its nulls',
    undefined,
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: null }, data: { a: '1' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } },
  ],
  [
    'fields the configuration leaves out are kept; fields it sets win',
    LIVE,
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: { replicas: 3, template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } } },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '7', labels: { app: 'web', owner: 'other-tool' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              { name: 'web', image: 'nginx:1.28', env: [{ name: 'A', value: '1' }] },
              { name: 'injected', image: 'proxy' },
            ],
          },
        },
      },
      status: { replicas: 2 },
    },
  ],
  [
    'list elements merge by key: a new env var joins the existing one',
    LIVE,
    { spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }] } } } },
    {
      ...LIVE,
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              { name: 'web', image: 'nginx:1.27', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] },
              { name: 'injected', image: 'proxy' },
            ],
          },
        },
      },
    },
  ],
];

t.test('simplified server-side apply', async (t) => {
  for (const [name, live, applied, want] of CASES) {
    const liveBefore = structuredClone(live);
    t.strictSame(applyApplyPatch(live, applied, DEPLOYMENT), want, name);
    t.strictSame(live, liveBefore, `${name}: live untouched`);
  }
});

t.test('an apply configuration is data, not a patch', async (t) => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['a list', [1], /^error decoding YAML: json: cannot unmarshal array/],
    ['null', null, /^error decoding YAML: json: cannot unmarshal null/],
    ['a string', 'x', /^error decoding YAML: json: cannot unmarshal string/],
    ['a $patch directive', { spec: { template: { $patch: 'replace' } } }, /"\$patch" \(at spec\.template\.\$patch\)/],
    ['a $setElementOrder directive', { spec: { '$setElementOrder/x': [] } }, /"\$setElementOrder\/x"/],
    ['a directive inside a list', { spec: { containers: [{ name: 'a', $retainKeys: [] }] } }, /at spec\.containers\[0\]\.\$retainKeys/],
  ];
  for (const [name, applied, message] of cases) {
    t.throws(() => applyApplyPatch(LIVE, applied, DEPLOYMENT), { name: 'PatchError', reason: 'BadRequest', code: 400, message }, name);
  }
});

t.test('content types', async (t) => {
  const cases: Array<[string | undefined, string | undefined]> = [
    ['application/json-patch+json', 'json'],
    ['application/merge-patch+json', 'merge'],
    ['application/strategic-merge-patch+json', 'strategic'],
    ['application/apply-patch+yaml', 'apply'],
    ['application/strategic-merge-patch+json; charset=utf-8', 'strategic'],
    ['Application/Merge-Patch+JSON', 'merge'],
    ['application/json', undefined],
    ['application/apply-patch+cbor', undefined],
    ['constructor', undefined],
    ['', undefined],
    [undefined, undefined],
  ];
  for (const [header, want] of cases) t.equal(patchTypeFromContentType(header), want, String(header));
  t.equal(Object.keys(PATCH_CONTENT_TYPES).length, 4);
});

t.test('applyPatchOfType: apply creates and updates', async (t) => {
  const created = applyPatchOfType({ type: 'apply', live: undefined, patch: { metadata: { name: 'x' } } });
  t.strictSame(created, { metadata: { name: 'x' } });
  const updated = applyPatchOfType({ type: 'apply', live: LIVE, patch: { spec: { replicas: 5 } }, schema: DEPLOYMENT });
  t.equal((updated.spec as { replicas: number }).replicas, 5);
  t.equal((LIVE.spec as { replicas: number }).replicas, 2);
});
