import t from 'tap';
import { mkdtemp, rm, writeFile, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '../../../../lib/api/types.js';
import { FakeClock } from '../../../../lib/util/clock.js';
import { StatusError } from '../../../../lib/client/errors.js';
import { mirrorPodFor, staticPodFromFile } from '../../../../kubelet/config/static-pod.js';
import { StaticPodFileSource } from '../../../../kubelet/config/file-source.js';
import { MirrorPodManager, type MirrorPodApi } from '../../../../kubelet/config/mirror-pods.js';

const manifest = (image = 'registry.k8s.io/etcd:3.5') => `apiVersion: v1
kind: Pod
metadata:
  name: etcd
  namespace: kube-system
  labels: {component: etcd}
spec:
  containers:
  - name: etcd
    image: ${image}
`;
const reordered = `{"kind":"Pod","spec":{"containers":[{"image":"registry.k8s.io/etcd:3.5","name":"etcd"}]},"metadata":{"labels":{"component":"etcd"},"namespace":"kube-system","name":"etcd"},"apiVersion":"v1"}`;

t.test('static pod: name, UID stability, annotations, defaults', async (t) => {
  const a = staticPodFromFile(manifest(), '/etc/kubernetes/manifests/etcd.yaml', 'node-1', 'seen');
  t.equal(a.metadata?.name, 'etcd-node-1');
  t.equal(a.metadata?.namespace, 'kube-system');
  t.match(a.metadata?.uid, /^[0-9a-f]{32}$/);
  t.equal(staticPodFromFile(reordered, '/etc/kubernetes/manifests/etcd.yaml', 'node-1', 'x').metadata?.uid, a.metadata?.uid, 'same content (any key order), same node and file: same UID');
  t.not(staticPodFromFile(manifest(), '/etc/kubernetes/manifests/etcd.yaml', 'node-2', 'x').metadata?.uid, a.metadata?.uid, 'another node: another UID');
  t.not(staticPodFromFile(manifest('registry.k8s.io/etcd:3.6'), '/etc/kubernetes/manifests/etcd.yaml', 'node-1', 'x').metadata?.uid, a.metadata?.uid, 'changed content: new UID');
  t.same(a.metadata?.annotations, { 'kubernetes.io/config.hash': a.metadata?.uid, 'kubernetes.io/config.source': 'file', 'kubernetes.io/config.seen': 'seen' });
  t.equal(a.spec?.nodeName, 'node-1');
  t.same(a.spec?.tolerations, [{ operator: 'Exists', effect: 'NoExecute' }]);
  t.equal(a.spec?.restartPolicy, 'Always', 'API defaults applied');
  t.equal(a.status?.phase, 'Pending');
  t.equal(staticPodFromFile(manifest().replace('  namespace: kube-system\n', ''), '/m/e.yaml', 'n', '').metadata?.namespace, 'default');
  t.throws(() => staticPodFromFile('apiVersion: v1\nkind: Service\nmetadata: {name: x}\n', '/m/s.yaml', 'n', ''), /want a v1 Pod, found v1 Service/);

  const mirror = mirrorPodFor(a, { name: 'node-1', uid: 'node-uid' });
  t.equal(mirror.metadata?.uid, undefined, 'the API gives the mirror pod its own UID');
  t.equal(mirror.metadata?.annotations?.['kubernetes.io/config.mirror'], a.metadata?.uid);
  t.equal(mirror.metadata?.annotations?.['kubernetes.io/config.hash'], a.metadata?.uid);
  t.same(mirror.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: 'node-uid', controller: true }]);
  t.equal(mirror.spec, a.spec);
});

t.test('file source: reports the set on change; bad and removed files drop out', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-manifests-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const clock = new FakeClock(0);
  const src = new StaticPodFileSource({ dir, nodeName: 'node-1', clock, watch: false });
  const seen: string[][] = [];
  src.onPodsChanged((pods) => seen.push(pods.map((p) => p.metadata!.name!)));
  await writeFile(join(dir, 'etcd.yaml'), manifest());
  await writeFile(join(dir, 'broken.yaml'), 'kind: [');
  await writeFile(join(dir, '.hidden.yaml'), manifest());
  await writeFile(join(dir, 'notes.txt'), 'x');
  await src.resync();
  t.same(seen, [['etcd-node-1']]);
  await src.resync();
  t.equal(seen.length, 1, 'an unchanged directory reports nothing');
  const uid = src.pods()[0]!.metadata!.uid;
  await writeFile(join(dir, 'web.json'), reordered.replace('"etcd"}', '"web"}').replace('"name":"etcd"}', '"name":"web"}'));
  await src.resync();
  t.same(seen[1], ['etcd-node-1', 'web-node-1']);
  t.equal(src.pods()[0]!.metadata!.uid, uid);
  await unlink(join(dir, 'etcd.yaml'));
  await src.resync();
  t.same(seen[2], ['web-node-1'], 'a removed file removes its pod');

  const ac = new AbortController();
  src.start(ac.signal);
  await writeFile(join(dir, 'etcd.yaml'), manifest());
  clock.advance(20_000);
  for (let i = 0; i < 50 && seen.length < 4; i++) await new Promise((r) => setTimeout(r, 5));
  t.same(seen[3], ['etcd-node-1', 'web-node-1'], 'picked up by the 20 s poll');
  ac.abort();
  t.equal(clock.pending(), 0, 'the poll timer stops with the signal');
});

class FakePods implements MirrorPodApi {
  pods: Pod[] = [];
  private n = 0;
  async listNodePods(node: string) {
    return this.pods.filter((p) => p.spec?.nodeName === node);
  }
  async createPod(pod: Pod) {
    if (this.pods.some((p) => p.metadata?.namespace === pod.metadata?.namespace && p.metadata?.name === pod.metadata?.name)) {
      throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'exists', reason: 'AlreadyExists', code: 409 });
    }
    const created = { ...pod, metadata: { ...pod.metadata, uid: `api-${++this.n}` } };
    this.pods.push(created);
    return created;
  }
  async deletePod(ns: string, name: string, uid: string) {
    this.pods = this.pods.filter((p) => !(p.metadata?.namespace === ns && p.metadata?.name === name && p.metadata?.uid === uid));
  }
}

t.test('mirror pods: created, recreated after deletion, replaced when stale, removed with the file', async (t) => {
  const api = new FakePods();
  let nodeUID: string | undefined;
  const mgr = new MirrorPodManager({ api, nodeName: 'node-1', nodeUID: () => nodeUID });
  const etcd = staticPodFromFile(manifest(), '/m/etcd.yaml', 'node-1', '');
  t.same(await mgr.sync([etcd]), { created: [], deleted: [] }, 'waits for the Node UID');
  nodeUID = 'node-uid';
  t.same(await mgr.sync([etcd]), { created: ['kube-system/etcd-node-1'], deleted: [] });
  t.same(await mgr.sync([etcd]), { created: [], deleted: [] }, 'idempotent');
  api.pods = [];
  t.same(await mgr.sync([etcd]), { created: ['kube-system/etcd-node-1'], deleted: [] }, 'a deleted mirror pod is recreated');
  const etcd2 = staticPodFromFile(manifest('registry.k8s.io/etcd:3.6'), '/m/etcd.yaml', 'node-1', '');
  t.same(await mgr.sync([etcd2]), { created: ['kube-system/etcd-node-1'], deleted: ['kube-system/etcd-node-1'] }, 'a changed file replaces it');
  t.equal(api.pods[0]!.metadata?.annotations?.['kubernetes.io/config.mirror'], etcd2.metadata?.uid);
  api.pods.push({ metadata: { namespace: 'default', name: 'plain', uid: 'p' }, spec: { nodeName: 'node-1', containers: [] } } as Pod);
  t.same(await mgr.sync([]), { created: [], deleted: ['kube-system/etcd-node-1'] }, 'a removed file deletes its mirror; ordinary pods are left alone');
  t.same(api.pods.map((p) => p.metadata?.name), ['plain']);
});
