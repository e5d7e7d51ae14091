import t from 'tap';
import type { KubeObject } from '../../../../lib/api/types.js';
import { createAdmission } from '../../../../apiserver/registry/admission.js';
import { ApiError } from '../../../../lib/api/errors.js';
import { MvccKv } from '../../../helpers/mvcc-kv.js';
import { core, ctxFor, memoryStores } from './fixtures.js';

type Body = Record<string, any>;

async function setup() {
  const { storeFor } = memoryStores();
  const admission = createAdmission({ kv: new MvccKv(), storeFor, serviceCIDR: '10.96.0.0/12', nodePortRange: { min: 30000, max: 32767 } });
  await storeFor(core('namespaces')).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' }, status: { phase: 'Active' } } as KubeObject);
  return { admission, serviceAccounts: storeFor(core('serviceaccounts')) };
}

function pod(spec: Body = {}, metadata: Body = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', ...metadata }, spec: { containers: [{ name: 'c', image: 'x' }], ...spec } } as KubeObject;
}

async function admit(p: KubeObject): Promise<Body> {
  const { admission } = await setup();
  await admission.admitCreate(p, ctxFor(core('pods')));
  return p['spec'] as Body;
}

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError, got success');
}

const NOT_READY = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
const UNREACHABLE = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };

t.test('a new pod runs as the default service account', async (t) => {
  const spec = await admit(pod());
  t.equal(spec.serviceAccountName, 'default');
  t.equal(spec.serviceAccount, 'default');
  const named = await admit(pod({ serviceAccount: 'builder' }));
  t.equal(named.serviceAccountName, 'builder');
  t.equal(named.serviceAccount, 'builder');
});

t.test("a pod takes its service account's image pull secrets", async (t) => {
  const { admission, serviceAccounts } = await setup();
  await serviceAccounts.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'ns' }, imagePullSecrets: [{ name: 'regcred' }] } as KubeObject);
  const p = pod();
  await admission.admitCreate(p, ctxFor(core('pods')));
  t.strictSame((p['spec'] as Body).imagePullSecrets, [{ name: 'regcred' }]);
  const own = pod({ imagePullSecrets: [{ name: 'mine' }] });
  await admission.admitCreate(own, ctxFor(core('pods')));
  t.strictSame((own['spec'] as Body).imagePullSecrets, [{ name: 'mine' }]);
});

t.test('mirror pods get no service account and may not name one', async (t) => {
  const mirror = await admit(pod({}, { annotations: { 'kubernetes.io/config.mirror': 'abc' } }));
  t.equal(mirror.serviceAccountName, undefined);
  const { admission } = await setup();
  const err = await rejection(admission.admitCreate(pod({ serviceAccountName: 'x' }, { annotations: { 'kubernetes.io/config.mirror': 'abc' } }), ctxFor(core('pods'))));
  t.equal(err.status.message, 'pods "p" is forbidden: a mirror pod may not reference service accounts');
});

t.test('default toleration seconds', async (t) => {
  const cases: Array<[string, Body[] | undefined, Body[]]> = [
    ['none given', undefined, [NOT_READY, UNREACHABLE]],
    ['other tolerations are kept', [{ key: 'gpu', operator: 'Exists' }], [{ key: 'gpu', operator: 'Exists' }, NOT_READY, UNREACHABLE]],
    ['own not-ready toleration', [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }], [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }, UNREACHABLE]],
    ['tolerate everything', [{ operator: 'Exists' }], [{ operator: 'Exists' }]],
    ['NoSchedule does not count', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' }], [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' }, NOT_READY, UNREACHABLE]],
  ];
  for (const [name, given, want] of cases) {
    const spec = await admit(pod(given ? { tolerations: given } : {}));
    t.strictSame(spec.tolerations, want, name);
  }
});

t.test('priority', async (t) => {
  const plain = await admit(pod());
  t.equal(plain.priority, 0);
  t.equal(plain.preemptionPolicy, 'PreemptLowerPriority');
  const critical = await admit(pod({ priorityClassName: 'system-node-critical' }));
  t.equal(critical.priority, 2000001000);
  const { admission } = await setup();
  const unknown = await rejection(admission.admitCreate(pod({ priorityClassName: 'gold' }), ctxFor(core('pods'))));
  t.equal(unknown.status.code, 403);
  t.equal(unknown.status.message, 'pods "p" is forbidden: no PriorityClass with name gold was found');
  const mismatch = await rejection(admission.admitCreate(pod({ priority: 5 }), ctxFor(core('pods'))));
  t.equal(mismatch.status.message, 'pods "p" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name');
  const ok = await admit(pod({ priority: 2000000000, priorityClassName: 'system-cluster-critical' }));
  t.equal(ok.priority, 2000000000);
});

t.test('an update keeps the priority set at creation', async (t) => {
  const { admission } = await setup();
  const old = pod({ priority: 0, preemptionPolicy: 'PreemptLowerPriority' });
  const next = pod();
  await admission.admitUpdate(next, old, ctxFor(core('pods')));
  t.equal((next['spec'] as Body).priority, 0);
  t.equal((next['spec'] as Body).preemptionPolicy, 'PreemptLowerPriority');
});
