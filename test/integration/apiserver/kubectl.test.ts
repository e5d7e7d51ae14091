// The real kubectl 1.32 against a real process tree (store + apiserver), as `npm start` runs it.
import t from 'tap';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ControlPlane, KUBECTL } from '../../helpers/control-plane.js';
import { waitFor } from '../../../lib/util/wait.js';

const MANIFESTS = `apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, labels: {app: web}}
data: {greeting: hello}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: web, labels: {app: web}}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
`;

const POD = `apiVersion: v1
kind: Pod
metadata: {name: solo, labels: {app: solo, tier: backend}}
spec:
  containers:
    - name: main
      image: busybox:1.36
      command: [sleep, "3600"]
`;

t.test('the real kubectl works against k8ts', async (t) => {
  const cp = await ControlPlane.start();
  t.teardown(() => cp.stop());
  const k = (...args: string[]) => cp.kubectl(args);
  const dir = cp.home;
  await writeFile(join(dir, 'app.yaml'), MANIFESTS);
  await writeFile(join(dir, 'pod.yaml'), POD);

  await t.test('version and api-resources', async (t) => {
    const v = await k('version', '-o', 'json');
    t.equal(v.code, 0, v.stderr);
    t.match(JSON.parse(v.stdout).serverVersion, { major: '1', minor: '32' });
    const r = await k('api-resources');
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    t.match(r.stdout, /^pods\s+po\s+v1\s+true\s+Pod$/m);
    t.match(r.stdout, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
  });

  await t.test('apply a multi-document file, then again', async (t) => {
    const first = await k('apply', '-f', join(dir, 'app.yaml'));
    t.equal(first.code, 0, first.stderr);
    t.match(first.stdout, /configmap\/web-config created/);
    t.match(first.stdout, /deployment.apps\/web created/);
    t.match(first.stdout, /service\/web created/);
    const again = await k('apply', '-f', join(dir, 'app.yaml'));
    t.equal(again.code, 0, again.stderr);
    t.match(again.stdout, /deployment.apps\/web unchanged/);
    await writeFile(join(dir, 'app.yaml'), MANIFESTS.replace('replicas: 2', 'replicas: 3'));
    const changed = await k('apply', '-f', join(dir, 'app.yaml'));
    t.equal(changed.code, 0, changed.stderr);
    t.match(changed.stdout, /deployment.apps\/web configured/);
    const pod = await k('apply', '-f', join(dir, 'pod.yaml'));
    t.equal(pod.code, 0, pod.stderr);
    t.match(pod.stdout, /pod\/solo created/);
  });

  await t.test('get: table, wide, yaml, json, name, selectors, all namespaces, labels', async (t) => {
    const table = await k('get', 'deployments');
    t.equal(table.code, 0, table.stderr);
    t.match(table.stdout, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
    t.match(table.stdout, /^web\s+0\/3\s+0\s+0\s+\d+s$/m);
    const pods = await k('get', 'pods', '-o', 'wide');
    t.match(pods.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/m);
    t.match(pods.stdout, /^solo\s+0\/1\s+Pending\s+0\s+\S+\s+<none>\s+<none>\s+<none>\s+<none>$/m);
    const svc = await k('get', 'svc', 'web');
    t.match(svc.stdout, /^web\s+ClusterIP\s+127\.96\.\d+\.\d+\s+<none>\s+80\/TCP\s+\S+$/m);
    const yaml = await k('get', 'configmap', 'web-config', '-o', 'yaml');
    t.match(yaml.stdout, /greeting: hello/);
    t.match(yaml.stdout, /resourceVersion: "\d+"/);
    const json = JSON.parse((await k('get', 'deploy', 'web', '-o', 'json')).stdout);
    t.equal(json.spec.replicas, 3);
    t.equal(json.spec.strategy.rollingUpdate.maxSurge, '25%', 'defaults applied');
    t.equal(json.metadata.generation, 2, 'generation bumped by the spec change');
    const names = await k('get', 'all', '-o', 'name');
    t.match(names.stdout, /deployment.apps\/web/);
    t.match(names.stdout, /service\/web/);
    const sel = await k('get', 'pods', '-l', 'tier=backend', '-o', 'name');
    t.equal(sel.stdout.trim(), 'pod/solo');
    const none = await k('get', 'pods', '-l', 'tier notin (backend)', '-o', 'name');
    t.equal(none.stdout.trim(), '');
    const all = await k('get', 'configmaps', '-A');
    t.match(all.stdout, /^NAMESPACE\s+NAME\s+DATA\s+AGE$/m);
    t.match(all.stdout, /^default\s+web-config\s+1\s+\S+$/m);
    const labels = await k('get', 'pod', 'solo', '--show-labels');
    t.match(labels.stdout, /app=solo,tier=backend/);
    const ns = await k('get', 'namespaces');
    for (const n of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) t.match(ns.stdout, new RegExp(`^${n}\\s+Active`, 'm'));
  });

  await t.test('get -w sees a change', async (t) => {
    const child = spawn(KUBECTL, ['get', 'configmap', 'web-config', '-w', '-o', 'name'], { env: { PATH: process.env.PATH ?? '', HOME: cp.home, KUBECONFIG: cp.kubeconfig } });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    t.teardown(() => void child.kill('SIGKILL'));
    await waitFor(() => out.includes('configmap/web-config'), { timeoutMs: 15_000, description: 'the initial watch line' });
    const before = out.length;
    const lab = await k('label', 'configmap', 'web-config', 'seen=yes');
    t.equal(lab.code, 0, lab.stderr);
    await waitFor(() => out.length > before && out.slice(before).includes('configmap/web-config'), { timeoutMs: 15_000, description: 'a watch event after the label' });
    t.pass('the watch reported the change');
  });

  await t.test('describe, label, annotate, patch (three types), scale, set image', async (t) => {
    const d = await k('describe', 'pod', 'solo');
    t.equal(d.code, 0, d.stderr);
    t.match(d.stdout, /^Name:\s+solo$/m);
    t.match(d.stdout, /^Labels:\s+app=solo$/m);
    t.equal((await k('label', 'pod', 'solo', 'env=test')).code, 0);
    t.equal((await k('annotate', 'pod', 'solo', 'owner=team-a')).code, 0);
    const merge = await k('patch', 'configmap', 'web-config', '--type', 'merge', '-p', '{"data":{"extra":"1"}}');
    t.equal(merge.code, 0, merge.stderr);
    const jsonPatch = await k('patch', 'configmap', 'web-config', '--type', 'json', '-p', '[{"op":"replace","path":"/data/greeting","value":"hi"}]');
    t.equal(jsonPatch.code, 0, jsonPatch.stderr);
    const strategic = await k('patch', 'deployment', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"MODE","value":"x"}]}]}}}}');
    t.equal(strategic.code, 0, strategic.stderr);
    const cm = JSON.parse((await k('get', 'cm', 'web-config', '-o', 'json')).stdout);
    t.same(cm.data, { greeting: 'hi', extra: '1' });
    const scale = await k('scale', 'deployment', 'web', '--replicas=5');
    t.equal(scale.code, 0, scale.stderr);
    t.match(scale.stdout, /deployment.apps\/web scaled/);
    const img = await k('set', 'image', 'deployment/web', 'web=nginx:1.28');
    t.equal(img.code, 0, img.stderr);
    const dep = JSON.parse((await k('get', 'deploy', 'web', '-o', 'json')).stdout);
    t.equal(dep.spec.replicas, 5);
    t.equal(dep.spec.template.spec.containers[0].image, 'nginx:1.28');
    t.same(dep.spec.template.spec.containers[0].env, [{ name: 'MODE', value: 'x' }], 'the strategic patch merged into the container by name');
    const pod = JSON.parse((await k('get', 'pod', 'solo', '-o', 'json')).stdout);
    t.equal(pod.metadata.labels.env, 'test');
    t.equal(pod.metadata.annotations.owner, 'team-a');
  });

  await t.test('errors look like a real cluster', async (t) => {
    const missing = await k('get', 'pod', 'nope');
    t.equal(missing.code, 1);
    t.match(missing.stderr, /Error from server \(NotFound\): pods "nope" not found/);
    await writeFile(join(dir, 'bad.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec: {containers: []}\n');
    const bad = await k('apply', '-f', join(dir, 'bad.yaml'));
    t.equal(bad.code, 1);
    t.match(bad.stderr, /The Pod "bad" is invalid: spec.containers: Required value/);
    const dup = await k('create', '-f', join(dir, 'pod.yaml'));
    t.equal(dup.code, 1);
    t.match(dup.stderr, /AlreadyExists.*pods "solo" already exists/);
  });

  await t.test('generator commands (kubectl sends protobuf bodies)', async (t) => {
    const ns = await k('create', 'namespace', 'gen');
    t.equal(ns.code, 0, ns.stderr);
    t.match(ns.stdout, /namespace\/gen created/);
    const cmd = [
      ['create', 'configmap', 'gc', '-n', 'gen', '--from-literal=a=b'],
      ['create', 'secret', 'generic', 'gs', '-n', 'gen', '--from-literal=k=v'],
      ['create', 'deployment', 'gd', '-n', 'gen', '--image=nginx:1.27', '--replicas=2', '--port=80'],
      ['create', 'service', 'clusterip', 'gsvc', '-n', 'gen', '--tcp=80:8080'],
      ['create', 'serviceaccount', 'gsa', '-n', 'gen'],
      ['create', 'job', 'gj', '-n', 'gen', '--image=busybox:1.36', '--', 'echo', 'hi'],
    ];
    for (const args of cmd) {
      const r = await k(...args);
      t.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      t.match(r.stdout, / created$/m);
    }
    const cm = JSON.parse((await k('get', 'cm', 'gc', '-n', 'gen', '-o', 'json')).stdout);
    t.same(cm.data, { a: 'b' });
    const secret = JSON.parse((await k('get', 'secret', 'gs', '-n', 'gen', '-o', 'json')).stdout);
    t.equal(Buffer.from(secret.data.k, 'base64').toString(), 'v');
    const dep = JSON.parse((await k('get', 'deploy', 'gd', '-n', 'gen', '-o', 'json')).stdout);
    t.equal(dep.spec.replicas, 2);
    t.equal(dep.spec.template.spec.containers[0].image, 'nginx:1.27');
    const svc = JSON.parse((await k('get', 'svc', 'gsvc', '-n', 'gen', '-o', 'json')).stdout);
    t.equal(svc.spec.ports[0].targetPort, 8080);
    t.match(svc.spec.clusterIP, /^127\.96\./);
  });

  await t.test('delete -f', async (t) => {
    const del = await k('delete', '-f', join(dir, 'app.yaml'));
    t.equal(del.code, 0, del.stderr);
    t.match(del.stdout, /deployment.apps "web" deleted/);
    t.match(del.stdout, /service "web" deleted/);
    const gone = await k('get', 'deploy', 'web');
    t.equal(gone.code, 1);
    const pod = await k('delete', 'pod', 'solo');
    t.equal(pod.code, 0, pod.stderr);
    t.match(pod.stdout, /pod "solo" deleted/);
  });
});
