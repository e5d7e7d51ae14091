import t from 'tap';
import { applyDefaults } from '../../../../lib/api/defaults/index.js';
import type { KubeObject } from '../../../../lib/api/types.js';
import { createAdmission } from '../../../../apiserver/registry/admission.js';
import type { Admission } from '../../../../apiserver/registry/interfaces.js';
import { strategyFor } from '../../../../apiserver/registry/strategies.js';
import { ApiError } from '../../../../lib/api/errors.js';
import { StoreError } from '../../../../lib/store-client/errors.js';
import { MvccKv } from '../../../helpers/mvcc-kv.js';
import { NOW, core, ctxFor, memoryStores, type MemoryStore } from './fixtures.js';

type Body = Record<string, any>;
const SERVICES = core('services');
const GRACE_MS = 30_000;

interface Cluster {
  kv: MvccKv;
  services: MemoryStore;
  /** One admission per simulated apiserver instance, all on the same store. */
  apiservers: Admission[];
}

async function cluster(opts: { cidr?: string; ports?: { min: number; max: number }; instances?: number } = {}): Promise<Cluster> {
  const kv = new MvccKv();
  const { storeFor } = memoryStores();
  const apiservers: Admission[] = [];
  for (let i = 0; i < (opts.instances ?? 1); i++) {
    apiservers.push(
      createAdmission({ kv, storeFor, serviceCIDR: opts.cidr ?? '10.96.0.0/12', nodePortRange: opts.ports ?? { min: 30000, max: 32767 } }, { claimGraceMs: GRACE_MS }),
    );
  }
  for (const name of ['default', 'ns']) {
    await storeFor(core('namespaces')).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name }, status: { phase: 'Active' } } as KubeObject);
  }
  return { kv, services: storeFor(SERVICES), apiservers };
}

function service(name: string, spec: Body = {}, namespace = 'ns'): KubeObject {
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { ports: [{ port: 80 }], ...spec } } as KubeObject;
  return applyDefaults(svc);
}

/** The create path: strategy, admission, store write. `store: false` simulates a write that fails. */
async function create(c: Cluster, svc: KubeObject, opts: { now?: number; instance?: number; store?: boolean } = {}): Promise<Body> {
  const ctx = ctxFor(SERVICES, { now: opts.now ?? NOW, uidPrefix: `uid-${svc.metadata.name}`, seed: 7 });
  strategyFor(SERVICES).prepareForCreate(svc, ctx);
  await c.apiservers[opts.instance ?? 0]!.admitCreate(svc, ctx);
  if (opts.store === false) return svc as Body;
  return (await c.services.create(svc)) as Body;
}

async function update(c: Cluster, name: string, mutate: (o: Body) => void, now = NOW): Promise<Body> {
  const old = await c.services.get('ns', name);
  const next = structuredClone(old) as Body;
  mutate(next);
  applyDefaults(next);
  const ctx = ctxFor(SERVICES, { now });
  strategyFor(SERVICES).prepareForUpdate(next as KubeObject, old, ctx);
  const causes = strategyFor(SERVICES).validateUpdate(next as KubeObject, old);
  if (causes.length > 0) throw new Error(`invalid update: ${JSON.stringify(causes)}`);
  await c.apiservers[0]!.admitUpdate(next as KubeObject, old, ctx);
  return (await c.services.update(next as KubeObject)) as Body;
}

async function remove(c: Cluster, name: string): Promise<void> {
  const svc = await c.services.get('ns', name);
  await c.apiservers[0]!.admitDelete(svc, ctxFor(SERVICES));
  await c.services.delete('ns', name);
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

async function claimKeys(kv: MvccKv, prefix: string): Promise<string[]> {
  const r = await kv.range({ key: prefix, prefix: true });
  return r.kvs.map((k) => k.key.slice(prefix.length)).sort();
}
const IPS = '/registry/ranges/serviceips/';
const PORTS = '/registry/ranges/servicenodeports/';

t.test('cluster IPs', async (t) => {
  t.test('an explicit IP is claimed in the store', async (t) => {
    const c = await cluster();
    const svc = await create(c, service('dns', { clusterIP: '10.96.0.10' }));
    t.equal(svc.spec.clusterIP, '10.96.0.10');
    t.strictSame(svc.spec.clusterIPs, ['10.96.0.10']);
    t.strictSame(await claimKeys(c.kv, IPS), ['10.96.0.10']);
  });

  t.test('an IP already allocated is refused with the upstream message', async (t) => {
    const c = await cluster();
    await create(c, service('a', { clusterIP: '10.96.0.10' }));
    const err = await rejection(create(c, service('b', { clusterIP: '10.96.0.10' })));
    t.equal(err.status.code, 422);
    t.equal(err.status.message, 'Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated');
    t.strictSame(err.status.details?.causes, [
      { reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: 'Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated' },
    ]);
  });

  t.test('an IP outside the range is refused', async (t) => {
    const c = await cluster();
    for (const ip of ['10.0.0.5', '10.96.0.0', '10.111.255.255']) {
      const err = await rejection(create(c, service(`s${ip.replace(/\./g, '')}`, { clusterIP: ip })));
      t.equal(err.status.message, `Service "s${ip.replace(/\./g, '')}" is invalid: spec.clusterIPs: Invalid value: []string{"${ip}"}: failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range. The range of valid IPs is 10.96.0.0/12`);
    }
    t.strictSame(await claimKeys(c.kv, IPS), []);
  });

  t.test('random IPs come from above the static band', async (t) => {
    const c = await cluster();
    const seen = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const svc = await create(c, service(`s${i}`));
      const ip = svc.spec.clusterIP as string;
      t.match(ip, /^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
      t.notOk(ip.startsWith('10.96.0.'), `${ip} is outside the static band 10.96.0.1-10.96.1.0`);
      t.strictSame(svc.spec.clusterIPs, [ip]);
      t.strictSame(svc.spec.ipFamilies, ['IPv4']);
      t.equal(svc.spec.ipFamilyPolicy, 'SingleStack');
      seen.add(ip);
    }
    t.equal(seen.size, 5);
  });

  t.test('the kubernetes Service gets the first address, whoever creates it', async (t) => {
    const c = await cluster();
    const svc = await create(c, service('kubernetes', { ports: [{ name: 'https', port: 443, targetPort: 6443 }] }, 'default'));
    t.equal(svc.spec.clusterIP, '10.96.0.1');
    const other = await create(c, service('kubernetes', {}, 'ns'));
    t.not(other.spec.clusterIP, '10.96.0.1', 'only default/kubernetes');
  });

  t.test('headless and ExternalName Services get no IP', async (t) => {
    const c = await cluster();
    const headless = await create(c, service('h', { clusterIP: 'None' }));
    t.strictSame(headless.spec.clusterIPs, ['None']);
    const external = await create(c, service('e', { type: 'ExternalName', externalName: 'example.com', ports: [] }));
    t.equal(external.spec.clusterIP, undefined);
    t.strictSame(await claimKeys(c.kv, IPS), []);
  });

  t.test('a full range says so, as upstream does', async (t) => {
    const c = await cluster({ cidr: '192.168.0.0/29' });
    const ips = new Set<string>();
    for (let i = 0; i < 5; i++) ips.add((await create(c, service(`s${i}`))).spec.clusterIP);
    t.strictSame([...ips].sort(), ['192.168.0.2', '192.168.0.3', '192.168.0.4', '192.168.0.5', '192.168.0.6']);
    const err = await rejection(create(c, service('one-too-many')));
    t.equal(err.status.code, 500);
    t.equal(err.status.message, 'Internal error occurred: failed to allocate a serviceIP: range is full');
    // the reserved first address can still be asked for by name
    t.equal((await create(c, service('kubernetes', {}, 'default'))).spec.clusterIP, '192.168.0.1');
  });

  t.test('a deleted Service gives its IP back at once', async (t) => {
    const c = await cluster({ cidr: '192.168.0.0/29' });
    for (let i = 0; i < 5; i++) await create(c, service(`s${i}`));
    const victim = await c.services.get('ns', 's3');
    const ip = (victim as Body).spec.clusterIP;
    await remove(c, 's3');
    t.equal((await create(c, service('again', { clusterIP: ip }))).spec.clusterIP, ip, 'by request');
    await remove(c, 'again');
    t.equal((await create(c, service('random'))).spec.clusterIP, ip, 'at random');
  });

  t.test('a release for a delete that then fails frees nothing', async (t) => {
    const c = await cluster();
    const svc = await create(c, service('a', { clusterIP: '10.96.0.10' }));
    await c.apiservers[0]!.admitDelete(svc as KubeObject, ctxFor(SERVICES)); // but the store delete never happens
    const err = await rejection(create(c, service('b', { clusterIP: '10.96.0.10' })));
    t.equal(err.status.code, 422);
  });

  t.test('a create that failed after allocating', async (t) => {
    const c = await cluster();
    const lost = await create(c, service('lost', { clusterIP: '10.96.0.10' }), { store: false });
    const err = await rejection(create(c, service('b', { clusterIP: '10.96.0.10' }), { now: NOW + GRACE_MS - 1 }));
    t.equal(err.status.code, 422, 'is protected while it might still be in flight');
    t.equal((await create(c, service('c', { clusterIP: '10.96.0.10' }), { now: NOW + GRACE_MS })).spec.clusterIP, '10.96.0.10', 'is taken over after the grace period');
    // handing it back at once: admitDelete on the object that was never stored
    const c2 = await cluster();
    const lost2 = await create(c2, service('lost', { clusterIP: '10.96.0.10' }), { store: false });
    await c2.apiservers[0]!.admitDelete(lost2 as KubeObject, ctxFor(SERVICES));
    t.equal((await create(c2, service('b', { clusterIP: '10.96.0.10' }))).spec.clusterIP, '10.96.0.10');
    t.ok(lost);
  });

  t.test('two apiservers racing on one store never hand out the same IP', async (t) => {
    const c = await cluster({ cidr: '192.168.0.0/29', instances: 2 });
    const attempts = Array.from({ length: 10 }, (_, i) => create(c, service(`s${i}`), { instance: i % 2 }).then((s) => s.spec.clusterIP as string, (e: unknown) => e));
    const results = await Promise.all(attempts);
    const ips = results.filter((r): r is string => typeof r === 'string');
    const failures = results.filter((r) => r instanceof ApiError) as ApiError[];
    t.equal(ips.length, 5, 'every allocatable address was handed out');
    t.equal(new Set(ips).size, 5, 'no address twice');
    t.equal(failures.length, 5);
    for (const f of failures) t.equal(f.status.message, 'Internal error occurred: failed to allocate a serviceIP: range is full');
  });
});

t.test('node ports', async (t) => {
  t.test('requested, taken, out of range', async (t) => {
    const c = await cluster();
    const a = await create(c, service('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }));
    t.equal(a.spec.ports[0].nodePort, 30080);
    const taken = await rejection(create(c, service('b', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })));
    t.equal(taken.status.message, 'Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated');
    const outside = await rejection(create(c, service('d', { type: 'NodePort', ports: [{ port: 80, nodePort: 8080 }] })));
    t.equal(outside.status.message, 'Service "d" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767');
    t.strictSame(await claimKeys(c.kv, IPS), [a.spec.clusterIP], 'failed creates rolled their cluster IPs back');
  });

  t.test('random node ports come from above the static band; ports with one number share one', async (t) => {
    const c = await cluster();
    const svc = await create(c, service('dns', { type: 'NodePort', ports: [{ name: 'tcp', port: 53, protocol: 'TCP' }, { name: 'udp', port: 53, protocol: 'UDP' }, { name: 'web', port: 80 }] }));
    const [tcp, udp, web] = svc.spec.ports.map((p: Body) => p.nodePort as number);
    t.equal(tcp, udp);
    t.not(tcp, web);
    for (const p of [tcp!, web!]) t.ok(p >= 30086 && p <= 32767, `${p} in the dynamic band`);
    t.strictSame(await claimKeys(c.kv, PORTS), [String(tcp), String(web)].sort());
  });

  t.test('LoadBalancers: node ports unless turned off; Local traffic gets a health-check port', async (t) => {
    const c = await cluster();
    const off = await create(c, service('off', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false }));
    t.equal(off.spec.ports[0].nodePort, undefined);
    const local = await create(c, service('local', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }));
    t.ok(local.spec.ports[0].nodePort >= 30000);
    t.ok(local.spec.healthCheckNodePort >= 30000);
    t.not(local.spec.healthCheckNodePort, local.spec.ports[0].nodePort);
  });

  t.test('a full port range', async (t) => {
    const c = await cluster({ ports: { min: 30000, max: 30002 } });
    const got = new Set<number>();
    for (let i = 0; i < 3; i++) got.add((await create(c, service(`s${i}`, { type: 'NodePort' }))).spec.ports[0].nodePort);
    t.strictSame([...got].sort(), [30000, 30001, 30002]);
    const err = await rejection(create(c, service('full', { type: 'NodePort' })));
    t.equal(err.status.message, 'Internal error occurred: failed to allocate a nodePort: range is full');
    t.equal((await claimKeys(c.kv, IPS)).length, 3, "the failed create's cluster IP was rolled back");
  });

  t.test('type changes allocate and release', async (t) => {
    const c = await cluster({ ports: { min: 30000, max: 30000 } });
    await create(c, service('a', { type: 'NodePort' }));
    const blocked = await rejection(create(c, service('b', { type: 'NodePort' })));
    t.equal(blocked.status.code, 500);
    const a = await update(c, 'a', (o) => (o.spec.type = 'ClusterIP'));
    t.equal(a.spec.ports[0].nodePort, undefined);
    t.equal((await create(c, service('b', { type: 'NodePort' }))).spec.ports[0].nodePort, 30000, 'the port came back');
    const back = await rejection(update(c, 'a', (o) => (o.spec.type = 'NodePort')));
    t.equal(back.status.message, 'Internal error occurred: failed to allocate a nodePort: range is full');
  });

  t.test('racing apiservers never share a node port', async (t) => {
    const c = await cluster({ ports: { min: 30000, max: 30003 }, instances: 2 });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => create(c, service(`s${i}`, { type: 'NodePort' }), { instance: i % 2 }).then((s) => s.spec.ports[0].nodePort as number, () => undefined)),
    );
    const ports = results.filter((p): p is number => p !== undefined);
    t.equal(ports.length, 4);
    t.equal(new Set(ports).size, 4);
  });
});

t.test('cluster IPs across type changes', async (t) => {
  const c = await cluster({ cidr: '192.168.0.0/30' }); // a single allocatable address (.2)
  await create(c, service('a'));
  const toExternal = await update(c, 'a', (o) => {
    o.spec.type = 'ExternalName';
    o.spec.externalName = 'example.com';
  });
  t.equal(toExternal.spec.clusterIP, undefined);
  t.equal((await create(c, service('b'))).spec.clusterIP, '192.168.0.2', 'released by the type change');
  const err = await rejection(update(c, 'a', (o) => (o.spec.type = 'ClusterIP')));
  t.equal(err.status.message, 'Internal error occurred: failed to allocate a serviceIP: range is full');
  await remove(c, 'b');
  const back = await update(c, 'a', (o) => (o.spec.type = 'ClusterIP'));
  t.equal(back.spec.clusterIP, '192.168.0.2');
});

t.test('bad configuration fails at construction', async (t) => {
  const { storeFor } = memoryStores();
  t.throws(() => createAdmission({ kv: new MvccKv(), storeFor, serviceCIDR: 'nonsense', nodePortRange: { min: 30000, max: 32767 } }), /invalid service CIDR "nonsense"/);
});

t.test('store failures surface as errors, and leave no claim behind', async (t) => {
  const c = await cluster();
  c.kv.failNext('txn', new StoreError('unavailable', 'store down'));
  await t.rejects(create(c, service('a', { clusterIP: '10.96.0.10' })), { name: 'StoreError', message: 'store down' });
  t.strictSame(await claimKeys(c.kv, IPS), []);
  t.equal((await create(c, service('a', { clusterIP: '10.96.0.10' }))).spec.clusterIP, '10.96.0.10', 'a retry succeeds');
});
