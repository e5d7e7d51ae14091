import t, { type Test } from 'tap';
import { mkdtemp, readFile, readlink, rm, stat, writeFile, mkdir, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigMap, Pod, Secret } from '../../../../lib/api/types.js';
import { FakeClock } from '../../../../lib/util/clock.js';
import { KubeletPodVolumes } from '../../../../kubelet/volumes/pod-volumes.js';
import { writeAtomically } from '../../../../kubelet/volumes/atomic-writer.js';
import { managedHostsFile } from '../../../../kubelet/volumes/etc-hosts.js';
import type { TokenRequester, TokenRequestSpec } from '../../../../kubelet/volumes/service-account-token.js';
import { ContainerConfigError, VolumeMountError } from '../../../../kubelet/pod-deps.js';
import { mapSource, type Objects } from '../env/map-source.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

async function setup(t: Test, objs: Objects, tokens?: TokenRequester) {
  const root = await mkdtemp(join(tmpdir(), 'k8ts-vol-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const clock = new FakeClock(Date.parse('2024-05-01T00:00:00Z'));
  const requests: TokenRequestSpec[] = [];
  const requester: TokenRequester = tokens ?? {
    requestToken: async (_ns, sa, spec) => {
      requests.push(spec);
      return { token: `tok-${sa}-${requests.length}`, expirationTimestamp: new Date(clock.now() + spec.expirationSeconds * 1000).toISOString() };
    },
  };
  const vols = new KubeletPodVolumes({ rootDir: root, source: mapSource(objs), tokens: requester, allocatable: () => ({ cpu: '4', memory: '8Gi' }), clock });
  return { root, vols, clock, requests };
}


function pod(volumes: NonNullable<Pod['spec']>['volumes'], mounts: NonNullable<Pod['spec']>['containers'][number]['volumeMounts'] = [], extra: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return {
    metadata: { name: 'p', namespace: 'ns', uid: 'u-1', labels: { app: 'a', b: 'x' }, annotations: { k: 'v' } },
    spec: { containers: [{ name: 'c', image: 'busybox', volumeMounts: mounts, resources: { limits: { memory: '64Mi' } } }], volumes, serviceAccountName: 'robot', ...extra },
    status: { podIPs: [{ ip: '127.244.1.9' }] },
  } as Pod;
}

const mode = async (p: string) => (await stat(p)).mode & 0o777;

t.test('configMap: every key, items with path and mode, defaultMode, atomic update', async (t) => {
  const cm: ConfigMap = { metadata: { namespace: 'ns', name: 'cfg' }, data: { a: '1', b: '2' }, binaryData: { bin: b64('\u0001\u0002') } };
  const { root, vols } = await setup(t, { configMaps: [cm] });
  const p = pod([
    { name: 'all', configMap: { name: 'cfg', defaultMode: 0o600 } },
    { name: 'some', configMap: { name: 'cfg', items: [{ key: 'a', path: 'sub/x.txt', mode: 0o400 }, { key: 'b', path: 'y' }] } },
  ], [{ name: 'all', mountPath: '/cfg' }, { name: 'some', mountPath: '/some' }]);
  await vols.mountPod(p);
  const all = join(root, 'pods/u-1/volumes/kubernetes.io~configmap/all');
  t.equal(await readFile(join(all, 'a'), 'utf8'), '1');
  t.same([...(await readFile(join(all, 'bin')))], [1, 2], 'binaryData is decoded');
  t.equal(await mode(join(all, 'a')), 0o600, 'defaultMode');
  t.match(await readlink(join(all, 'a')), /^\.\.data\/a$/, 'visible names go through ..data');
  const tsDir = await readlink(join(all, '..data'));
  t.match(tsDir, /^\.\.2024_05_01_00_00_00\./, 'a timestamped directory behind ..data');
  const some = join(root, 'pods/u-1/volumes/kubernetes.io~configmap/some');
  t.equal(await readFile(join(some, 'sub/x.txt'), 'utf8'), '1');
  t.equal(await mode(join(some, 'sub/x.txt')), 0o400, 'item mode');
  t.equal(await mode(join(some, 'y')), 0o644, 'default 0644');
  t.notOk(existsSync(join(some, 'b')), 'only listed items');

  const mounts = vols.containerMounts(p, p.spec!.containers[0]!);
  t.same(mounts.slice(0, 2), [{ containerPath: '/cfg', hostPath: all, readonly: true }, { containerPath: '/some', hostPath: some, readonly: true }]);

  // A reader holding the old path keeps seeing a complete old set; the new set appears at once.
  await vols.mountPod(p);
  t.equal(await readlink(join(all, '..data')), tsDir, 'an unchanged payload rewrites nothing');
  cm.data = { a: 'changed' };
  await vols.mountPod({ ...p, spec: { ...p.spec!, volumes: [p.spec!.volumes![0]!] } });
  t.equal(await readFile(join(all, 'a'), 'utf8'), 'changed', 'update visible through the same path');
  t.notOk(existsSync(join(all, 'b')), 'a removed key disappears');
  t.notOk(existsSync(join(all, tsDir)), 'the old timestamped directory is removed');
  const some2 = await vols.mountPod(p).then(() => undefined, (e: unknown) => e);
  t.ok(some2 instanceof VolumeMountError, 'an item key that vanished fails the mount');
  t.equal((some2 as Error).message, 'MountVolume.SetUp failed for volume "some" : configmap references non-existent config key: b');
});

t.test('configMap/secret missing: error unless optional', async (t) => {
  const { root, vols } = await setup(t, {});
  const err = await vols.mountPod(pod([{ name: 'c', configMap: { name: 'nope' } }, { name: 's', secret: { secretName: 'gone' } }])).then(() => undefined, (e: unknown) => e);
  t.ok(err instanceof VolumeMountError);
  t.equal((err as VolumeMountError).reason, 'FailedMount');
  t.equal((err as Error).message, 'MountVolume.SetUp failed for volume "c" : configmap "nope" not found; MountVolume.SetUp failed for volume "s" : secret "gone" not found');
  await vols.mountPod(pod([{ name: 'c', configMap: { name: 'nope', optional: true } }]));
  t.same((await readdir(join(root, 'pods/u-1/volumes/kubernetes.io~configmap/c'))).filter((n) => !n.startsWith('..')), [], 'optional: an empty directory');
});

t.test('secret, downwardAPI, projected with a service account token', async (t) => {
  const secret: Secret = { metadata: { namespace: 'ns', name: 'creds' }, data: { user: b64('admin'), pw: b64('pa55') } };
  const rootCA: ConfigMap = { metadata: { namespace: 'ns', name: 'kube-root-ca.crt' }, data: { 'ca.crt': 'CERT' } };
  const { root, vols, clock, requests } = await setup(t, { secrets: [secret], configMaps: [rootCA] });
  const p = pod([
    { name: 'sec', secret: { secretName: 'creds', items: [{ key: 'pw', path: 'password' }], defaultMode: 0o400 } },
    { name: 'info', downwardAPI: { items: [
      { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
      { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
      { path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' } },
      { path: 'cpu', resourceFieldRef: { containerName: 'c', resource: 'limits.cpu' } },
    ] } },
    { name: 'kube-api-access-abcde', projected: { sources: [
      { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ] } },
  ]);
  await vols.mountPod(p);
  const v = (plugin: string, name: string, file: string) => join(root, 'pods/u-1/volumes', plugin, name, file);
  t.equal(await readFile(v('kubernetes.io~secret', 'sec', 'password'), 'utf8'), 'pa55');
  t.equal(await mode(v('kubernetes.io~secret', 'sec', 'password')), 0o400);
  t.notOk(existsSync(v('kubernetes.io~secret', 'sec', 'user')));
  t.equal(await readFile(v('kubernetes.io~downward-api', 'info', 'labels'), 'utf8'), 'app="a"\nb="x"');
  t.equal(await readFile(v('kubernetes.io~downward-api', 'info', 'name'), 'utf8'), 'p');
  t.equal(await readFile(v('kubernetes.io~downward-api', 'info', 'mem'), 'utf8'), '64');
  t.equal(await readFile(v('kubernetes.io~downward-api', 'info', 'cpu'), 'utf8'), '4', 'a missing limit is the node allocatable');
  const proj = (f: string) => v('kubernetes.io~projected', 'kube-api-access-abcde', f);
  t.equal(await readFile(proj('token'), 'utf8'), 'tok-robot-1');
  t.equal(await readFile(proj('ca.crt'), 'utf8'), 'CERT');
  t.equal(await readFile(proj('namespace'), 'utf8'), 'ns');
  t.same(requests[0], { audiences: [], expirationSeconds: 3607, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u-1' } }, 'a bound TokenRequest');

  await vols.mountPod(p);
  t.equal(requests.length, 1, 'a fresh token is reused');
  clock.advance(3607 * 1000 * 0.81);
  await vols.mountPod(p);
  t.equal(requests.length, 2, 'renewed after 80% of its lifetime');
  t.equal(await readFile(proj('token'), 'utf8'), 'tok-robot-2');
});

t.test('token request unavailable: FailedMount with the kubelet text', async (t) => {
  const { vols } = await setup(t, {}, { requestToken: async () => { throw new Error('the server could not find the requested resource'); } });
  const err = await vols.mountPod(pod([{ name: 'tok', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }])).then(() => undefined, (e: unknown) => e);
  t.equal((err as Error).message, 'MountVolume.SetUp failed for volume "tok" : failed to fetch token: the server could not find the requested resource');
});

t.test('emptyDir, subPath, subPathExpr, /etc/hosts, unmount', async (t) => {
  const { root, vols } = await setup(t, {});
  const p = pod([{ name: 'scratch', emptyDir: { medium: 'Memory' } }], [
    { name: 'scratch', mountPath: '/data' },
    { name: 'scratch', mountPath: '/logs', subPath: 'logs/app', readOnly: true },
    { name: 'scratch', mountPath: '/mine', subPathExpr: '$(POD_NAME)' },
  ], { hostAliases: [{ ip: '127.0.0.5', hostnames: ['foo.remote', 'bar.remote'] }], hostname: 'web', subdomain: 'svc1' });
  p.spec!.containers[0]!.env = [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }];
  await vols.mountPod(p);
  const dir = join(root, 'pods/u-1/volumes/kubernetes.io~empty-dir/scratch');
  t.equal(await mode(dir), 0o777);
  const mounts = vols.containerMounts(p, p.spec!.containers[0]!);
  t.same(mounts, [
    { containerPath: '/data', hostPath: dir, readonly: false },
    { containerPath: '/logs', hostPath: join(dir, 'logs/app'), readonly: true },
    { containerPath: '/mine', hostPath: join(dir, 'p'), readonly: false },
    { containerPath: '/etc/hosts', hostPath: join(root, 'pods/u-1/etc-hosts'), readonly: false },
  ]);
  t.ok(existsSync(join(dir, 'logs/app')) && existsSync(join(dir, 'p')), 'subPaths are created');
  t.equal(await readFile(join(root, 'pods/u-1/etc-hosts'), 'utf8'),
    '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n'
    + '127.244.1.9\tweb.svc1.ns.svc.cluster.local\tweb\n\n# Entries added by HostAliases.\n127.0.0.5\tfoo.remote\tbar.remote\n');

  const bad = (m: object) => {
    try {
      vols.containerMounts(p, { name: 'c', image: 'x', volumeMounts: [{ name: 'scratch', mountPath: '/x', ...m }] });
      return undefined;
    } catch (e) {
      return e as Error;
    }
  };
  t.equal(bad({ subPath: '/abs' })?.message, 'error SubPath `/abs` must not be an absolute path');
  t.equal(bad({ subPath: 'a/../../etc' })?.message, "unable to provision SubPath `a/../../etc`: must not contain '..'");
  t.equal(bad({ subPathExpr: '$(NOPE)' })?.message, 'missing value for NOPE');
  t.ok(bad({ name: 'other' }) instanceof ContainerConfigError);
  t.equal(bad({ name: 'other' })?.message, 'cannot find volume "other" to mount into container "c"');

  const host = join(root, 'host-data');
  await mkdir(host);
  await writeFile(join(host, 'keep'), 'x');
  const p2 = pod([{ name: 'h', hostPath: { path: host, type: 'Directory' } }, { name: 'e', emptyDir: {} }], [{ name: 'h', mountPath: '/h' }]);
  await vols.mountPod(p2);
  t.same(vols.containerMounts(p2, p2.spec!.containers[0]!)[0], { containerPath: '/h', hostPath: host, readonly: false });
  await vols.unmountPod(p2);
  t.notOk(existsSync(join(root, 'pods/u-1/volumes')), 'pod volume dirs removed');
  t.notOk(existsSync(join(root, 'pods/u-1/etc-hosts')));
  t.equal(await readFile(join(host, 'keep'), 'utf8'), 'x', 'hostPath contents untouched');
});

t.test('hostPath type checks', async (t) => {
  const { root, vols } = await setup(t, {});
  const file = join(root, 'f');
  await writeFile(file, 'x');
  const run = async (path: string, type: string) => vols.mountPod(pod([{ name: 'h', hostPath: { path, type } }])).then(() => '', (e: Error) => e.message);
  t.equal(await run(file, 'Directory'), `MountVolume.SetUp failed for volume "h" : hostPath type check failed: ${file} is not a directory`);
  t.equal(await run(root, 'File'), `MountVolume.SetUp failed for volume "h" : hostPath type check failed: ${root} is not a file`);
  t.equal(await run(file, 'Socket'), `MountVolume.SetUp failed for volume "h" : hostPath type check failed: ${file} is not a socket file`);
  t.equal(await run(join(root, 'new/dir'), 'DirectoryOrCreate'), '');
  t.ok((await stat(join(root, 'new/dir'))).isDirectory());
  t.equal(await run(join(root, 'new/file'), 'FileOrCreate'), '');
  t.ok((await stat(join(root, 'new/file'))).isFile());
  t.match(await run(join(root, 'absent/file'), 'FileOrCreate'), /ENOENT/, 'FileOrCreate does not create the parent');
  t.equal(await run(file, 'DirectoryOrCreate'), `MountVolume.SetUp failed for volume "h" : hostPath type check failed: ${file} is not a directory`);
});

t.test('persistentVolumeClaim: bound to a hostPath/local PV, unbound fails', async (t) => {
  const { root, vols } = await setup(t, {
    claims: [
      { metadata: { namespace: 'ns', name: 'data' }, spec: { volumeName: 'pv-1' }, status: { phase: 'Bound' } },
      { metadata: { namespace: 'ns', name: 'pending' }, spec: {}, status: { phase: 'Pending' } },
      { metadata: { namespace: 'ns', name: 'nfs' }, spec: { volumeName: 'pv-nfs' }, status: { phase: 'Bound' } },
    ],
    volumes: [
      { metadata: { name: 'pv-1' }, spec: { local: { path: '/srv/pv-1' } } },
      { metadata: { name: 'pv-nfs' }, spec: { nfs: { server: 'x', path: '/' }, accessModes: ['ReadWriteOnce'] } },
    ],
  });
  void root;
  const p = pod([{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }], [{ name: 'd', mountPath: '/d' }]);
  await vols.mountPod(p);
  t.same(vols.containerMounts(p, p.spec!.containers[0]!)[0], { containerPath: '/d', hostPath: '/srv/pv-1', readonly: false });
  const msg = (claim: string) => vols.mountPod(pod([{ name: 'd', persistentVolumeClaim: { claimName: claim } }])).then(() => '', (e: Error) => e.message);
  t.equal(await msg('pending'), 'MountVolume.SetUp failed for volume "d" : error processing PVC ns/pending: PVC is not bound');
  t.equal(await msg('missing'), 'MountVolume.SetUp failed for volume "d" : error processing PVC ns/missing: failed to fetch PVC from API server: persistentvolumeclaim "missing" not found');
  t.match(await msg('nfs'), /PersistentVolume pv-nfs has a nfs source; only hostPath and local volumes are supported/);
});

t.test('unsupported sources name the source', async (t) => {
  const { vols } = await setup(t, {});
  const err = await vols.mountPod(pod([{ name: 'n', nfs: { server: '127.0.0.1', path: '/' } }])).then(() => undefined, (e: unknown) => e);
  t.ok(err instanceof VolumeMountError);
  t.match((err as Error).message, /^MountVolume.SetUp failed for volume "n" : no volume plugin matched: nfs volumes are not supported/);
});

t.test('atomic writer rejects escaping paths and hostNetwork-free hosts file lists every pod IP', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-aw-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await t.rejects(writeAtomically(dir, new Map([['../x', { data: Buffer.from('x'), mode: 0o644 }]])), /must not contain '\.\.'/);
  await t.rejects(writeAtomically(dir, new Map([['/x', { data: Buffer.from('x'), mode: 0o644 }]])), /must be relative path/);
  const hosts = managedHostsFile({ metadata: { name: 'n', namespace: 'd' }, spec: { containers: [] } } as Pod, ['127.244.0.2', 'fd00::2'], 'cluster.local');
  t.match(hosts, /127\.244\.0\.2\tn\nfd00::2\tn\n$/);
});
