// The runtime as its own process: driven through RemoteRuntime over its socket, its containers
// really listening on pod IPs, and gone when the process is killed.
import t, { type Test } from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RemoteRuntime } from '../../../../kubelet/runtime/remote-client.js';
import { commandTable } from '../../../../kubelet/runtime/mock/programs/index.js';
import { waitFor } from '../../../../lib/util/wait.js';
import { containerConfig, sandboxConfig } from '../../../unit/kubelet/runtime/fixtures.js';

const MAIN = join(process.cwd(), 'dist/kubelet/runtime/main.js');
const NODE_IP = '127.0.10.203';

interface RuntimeProcess {
  child: ChildProcess;
  socket: string;
  root: string;
  remote: RemoteRuntime;
  exited: Promise<number | null>;
  stderr(): string;
}

async function startRuntime(t: Test, cidr: string): Promise<RuntimeProcess> {
  const root = mkdtempSync(join(tmpdir(), 'k8ts-runtime-proc-'));
  const socket = join(root, 'runtime.sock');
  const child = spawn(process.execPath, [MAIN, '--socket', socket, '--root-dir', join(root, 'state'), '--node-ip', NODE_IP, '--pod-cidr', cidr, '--image-pull-delay', '10ms', '--fail-images', 'forbidden', '--bind-address', '127.0.0.1', '--port', '0', '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const remote = new RemoteRuntime({ socketPath: socket, timeoutMs: 10_000 });
  t.teardown(async () => {
    await remote.close();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(root, { recursive: true, force: true });
  });
  await waitFor(() => remote.version(), { description: 'the runtime answering on its socket', timeoutMs: 20_000 });
  return { child, socket, root, remote, exited, stderr: () => err };
}

async function httpGet(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
  return res.text();
}

t.test('run a sandbox and nginx over the socket; exec over the WebSocket; kill -9 takes the containers down', async (t) => {
  const rt = await startRuntime(t, '127.244.204.0/24');
  const { remote } = rt;
  const logs = join(rt.root, 'logs');
  const pod = sandboxConfig('web', logs);
  const sandboxId = await remote.runPodSandbox(pod);
  const ip = (await remote.podSandboxStatus(sandboxId)).ip;
  t.equal(ip, '127.244.204.2');
  await t.rejects(remote.pullImage({ image: 'team/forbidden-app' }), { code: 'ImagePullFailed' }, '--fail-images');
  await remote.pullImage({ image: 'nginx' });
  const id = await remote.createContainer(sandboxId, containerConfig('nginx', 'nginx'), pod);
  await remote.startContainer(id);
  t.match(await waitFor(() => httpGet(`http://${ip}/`)), /Welcome to nginx!/);

  // exec: a second nginx cannot bind :80 and says so, exiting 1.
  const s = await remote.exec(id, { cmd: ['nginx', '-t'], tty: false, stdin: false, stdout: true, stderr: true });
  let err = '';
  s.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  t.equal(await s.exit, 1);
  t.match(err, 'bind() to 0.0.0.0:80 failed (98: Address already in use)');
  if (commandTable().has('sh')) {
    const sh = await remote.exec(id, { cmd: ['sh', '-c', 'echo from sh; exit 3'], tty: false, stdin: false, stdout: true, stderr: true });
    let out = '';
    sh.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    t.equal(await sh.exit, 3, 'sh -c exit 3 crosses the status channel');
    t.equal(out, 'from sh\n');
  }

  // A client that vanishes mid-exec leaves the runtime serving.
  const hanging = await remote.exec(id, { cmd: commandTable().has('sleep') ? ['sleep', '100'] : ['nginx'], tty: false, stdin: true, stdout: true, stderr: true });
  hanging.close();
  await hanging.exit.catch(() => undefined);
  t.equal((await remote.containerStatus(id)).state, 'CONTAINER_RUNNING');

  rt.child.kill('SIGKILL');
  await rt.exited;
  await t.rejects(httpGet(`http://${ip}/`), 'the pod IP stops answering with the runtime');
  await t.rejects(remote.version(), { code: 'Unavailable' }, 'the socket is dead');
});

t.test('SIGTERM stops serving, ends the containers and removes the socket', async (t) => {
  const rt = await startRuntime(t, '127.244.205.0/24');
  const logs = join(rt.root, 'logs');
  const pod = sandboxConfig('agn', logs);
  const sandboxId = await rt.remote.runPodSandbox(pod);
  await rt.remote.pullImage({ image: 'registry.k8s.io/e2e-test-images/agnhost:2.52' });
  const id = await rt.remote.createContainer(sandboxId, containerConfig('agn', 'registry.k8s.io/e2e-test-images/agnhost:2.52', { args: ['netexec', '--http-port=8080', '--udp-port=-1'] }), pod);
  await rt.remote.startContainer(id);
  const ip = (await rt.remote.podSandboxStatus(sandboxId)).ip;
  t.equal(await waitFor(() => httpGet(`http://${ip}:8080/hostname`)), 'agn');
  rt.child.kill('SIGTERM');
  t.equal(await rt.exited, 0, 'a clean exit');
  t.notOk(existsSync(rt.socket), 'socket file removed');
  await t.rejects(httpGet(`http://${ip}:8080/hostname`));
  t.equal(rt.stderr(), '', 'nothing on stderr');
});
