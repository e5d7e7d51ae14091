// A whole node against a real control plane, every part its own process (store, apiserver, mock
// runtime, kubelet), driven by the real kubectl 1.32: pods bound by spec.nodeName reach Running
// with an IP that answers; logs and exec go through the apiserver to the kubelet; kill -9 of the
// kubelet leaves containers running and a new kubelet adopts them (no restart); kill -9 of the
// runtime takes the containers down and the kubelet restarts them once a runtime is back; static
// pods run from the manifest directory and appear as mirror pods.
import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import type { Pod } from '../../../lib/api/types.js';
import { waitFor } from '../../../lib/util/wait.js';
import { kubeconfigFor } from '../../../cluster/kubeconfig.js';
import { nodeOf } from '../../../cluster/components.js';
import { LocalCluster } from '../../../cluster/local-cluster.js';

const KUBECTL = '/usr/bin/kubectl';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

t.test('a node: pods run, logs and exec work through the real kubectl, and the node heals', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'k8ts-node-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  // A node number of its own, so clusters of other tests (and npm start's node-1) never share addresses.
  const base = 20 + Math.floor(Math.random() * 80);
  const cluster = await LocalCluster.start({
    root,
    logDir: join(root, 'logs'),
    storeSize: 1,
    nodes: 1,
    nodeIndexBase: base,
    extraArgs: { kubelet: ['--crash-loop-backoff-initial', '1s', '--sync-frequency', '5s'] },
  });
  t.teardown(() => cluster.stop());
  const node = nodeOf(cluster.ctx, 0);
  const kubeconfig = join(root, 'kubeconfig');
  await writeFile(kubeconfig, kubeconfigFor(cluster.apiserverURLs[0]!));

  const kubectl = (args: string[], input?: string): Promise<Run> =>
    new Promise((resolve) => {
      const child = execFile(KUBECTL, args, { env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: 30_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
      if (input !== undefined) child.stdin!.end(input);
    });
  const getPod = async (name: string): Promise<Pod> => {
    const r = await kubectl(['get', 'pod', name, '-o', 'json']);
    if (r.code !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout) as Pod;
  };
  const ready = (p: Pod) => p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  const waitRunning = (name: string, what: string, extra: (p: Pod) => boolean = () => true) =>
    waitFor(async () => {
      const p = await getPod(name);
      return ready(p) && extra(p) ? p : undefined;
    }, { timeoutMs: 30_000, intervalMs: 200, description: what });
  const httpGet = async (url: string) => {
    const res = await request(url, { headersTimeout: 2000, bodyTimeout: 2000 });
    return { status: res.statusCode, body: await res.body.text() };
  };

  await t.test('the Node registers Ready with its address and the mock runtime', async (t) => {
    const n = await waitFor(async () => {
      const r = await kubectl(['get', 'node', node.name, '-o', 'json']);
      if (r.code !== 0) return undefined;
      const obj = JSON.parse(r.stdout) as { status?: { conditions?: { type: string; status: string }[]; addresses?: { type: string; address: string }[]; nodeInfo?: { containerRuntimeVersion?: string } } };
      return obj.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? obj : undefined;
    }, { timeoutMs: 20_000, intervalMs: 200, description: 'the Node to be Ready' });
    t.same(n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address, node.ip);
    t.match(n.status?.nodeInfo?.containerRuntimeVersion, /^mock:\/\//);
    const wide = await kubectl(['get', 'nodes', '-o', 'wide']);
    t.match(wide.stdout, new RegExp(`^${node.name}\\s+Ready\\s+<none>\\s+\\S+\\s+v1\\.32\\.\\d+\\s+${node.ip.replace(/\./g, '\\.')}`, 'm'));
  });

  const manifest = `
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  nodeName: ${node.name}
  containers:
  - name: nginx
    image: nginx
    ports: [{containerPort: 80}]
    readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 1}
---
apiVersion: v1
kind: Pod
metadata: {name: hello}
spec:
  nodeName: ${node.name}
  restartPolicy: Never
  containers:
  - name: c
    image: busybox
    command: [sh, -c, 'echo hello from $(hostname); echo $((6*7))']
`;
  let web: Pod | undefined;

  await t.test('pods reach Running with an IP that answers; a one-shot pod Completes', async (t) => {
    const applied = await kubectl(['apply', '-f', '-'], manifest);
    t.equal(applied.code, 0, applied.stderr);
    web = await waitRunning('web', 'web to be Running and Ready');
    const ip = web.status?.podIP ?? '';
    t.match(ip, new RegExp(`^127\\.244\\.${base}\\.\\d+$`), 'the pod IP comes from the node\'s pod CIDR');
    const page = await httpGet(`http://${ip}/`);
    t.equal(page.status, 200);
    t.match(page.body, /Welcome to nginx!/);
    const done = await waitFor(async () => ((await getPod('hello')).status?.phase === 'Succeeded' ? true : undefined), { timeoutMs: 30_000, intervalMs: 200, description: 'hello to succeed' });
    t.ok(done);
    const list = await kubectl(['get', 'pods']);
    t.match(list.stdout, /^hello\s+0\/1\s+Completed\s+0\s+/m);
    t.match(list.stdout, /^web\s+1\/1\s+Running\s+0\s+/m);
  });

  await t.test('logs and exec through the apiserver, with the real kubectl', async (t) => {
    const logs = await kubectl(['logs', 'hello']);
    t.equal(logs.code, 0, logs.stderr);
    t.equal(logs.stdout, 'hello from hello\n42\n');
    const access = await kubectl(['logs', 'web', '--tail', '1']);
    t.match(access.stdout, /"GET \/ HTTP\/1\.1" 200 /, 'nginx writes an access-log line per request');
    const echo = await kubectl(['exec', 'web', '--', 'sh', '-c', 'echo in $(hostname); ls /usr/share/nginx/html']);
    t.equal(echo.code, 0, echo.stderr);
    t.match(echo.stdout, /^in web\n/);
    const exit3 = await kubectl(['exec', 'web', '--', 'sh', '-c', 'exit 3']);
    t.equal(exit3.code, 3, 'the exit code reaches kubectl');
    const missing = await kubectl(['logs', 'web', '-c', 'nope']);
    t.not(missing.code, 0);
    t.match(missing.stderr, /container nope is not valid for pod web|nope/);
  });

  await t.test('kill -9 of the kubelet leaves the container running; a new kubelet adopts it', async (t) => {
    const before = await getPod('web');
    const ip = before.status!.podIP!;
    const id = before.status!.containerStatuses![0]!.containerID;
    await cluster.launcher.kill('kubelet-0', 'SIGKILL');
    t.equal((await httpGet(`http://${ip}/`)).status, 200, 'the pod serves with its kubelet dead');
    cluster.launcher.startInstance('kubelet-0');
    await cluster.launcher.waitReady(['kubelet-0']);
    await waitFor(async () => ((await getPod('web')).status?.containerStatuses?.[0]?.ready ? true : undefined), { timeoutMs: 20_000, intervalMs: 200 });
    // What is checked is that nothing happens (no restart): there is no event to wait for, so give
    // the new kubelet's first sync and a PLEG relist (1 s) the time to do the wrong thing.
    await new Promise((r) => setTimeout(r, 1500));
    const after = await getPod('web');
    t.equal(after.status?.containerStatuses?.[0]?.restartCount, 0, 'no restart');
    t.equal(after.status?.containerStatuses?.[0]?.containerID, id, 'the same container');
    t.equal(after.status?.podIP, ip);
  });

  await t.test('kill -9 of the runtime ends the containers; the kubelet restarts them when it is back', async (t) => {
    const ip = (await getPod('web')).status!.podIP!;
    await cluster.launcher.kill('runtime-0', 'SIGKILL');
    await t.rejects(httpGet(`http://${ip}/`), 'nothing serves on the pod IP once the runtime is gone');
    cluster.launcher.startInstance('runtime-0');
    await cluster.launcher.waitReady(['runtime-0']);
    const back = await waitRunning('web', 'web to run again', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1);
    t.equal(back.status?.containerStatuses?.[0]?.restartCount, 1, 'restarted once');
    t.equal((await httpGet(`http://${back.status!.podIP!}/`)).status, 200, 'and it serves again');
    const hello = await getPod('hello');
    t.equal(hello.status?.phase, 'Succeeded', 'a finished pod is not run again');
  });

  await t.test('a static pod runs from the manifest directory and shows as a mirror pod', async (t) => {
    await writeFile(
      join(node.dir, 'manifests', 'static-web.yaml'),
      `apiVersion: v1\nkind: Pod\nmetadata: {name: static-web, namespace: default}\nspec:\n  containers:\n  - name: web\n    image: registry.k8s.io/e2e-test-images/agnhost:2.53\n    args: [netexec, --http-port=8080]\n`,
    );
    const mirrorName = `static-web-${node.name}`;
    const mirror = await waitRunning(mirrorName, 'the mirror pod to show Running');
    t.equal(mirror.metadata?.annotations?.['kubernetes.io/config.source'], 'file');
    t.ok(mirror.metadata?.annotations?.['kubernetes.io/config.mirror'], 'marked as a mirror pod');
    t.equal(mirror.metadata?.ownerReferences?.[0]?.kind, 'Node');
    const host = await httpGet(`http://${mirror.status!.podIP!}:8080/hostname`);
    t.equal(host.body, mirrorName);
  });

  await t.test('kubectl delete: graceful termination, then the pod is gone from the API', async (t) => {
    const sleeper = `apiVersion: v1
kind: Pod
metadata: {name: sleeper}
spec:
  nodeName: ${node.name}
  terminationGracePeriodSeconds: 2
  containers:
  - name: c
    image: busybox
    command: [sh, -c, 'sleep 3600']
`;
    t.equal((await kubectl(['apply', '-f', '-'], sleeper)).code, 0);
    await waitRunning('sleeper', 'sleeper to run');
    const started = Date.now();
    // sh as PID 1 ignores SIGTERM, as in a real container: it ends when the grace period does.
    const del = await kubectl(['delete', 'pod', 'sleeper', '--timeout=20s']);
    t.equal(del.code, 0, del.stderr);
    t.match(del.stdout, /pod "sleeper" deleted/);
    t.ok(Date.now() - started >= 1500, 'killed only when the 2 s grace period ended');
    const gone = await kubectl(['get', 'pod', 'sleeper']);
    t.match(gone.stderr, /NotFound|not found/);
    const web = await kubectl(['delete', 'pod', 'web', '--timeout=20s']);
    t.equal(web.code, 0, web.stderr);
  });
});
