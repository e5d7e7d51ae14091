import t from 'tap';
import type { KubeObject } from '../../../../lib/api/types.js';
import { createAdmission } from '../../../../apiserver/registry/admission.js';
import { ApiError } from '../../../../lib/api/errors.js';
import { MvccKv } from '../../../helpers/mvcc-kv.js';
import { NOW, core, ctxFor, memoryStores, res } from './fixtures.js';

function setup(ttlMs = 1000) {
  const { storeFor } = memoryStores();
  const admission = createAdmission(
    { kv: new MvccKv(), storeFor, serviceCIDR: '10.96.0.0/12', nodePortRange: { min: 30000, max: 32767 } },
    { namespaceCacheTtlMs: ttlMs },
  );
  const namespaces = storeFor(core('namespaces'));
  const addNamespace = (name: string, extra: Record<string, unknown> = {}) =>
    namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name }, status: { phase: 'Active' }, ...extra } as KubeObject);
  return { admission, namespaces, addNamespace };
}

const configMap = (namespace: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace } });

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError, got success');
}

t.test('creates need an existing namespace', async (t) => {
  const { admission } = setup();
  const err = await rejection(admission.admitCreate(configMap('missing'), ctxFor(core('configmaps'))));
  t.equal(err.status.code, 404);
  t.equal(err.status.reason, 'NotFound');
  t.equal(err.status.message, 'namespaces "missing" not found');
  t.strictSame(err.status.details, { name: 'missing', kind: 'namespaces' });
});

t.test('creates in a terminating namespace are forbidden', async (t) => {
  const { admission, addNamespace } = setup();
  await addNamespace('doomed', { status: { phase: 'Terminating' }, metadata: { name: 'doomed', deletionTimestamp: '2024-05-01T11:00:00Z' } });
  const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'doomed' }, spec: { containers: [] } };
  const err = await rejection(admission.admitCreate(pod, ctxFor(core('pods'))));
  t.equal(err.status.code, 403);
  t.equal(err.status.message, 'pods "p" is forbidden: unable to create new content in namespace doomed because it is being terminated');
  t.strictSame(err.status.details, {
    name: 'p',
    kind: 'pods',
    causes: [{ reason: 'NamespaceTerminating', field: 'metadata.namespace', message: 'namespace doomed is being terminated' }],
  });
  const deployment: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'doomed' } };
  const err2 = await rejection(admission.admitCreate(deployment, ctxFor(res('apps/v1', 'Deployment'))));
  t.equal(err2.status.message, 'deployments.apps "web" is forbidden: unable to create new content in namespace doomed because it is being terminated');
});

t.test('an Active namespace is trusted for a short while, then read again', async (t) => {
  const { admission, namespaces, addNamespace } = setup(1000);
  await addNamespace('team');
  const r = core('configmaps');
  await admission.admitCreate(configMap('team'), ctxFor(r, { now: NOW }));
  await admission.admitCreate(configMap('team'), ctxFor(r, { now: NOW + 999 }));
  t.equal(namespaces.gets, 1, 'second create within the TTL did not read the namespace');
  await namespaces.delete(undefined, 'team');
  const err = await rejection(admission.admitCreate(configMap('team'), ctxFor(r, { now: NOW + 1000 })));
  t.equal(err.status.code, 404, 'after the TTL the namespace is read again');
  t.equal(namespaces.gets, 2);
});

t.test('a namespace being deleted through this apiserver is forgotten at once', async (t) => {
  const { admission, namespaces, addNamespace } = setup(60_000);
  const ns = await addNamespace('team');
  const r = core('configmaps');
  await admission.admitCreate(configMap('team'), ctxFor(r));
  await admission.admitDelete(ns, ctxFor(core('namespaces')));
  await namespaces.guaranteedUpdate(undefined, 'team', (o) => ({ ...o, status: { phase: 'Terminating' } }));
  const err = await rejection(admission.admitCreate(configMap('team'), ctxFor(r, { now: NOW + 1 })));
  t.equal(err.status.code, 403);
});

t.test('cluster-scoped objects and namespaces themselves are not checked', async (t) => {
  const { admission, namespaces } = setup();
  await admission.admitCreate({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'new' } }, ctxFor(core('namespaces')));
  await admission.admitCreate({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }, ctxFor(core('nodes')));
  t.equal(namespaces.gets, 0);
});

t.test('system namespaces cannot be deleted', async (t) => {
  const { admission } = setup();
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    const err = await rejection(admission.admitDelete({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, ctxFor(core('namespaces'))));
    t.equal(err.status.code, 403, name);
    t.equal(err.status.message, `namespaces "${name}" is forbidden: this namespace may not be deleted`);
  }
  await admission.admitDelete({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } }, ctxFor(core('namespaces')));
  // a ConfigMap named "default" is not a namespace
  await admission.admitDelete({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'default', namespace: 'x' } }, ctxFor(core('configmaps')));
  t.pass('other deletes are admitted');
});
