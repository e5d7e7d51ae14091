import t from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeClock } from '../../../../lib/util/clock.js';
import { waitFor } from '../../../../lib/util/wait.js';
import { CONTAINER_PORTS } from '../../../../kubelet/runtime/labels.js';
import { isRuntimeError } from '../../../../kubelet/runtime/types.js';
import { containerConfig, criLines, harness, runContainer, sandboxConfig } from './fixtures.js';

const NODE_IP = '127.0.10.201';
const CIDR = '127.244.201.0/24';

/** Lets promise chains and PassThroughs settle without moving any clock. */
const settle = () => new Promise((r) => setImmediate(r));

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: await res.text() };
}

t.test('sandboxes: IPs from the pod CIDR, released on stop; hostNetwork uses the node IP', async (t) => {
  const h = harness({ podCIDR: CIDR, nodeIP: NODE_IP });
  t.teardown(h.cleanup);
  const a = await h.runtime.runPodSandbox(sandboxConfig('a', h.logs));
  const b = await h.runtime.runPodSandbox(sandboxConfig('b', h.logs));
  const hn = await h.runtime.runPodSandbox(sandboxConfig('hn', h.logs, { hostNetwork: true }));
  t.equal((await h.runtime.podSandboxStatus(a)).ip, '127.244.201.2');
  t.equal((await h.runtime.podSandboxStatus(b)).ip, '127.244.201.3');
  t.equal((await h.runtime.podSandboxStatus(hn)).ip, NODE_IP);
  await t.rejects(h.runtime.runPodSandbox(sandboxConfig('a', h.logs)), { code: 'AlreadyExists' }, 'the same pod attempt twice');
  await h.runtime.stopPodSandbox(a);
  await h.runtime.stopPodSandbox(a); // idempotent
  const status = await h.runtime.podSandboxStatus(a);
  t.equal(status.state, 'SANDBOX_NOTREADY');
  const c = await h.runtime.runPodSandbox(sandboxConfig('c', h.logs));
  t.equal((await h.runtime.podSandboxStatus(c)).ip, '127.244.201.2', 'the released address is handed out again');
  await h.runtime.removePodSandbox(a);
  await h.runtime.removePodSandbox(a); // idempotent
  await t.rejects(h.runtime.podSandboxStatus(a), { code: 'NotFound' });
  t.same((await h.runtime.listPodSandbox({ state: 'SANDBOX_READY' })).map((s) => s.metadata.name).sort(), ['b', 'c', 'hn']);
  t.same((await h.runtime.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.name': 'b' } })).map((s) => s.id), [b]);
  await h.runtime.updateRuntimeConfig({ podCIDR: '127.244.202.0/24' });
  const d = await h.runtime.runPodSandbox(sandboxConfig('d', h.logs));
  t.equal((await h.runtime.podSandboxStatus(d)).ip, '127.244.202.2', 'updateRuntimeConfig moves the pod CIDR');
  await t.rejects(h.runtime.runPodSandbox({ metadata: { name: 'x' } } as never), { code: 'InvalidArgument' }, 'a malformed config is refused');
});

t.test('nginx answers on podIP:80, logs each request, serves a mounted volume, exits 0 on TERM', async (t) => {
  const h = harness({ podCIDR: CIDR, nodeIP: NODE_IP });
  t.teardown(h.cleanup);
  const html = join(h.root, 'volume');
  mkdirSync(html);
  writeFileSync(join(html, 'index.html'), 'from the volume\n');
  const pod = sandboxConfig('web', h.logs);
  const { sandboxId, containerId } = await runContainer(h, pod, containerConfig('nginx', 'nginx:1.27'));
  const ip = (await h.runtime.podSandboxStatus(sandboxId)).ip;
  const page = await waitFor(() => get(`http://${ip}/`), { description: 'nginx answering' });
  t.equal(page.status, 200);
  t.match(page.body, /Welcome to nginx!/);
  t.equal((await get(`http://${ip}/missing`)).status, 404);

  const withVolume = await runContainer(h, sandboxConfig('site', h.logs), containerConfig('nginx', 'nginx', { mounts: [{ containerPath: '/usr/share/nginx/html', hostPath: html, readonly: true }] }));
  const siteIP = (await h.runtime.podSandboxStatus(withVolume.sandboxId)).ip;
  t.equal((await waitFor(() => get(`http://${siteIP}/`))).body, 'from the volume\n');

  const logPath = join(pod.logDirectory, 'nginx/0.log');
  const status = await h.runtime.containerStatus(containerId);
  t.equal(status.logPath, logPath);
  t.equal(status.state, 'CONTAINER_RUNNING');
  const lines = criLines(logPath);
  t.ok(lines.some((l) => l.stream === 'stdout' && l.content.includes('Configuration complete; ready for start up')), 'the entrypoint speaks first');
  t.ok(lines.some((l) => l.stream === 'stdout' && /^127\.\S+ - - \[[^\]]+\] "GET \/ HTTP\/1\.1" 200 \d+ "-" "[^"]*" "-"$/.test(l.content)), 'an access-log line in the combined format');
  t.ok(lines.some((l) => l.stream === 'stderr' && l.content.includes('[notice]')), 'notices on stderr');

  await h.runtime.stopContainer(containerId, 30);
  const stopped = await h.runtime.containerStatus(containerId);
  t.equal(stopped.state, 'CONTAINER_EXITED');
  t.equal(stopped.exitCode, 0, 'TERM ends nginx with 0');
  t.equal(stopped.reason, 'Completed');
  await t.rejects(get(`http://${ip}/`), 'its port is closed');
});

t.test('stop with grace: a PID 1 without a TERM handler is killed at the deadline with 137', async (t) => {
  const clock = new FakeClock(1_700_000_000_000);
  const h = harness({ podCIDR: CIDR, nodeIP: NODE_IP, clock });
  t.teardown(h.cleanup);
  const { containerId } = await runContainer(h, sandboxConfig('sleepy', h.logs), containerConfig('main', 'busybox', { command: ['sleeper'] }));
  let done = false;
  const stopping = h.runtime.stopContainer(containerId, 30).then(() => (done = true));
  await settle();
  clock.advance(29_999);
  await settle();
  t.equal(done, false, 'TERM is ignored by PID 1');
  t.equal((await h.runtime.containerStatus(containerId)).state, 'CONTAINER_RUNNING');
  clock.advance(1);
  await stopping;
  const status = await h.runtime.containerStatus(containerId);
  t.equal(status.exitCode, 137);
  t.equal(status.reason, 'Error');
  t.equal(status.finishedAt, `${BigInt(1_700_000_030_000) * 1_000_000n}`);
  t.equal(clock.pending(), 0, 'no timer left behind');
});

t.test('logs: one CRI line per line in <logDirectory>/<logPath>, exit 0 → Completed, non-zero → Error', async (t) => {
  const clock = new FakeClock(Date.UTC(2026, 11, 5, 12, 0, 0, 123));
  const h = harness({ podCIDR: CIDR, nodeIP: NODE_IP, clock });
  t.teardown(h.cleanup);
  const pod = sandboxConfig('job', h.logs);
  const { containerId } = await runContainer(h, pod, containerConfig('hello', 'busybox', { command: ['say'], args: ['hello', 'world'] }));
  await waitFor(async () => (await h.runtime.containerStatus(containerId)).state === 'CONTAINER_EXITED');
  const status = await h.runtime.containerStatus(containerId);
  t.equal(status.exitCode, 0);
  t.equal(status.reason, 'Completed');
  t.same(criLines(join(pod.logDirectory, 'hello/0.log')), [{ time: '2026-12-05T12:00:00.123000000Z', stream: 'stdout', partial: false, content: 'hello world' }]);

  const failing = await h.runtime.createContainer((await h.runtime.listPodSandbox())[0]!.id, containerConfig('bad', 'busybox', { command: ['fail', '3'] }), pod);
  await h.runtime.startContainer(failing);
  await waitFor(async () => (await h.runtime.containerStatus(failing)).state === 'CONTAINER_EXITED');
  t.match(await h.runtime.containerStatus(failing), { exitCode: 3, reason: 'Error' });
});

t.test('a command that does not exist fails to start with runc\'s message and StartError/128', async (t) => {
  const h = harness({ podCIDR: CIDR, nodeIP: NODE_IP });
  t.teardown(h.cleanup);
  const pod = sandboxConfig('oops', h.logs);
  const sandboxId = await h.runtime.runPodSandbox(pod);
  await h.runtime.pullImage({ image: 'busybox' });
  const id = await h.runtime.createContainer(sandboxId, containerConfig('main', 'busybox', { command: ['nosuch'] }), pod);
  await t.rejects(h.runtime.startContainer(id), /exec: "nosuch": executable file not found in \$PATH/);
  t.match(await h.runtime.containerStatus(id), { state: 'CONTAINER_EXITED', exitCode: 128, reason: 'StartError', message: /OCI runtime create failed/ });
  await t.rejects(h.runtime.createContainer(sandboxId, containerConfig('other', 'never-pulled'), pod), { code: 'NotFound' }, 'an image that was never pulled');
});

t.test('memory over the limit: OOMKilled with 137', async (t) => {
  const h = harness({ podCIDR: CIDR, nodeIP: NODE_IP, clock: new FakeClock() });
  t.teardown(h.cleanup);
  const { containerId } = await runContainer(h, sandboxConfig('hungry', h.logs), containerConfig('hog', 'busybox', { command: ['hog'], resources: { cpuLimitMillis: 0, cpuRequestMillis: 0, memoryLimitBytes: 64 * 1024 * 1024 } }));
  await waitFor(async () => (await h.runtime.containerStatus(containerId)).state === 'CONTAINER_EXITED');
  t.match(await h.runtime.containerStatus(containerId), { exitCode: 137, reason: 'OOMKilled' });
});

t.test('exec: exit codes, container files and env, unknown binaries', async (t) => {
  const h = harness({ podCIDR: CIDR, nodeIP: NODE_IP });
  t.teardown(h.cleanup);
  const pod = sandboxConfig('box', h.logs, { dnsConfig: { servers: ['127.96.0.10'], searches: ['default.svc.cluster.local', 'svc.cluster.local'], options: ['ndots:5'] } });
  const { containerId } = await runContainer(h, pod, containerConfig('main', 'busybox', { command: ['sleeper'] }));
  t.match(await h.runtime.execSync(containerId, ['fail', '3'], 5), { exitCode: 3 });
  t.same(await h.runtime.execSync(containerId, ['cat-file', '/etc/hostname'], 5), { stdout: 'box\n', stderr: '', exitCode: 0 });
  t.equal((await h.runtime.execSync(containerId, ['cat-file', '/etc/resolv.conf'], 5)).stdout, 'search default.svc.cluster.local svc.cluster.local\nnameserver 127.96.0.10\noptions ndots:5\n');
  t.match((await h.runtime.execSync(containerId, ['cat-file', '/etc/hosts'], 5)).stdout, /127\.244\.201\.\d+\tbox\n/);
  t.match(await h.runtime.execSync(containerId, ['cat-file', '/nope'], 5), { exitCode: 1, stderr: "cat: can't open '/nope': No such file or directory\n" });
  const missing = await h.runtime.execSync(containerId, ['foo'], 5);
  t.equal(missing.exitCode, 126);
  t.match(missing.stderr, 'exec: "foo": executable file not found in $PATH');

  const session = await h.runtime.exec(containerId, { cmd: ['say', 'hi'], tty: false, stdin: false, stdout: true, stderr: true });
  let out = '';
  session.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  t.equal(await session.exit, 0);
  await settle();
  t.equal(out, 'hi\n');

  await h.runtime.stopContainer(containerId, 0);
  await t.rejects(h.runtime.execSync(containerId, ['say'], 5), { code: 'FailedPrecondition' }, 'no exec in a stopped container');
});

t.test('stats: baseline, CPU raised by consumeCpu and capped by the limit, cumulative time', async (t) => {
  const clock = new FakeClock(0);
  const h = harness({ podCIDR: CIDR, nodeIP: NODE_IP, clock });
  t.teardown(h.cleanup);
  const { containerId } = await runContainer(h, sandboxConfig('busy', h.logs), containerConfig('burn', 'busybox', { command: ['burn', '500'] }));
  const capped = await runContainer(h, sandboxConfig('capped', h.logs), containerConfig('burn', 'busybox', { command: ['burn', '500'], resources: { cpuLimitMillis: 200, cpuRequestMillis: 100, memoryLimitBytes: 0 } }));
  await settle();
  let s = await h.runtime.containerStats(containerId);
  t.equal(s.cpuUsageNanoCores, 501_000_000, '500m busy + 1m baseline');
  t.equal(s.memoryWorkingSetBytes, 2 * 1024 * 1024);
  t.equal((await h.runtime.containerStats(capped.containerId)).cpuUsageNanoCores, 200_000_000, 'throttled at the limit');
  clock.advance(10_000);
  s = await h.runtime.containerStats(containerId);
  t.equal(s.cpuUsageCoreNanoSeconds, 5_010_000_000, '0.501 cores for 10 s');
  t.equal((await h.runtime.listContainerStats()).length, 2);
  clock.advance(60_000);
  await waitFor(async () => (await h.runtime.containerStatus(containerId)).state === 'CONTAINER_EXITED');
  t.equal((await h.runtime.containerStats(containerId)).cpuUsageNanoCores, 0, 'an exited container uses nothing');
});

t.test('hostPort forwards the node address to the pod; a taken host port fails the sandbox', async (t) => {
  const h = harness({ podCIDR: CIDR, nodeIP: NODE_IP });
  t.teardown(h.cleanup);
  const ports = [{ protocol: 'TCP' as const, containerPort: 80, hostPort: 18080, hostIp: '' }];
  await runContainer(h, sandboxConfig('hp', h.logs, { portMappings: ports }), containerConfig('nginx', 'nginx'));
  t.match((await waitFor(() => get(`http://${NODE_IP}:18080/`))).body, /Welcome to nginx!/);
  await t.rejects(h.runtime.runPodSandbox(sandboxConfig('hp2', h.logs, { portMappings: ports })), { code: 'Internal', message: /127\.0\.10\.201:18080.*address already in use/ });
  t.equal((await h.runtime.listPodSandbox()).length, 1, 'the failed sandbox left nothing behind');
});

t.test('agnhost netexec endpoints and /exit; the default image serves its declared ports', async (t) => {
  const h = harness({ podCIDR: CIDR, nodeIP: NODE_IP });
  t.teardown(h.cleanup);
  const agn = 'registry.k8s.io/e2e-test-images/agnhost:2.52';
  const { sandboxId, containerId } = await runContainer(h, sandboxConfig('netexec', h.logs), containerConfig('agnhost', agn, { args: ['netexec', '--http-port=8080', '--udp-port=-1'] }));
  const ip = (await h.runtime.podSandboxStatus(sandboxId)).ip;
  const base = `http://${ip}:8080`;
  t.equal((await waitFor(() => get(`${base}/hostname`))).body, 'netexec');
  t.equal((await get(`${base}/echo?msg=hello`)).body, 'hello');
  t.match((await get(`${base}/clientip`)).body, /^127\.\d+\.\d+\.\d+:\d+$/);
  t.equal((await get(`${base}/healthz`)).status, 200);
  t.match((await get(`${base}/`)).body, /^NOW: /);
  t.equal((await get(`${base}/ConsumeCPU?millicores=300&durationSec=5`)).body, 'ConsumeCPU\n300 millicores\n5 durationSec\n');
  t.equal((await h.runtime.containerStats(containerId)).cpuUsageNanoCores, 301_000_000);
  t.equal((await get(`${base}/ConsumeMem?megabytes=x&durationSec=5`)).status, 400);
  await get(`${base}/exit?code=3`).catch(() => undefined);
  await waitFor(async () => (await h.runtime.containerStatus(containerId)).state === 'CONTAINER_EXITED');
  t.match(await h.runtime.containerStatus(containerId), { exitCode: 3, reason: 'Error' });

  const web = await runContainer(h, sandboxConfig('custom', h.logs), containerConfig('app', 'example.com/team/app:v1', { annotations: { [CONTAINER_PORTS]: '[8081]' } }));
  const webIP = (await h.runtime.podSandboxStatus(web.sandboxId)).ip;
  t.equal((await waitFor(() => get(`http://${webIP}:8081/anything`))).body, 'custom\n');
});

t.test('attach sees the main process output; removal frees the name and the files', async (t) => {
  const h = harness({ podCIDR: CIDR, nodeIP: NODE_IP });
  t.teardown(h.cleanup);
  const agn = 'registry.k8s.io/e2e-test-images/agnhost:2.52';
  const pod = sandboxConfig('att', h.logs);
  const { sandboxId, containerId } = await runContainer(h, pod, containerConfig('agnhost', agn, { args: ['serve-hostname'] }));
  const ip = (await h.runtime.podSandboxStatus(sandboxId)).ip;
  await waitFor(() => get(`http://${ip}:9376/`));
  const session = await h.runtime.attach(containerId, { tty: false, stdin: false, stdout: true, stderr: true });
  let err = '';
  session.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  t.equal((await get(`http://${ip}:9376/`)).body, 'att');
  await waitFor(() => err.includes('HTTP request from 127.'), { description: 'the request logged to the attached stderr' });
  session.close();
  await h.runtime.removeContainer(containerId);
  await t.rejects(h.runtime.containerStatus(containerId), { code: 'NotFound' });
  const again = await h.runtime.createContainer(sandboxId, containerConfig('agnhost', agn), pod);
  t.ok(again, 'the same name is free again');
  t.ok(isRuntimeError(await h.runtime.reopenContainerLog(again).catch((e: unknown) => e), 'FailedPrecondition'), 'reopen needs a running container');
});
