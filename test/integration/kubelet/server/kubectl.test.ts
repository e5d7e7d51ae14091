// The kubelet server behind the real apiserver, driven by the real kubectl 1.32: logs (all, tail,
// follow, previous), exec over the v5 channel protocol (exit codes, stdin, stderr), and
// `kubectl top` through metrics.k8s.io. The runtime is an in-process fake (fake-runtime.ts); the
// kubelet listens on a node IP in 127.0.10.0/24 as in a mock cluster.
import t from 'tap';
import { execFile, spawn } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '../../../../lib/api/types.js';
import { createLogger } from '../../../../lib/util/logger.js';
import { realClock } from '../../../../lib/util/clock.js';
import { waitFor } from '../../../../lib/util/wait.js';
import { formatCriLine, rfc3339Nano } from '../../../../kubelet/logs/cri-format.js';
import { trimTimestamp } from '../../../../kubelet/logs/log-reader.js';
import { buildKubeletServer } from '../../../../kubelet/server/server.js';
import { buildTestApiServer } from '../../../helpers/apiserver.js';
import { FakeRuntime } from '../../../unit/kubelet/server/fake-runtime.js';

const KUBECTL = '/usr/bin/kubectl';
const NODE_IP = '127.0.10.1';

function cri(stream: 'stdout' | 'stderr', content: string, ms: number, partial = false): string {
  return formatCriLine({ time: rfc3339Nano(ms), stream, partial, content });
}

t.test('real kubectl: logs, exec and top through the apiserver and the kubelet server', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-kubelet-server-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const api = await buildTestApiServer();
  t.teardown(() => api.close());
  const apiUrl = await api.app.listen({ host: '127.0.0.1', port: 0 });

  const runtime = new FakeRuntime();
  const pods: Pod[] = [];
  const kubelet = buildKubeletServer({
    nodeName: 'node-1',
    runtime,
    pods: () => pods,
    clock: realClock,
    logger: createLogger('kubelet-test', { level: 'silent' }),
    podLogsRoot: dir,
    nodeStartTimeMs: Date.now() - 60_000,
    memoryCapacityBytes: 8 * 1024 ** 3,
    logPollMs: 20,
  });
  t.teardown(() => kubelet.close());
  const kubeletUrl = await kubelet.listen(NODE_IP, 0);
  const kubeletPort = Number(new URL(kubeletUrl).port);

  // The Node points at the kubelet; the pod is bound to it.
  const inject = async (method: string, url: string, payload?: unknown, contentType = 'application/json') => {
    const res = await api.app.inject({ method: method as 'GET', url, ...(payload !== undefined ? { payload: JSON.stringify(payload), headers: { 'content-type': contentType } } : {}) });
    return { code: res.statusCode, body: res.body };
  };
  t.equal((await inject('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } })).code, 201);
  const nodeStatus = await inject('PATCH', '/api/v1/nodes/node-1/status', {
    status: {
      addresses: [{ type: 'InternalIP', address: NODE_IP }, { type: 'Hostname', address: 'node-1' }],
      daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } },
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
    },
  }, 'application/merge-patch+json');
  t.equal(nodeStatus.code, 200, nodeStatus.body);
  const created = await inject('POST', '/api/v1/namespaces/default/pods', {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox' }] },
  });
  t.equal(created.code, 201, created.body);
  const pod = JSON.parse(created.body) as Pod;
  pods.push({ ...pod, status: { phase: 'Running', containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'busybox', imageID: '', state: { running: {} } }] } });
  await inject('POST', '/api/v1/namespaces/default/pods', {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'duo' }, spec: { nodeName: 'node-1', containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'x' }] },
  });

  const sb = runtime.addSandbox({ namespace: 'default', name: 'web', uid: pod.metadata!.uid! });
  const logDir = join(dir, `default_web_${pod.metadata!.uid}`, 'main');
  await mkdir(logDir, { recursive: true });
  const logPath = join(logDir, '0.log');
  const t0 = Date.now() - 30_000;
  await writeFile(logPath, [cri('stdout', 'line one', t0), cri('stderr', 'line two', t0 + 1), cri('stdout', 'line ', t0 + 2, true), cri('stdout', 'three', t0 + 3)].join(''));
  const container = runtime.addContainer(sb, 'main', { logPath });

  const home = join(dir, 'home');
  await mkdir(home);
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, `apiVersion: v1\nkind: Config\nclusters: [{name: local, cluster: {server: "${apiUrl}"}}]\nusers: [{name: admin, user: {}}]\ncontexts: [{name: local, context: {cluster: local, user: admin, namespace: default}}]\ncurrent-context: local\n`);
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: kubeconfig };
  const kubectl = (args: string[], input?: string) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(KUBECTL, args, { env, timeout: 30_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
      child.stdin?.end(input ?? '');
    });

  await t.test('kubectl logs: every line, partial lines joined', async (t) => {
    const r = await kubectl(['logs', 'web']);
    t.equal(r.code, 0, r.stderr);
    t.equal(r.stdout, 'line one\nline two\nline three\n');
  });

  await t.test('kubectl logs --tail=2 and --timestamps', async (t) => {
    const r = await kubectl(['logs', 'web', '--tail=2']);
    t.equal(r.code, 0, r.stderr);
    // The last two file lines are the two halves of "line three".
    t.equal(r.stdout, 'line three\n');
    const ts = await kubectl(['logs', 'web', '--tail=3', '--timestamps']);
    // Go's RFC3339Nano drops trailing zeros of the fraction.
    const stamp = (ms: number) => trimTimestamp(rfc3339Nano(ms));
    t.equal(ts.stdout, `${stamp(t0 + 1)} line two\n${stamp(t0 + 2)} line three\n`);
  });

  await t.test('kubectl logs --previous without a previous container', async (t) => {
    const r = await kubectl(['logs', 'web', '--previous']);
    t.not(r.code, 0);
    t.match(r.stderr, 'previous terminated container "main" in pod "web" not found');
  });

  await t.test('the apiserver asks for a container name when there are several', async (t) => {
    const r = await inject('GET', '/api/v1/namespaces/default/pods/duo/log');
    t.equal(r.code, 400);
    t.match(JSON.parse(r.body), { reason: 'BadRequest', message: 'a container name must be specified for pod duo, choose one of: [a b]' });
    const bad = await inject('GET', '/api/v1/namespaces/default/pods/web/log?tailLines=-1');
    t.equal(bad.code, 422);
    t.match(JSON.parse(bad.body), { reason: 'Invalid', details: { kind: 'PodLogOptions', causes: [{ field: 'tailLines' }] } });
  });

  await t.test('kubectl logs -f follows the file until the container stops', async (t) => {
    const child = spawn(KUBECTL, ['logs', '-f', 'web'], { env });
    t.teardown(() => void child.kill('SIGKILL'));
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitFor(() => out.includes('line three\n'), { timeoutMs: 15_000, description: 'the existing lines' });
    await appendFile(logPath, cri('stdout', 'line four', Date.now()));
    await waitFor(() => out.includes('line four\n'), { timeoutMs: 15_000, description: 'the appended line' });
    container.state = 'CONTAINER_EXITED';
    t.equal(await exited, 0, 'kubectl logs -f ends when the container has stopped');
    t.equal(out, 'line one\nline two\nline three\nline four\n');
    container.state = 'CONTAINER_RUNNING';
  });

  await t.test('kubectl exec: output, exit codes, stdin, stderr', async (t) => {
    const hi = await kubectl(['exec', 'web', '--', 'echo', 'hi', 'there']);
    t.equal(hi.code, 0, hi.stderr);
    t.equal(hi.stdout, 'hi there\n');
    const three = await kubectl(['exec', 'web', '--', 'sh', '-c', 'exit 3']);
    t.equal(three.code, 3, 'the exit code reaches kubectl');
    t.match(three.stderr, 'command terminated with exit code 3');
    const cat = await kubectl(['exec', '-i', 'web', '--', 'cat'], 'from stdin\n');
    t.equal(cat.code, 0, cat.stderr);
    t.equal(cat.stdout, 'from stdin\n');
    const err = await kubectl(['exec', 'web', '--', 'sh', '-c', 'echo oops >&2']);
    t.equal(err.code, 0);
    t.equal(err.stderr, 'oops\n');
  });

  await t.test('kubectl attach -i', async (t) => {
    // The fake runtime's attach echoes stdin, as a `cat` as the container's process would.
    const r = await kubectl(['attach', '-i', 'web'], 'to the main process\n');
    t.equal(r.code, 0, r.stderr);
    t.equal(r.stdout, 'to the main process\n');
  });

  await t.test('kubectl exec into a container that is not running', async (t) => {
    container.state = 'CONTAINER_EXITED';
    t.teardown(() => void (container.state = 'CONTAINER_RUNNING'));
    const r = await kubectl(['exec', 'web', '--', 'echo', 'hi']);
    t.not(r.code, 0);
    t.match(r.stderr, 'container not found ("main")');
  });

  await t.test('kubectl top node and pod', async (t) => {
    const node = await kubectl(['top', 'node']);
    t.equal(node.code, 0, node.stderr);
    t.match(node.stdout, /^NAME\s+CPU\(cores\)\s+CPU\(%\)\s+MEMORY\(bytes\)\s+MEMORY\(%\)\s*$/m);
    t.match(node.stdout, /^node-1\s+25m\s+0%\s+8Mi\s+0%\s*$/m);
    const p = await kubectl(['top', 'pod']);
    t.equal(p.code, 0, p.stderr);
    t.match(p.stdout, /^web\s+25m\s+8Mi\s*$/m);
  });

  await t.test('nodes/proxy reaches the kubelet', async (t) => {
    const r = await kubectl(['get', '--raw', '/api/v1/nodes/node-1/proxy/stats/summary']);
    t.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    t.equal(summary.node.nodeName, 'node-1');
    t.match(summary.pods, [{ podRef: { name: 'web', namespace: 'default' }, containers: [{ name: 'main', cpu: { usageNanoCores: 25_000_000 } }] }]);
  });
});
