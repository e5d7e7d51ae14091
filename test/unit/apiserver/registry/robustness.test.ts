import t from 'tap';
import { RESOURCES, apiVersionOf } from '../../../../lib/api/registry.js';
import type { KubeObject } from '../../../../lib/api/types.js';
import { createAdmission } from '../../../../apiserver/registry/admission.js';
import { strategyFor } from '../../../../apiserver/registry/strategies.js';
import { MvccKv } from '../../../helpers/mvcc-kv.js';
import { core, ctxFor, memoryStores } from './fixtures.js';

// Strategies and admission run on whatever a client sent (schema validation may report it later):
// wrong shapes must come out as causes or untouched fields, never as a thrown TypeError.
const garbage: Array<Record<string, unknown>> = [
  {},
  { metadata: null, spec: null, status: null },
  { metadata: 5, spec: 'x', status: [] },
  { metadata: { name: 7, labels: 'x', annotations: [1], finalizers: 'f', generateName: 3 }, spec: [] },
  {
    metadata: { name: 'x', namespace: 'ns' },
    spec: {
      containers: 'x',
      initContainers: [null, 3, { resources: 'x' }, { resources: { limits: { cpu: {} }, requests: 'x' } }],
      template: 3,
      selector: 'x',
      ports: [null, 3, { nodePort: 'x', port: {} }],
      clusterIP: 5,
      clusterIPs: 'x',
      tolerations: 'x',
      schedulingGates: [null],
      resources: { requests: { storage: {} } },
      finalizers: 'x',
      podCIDRs: 'x',
      scopes: 3,
    },
    data: 'x',
    stringData: { a: 1 },
    secrets: 'x',
    roleRef: 3,
  },
];

t.test('no resource throws on garbage', async (t) => {
  for (const res of RESOURCES) {
    const s = strategyFor(res);
    for (const [i, body] of garbage.entries()) {
      const make = () => ({ apiVersion: apiVersionOf(res), kind: res.kind, ...structuredClone(body) }) as unknown as KubeObject;
      const ctx = ctxFor(res);
      const created = make();
      const old = make();
      const next = make();
      const status = make();
      t.doesNotThrow(() => {
        s.prepareForCreate(created, ctx);
        s.validateCreate(created);
        s.prepareForUpdate(next, old, ctx);
        s.validateUpdate(next, old);
        s.prepareForStatusUpdate(status, old, ctx);
        s.validateUpdate(status, old);
        s.validateUpdate(make(), created);
      }, `${res.kind}.${res.version} body ${i}`);
    }
  }
});

t.test('admission does not throw TypeErrors on garbage', async (t) => {
  const { storeFor } = memoryStores();
  const admission = createAdmission({ kv: new MvccKv(), storeFor, serviceCIDR: '10.96.0.0/12', nodePortRange: { min: 30000, max: 32767 } });
  await storeFor(core('namespaces')).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' }, status: { phase: 'Active' } } as KubeObject);
  for (const plural of ['pods', 'services']) {
    const res = core(plural);
    for (const [i, body] of garbage.entries()) {
      const obj = { apiVersion: 'v1', kind: res.kind, ...structuredClone(body) } as unknown as KubeObject;
      const old = { apiVersion: 'v1', kind: res.kind, ...structuredClone(body) } as unknown as KubeObject;
      for (const [what, run] of [
        ['create', () => admission.admitCreate(obj, ctxFor(res))],
        ['update', () => admission.admitUpdate(obj, old, ctxFor(res))],
        ['delete', () => admission.admitDelete(old, ctxFor(res))],
      ] as const) {
        try {
          await run();
          t.pass(`${plural} ${what} ${i}`);
        } catch (err) {
          t.notOk(err instanceof TypeError, `${plural} ${what} ${i}: ${String(err)}`);
        }
      }
    }
  }
});
