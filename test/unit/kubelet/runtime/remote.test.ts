import t, { type Test } from 'tap';
import { request } from 'node:http';
import { join } from 'node:path';
import { RemoteRuntime } from '../../../../kubelet/runtime/remote-client.js';
import { serveRuntime } from '../../../../kubelet/runtime/server.js';
import { isRuntimeError } from '../../../../kubelet/runtime/types.js';
import { waitFor } from '../../../../lib/util/wait.js';
import { containerConfig, harness, sandboxConfig } from './fixtures.js';

const NODE_IP = '127.0.10.202';
const CIDR = '127.244.203.0/24';

/** A raw POST on the socket, for requests RemoteRuntime would never send. */
function rawPost(socketPath: string, path: string, body: string): Promise<{ status: number; json: { error?: { code: string; message: string } } }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function setup(t: Test) {
  const h = harness({ podCIDR: CIDR, nodeIP: NODE_IP });
  const socketPath = join(h.root, 'runtime.sock');
  const served = await serveRuntime(h.runtime, socketPath);
  const remote = new RemoteRuntime({ socketPath, timeoutMs: 10_000 });
  t.teardown(async () => {
    await remote.close();
    await served.close();
    await h.cleanup();
  });
  const pod = sandboxConfig('remote', h.logs);
  const sandboxId = await remote.runPodSandbox(pod);
  await remote.pullImage({ image: 'busybox' });
  const containerId = await remote.createContainer(sandboxId, containerConfig('main', 'busybox', { command: ['sleeper'] }), pod);
  await remote.startContainer(containerId);
  return { h, socketPath, served, remote, pod, sandboxId, containerId };
}

t.test('unary calls answer as the in-process runtime, errors keep their code', async (t) => {
  const { h, remote, sandboxId, containerId } = await setup(t);
  t.same(await remote.podSandboxStatus(sandboxId), await h.runtime.podSandboxStatus(sandboxId));
  t.same(await remote.containerStatus(containerId), await h.runtime.containerStatus(containerId));
  t.same(await remote.listContainers({ podSandboxId: sandboxId }), await h.runtime.listContainers({ podSandboxId: sandboxId }));
  t.equal((await remote.version()).runtimeName, 'mock');
  t.equal(await remote.imageStatus({ image: 'never-pulled' }), null);
  t.match(await remote.imageStatus({ image: 'busybox' }), { repoTags: ['docker.io/library/busybox:latest'] });
  await t.rejects(remote.containerStatus('nope'), { code: 'NotFound' });
  await t.rejects(remote.pullImage({ image: 'doesnotexist' }), { code: 'ImagePullFailed', message: /failed to pull and unpack image "docker\.io\/library\/doesnotexist:latest"/ });
  const err = await remote.containerStatus('nope').catch((e: unknown) => e);
  t.ok(isRuntimeError(err), 'a RuntimeError, not a transport error');
  t.match(await remote.execSync(containerId, ['fail', '4'], 5), { exitCode: 4 });
  t.same(await remote.execSync(containerId, ['say', 'over', 'the', 'socket'], 5), { stdout: 'over the socket\n', stderr: '', exitCode: 0 });
  await remote.stopContainer(containerId, 0);
  t.match(await remote.containerStatus(containerId), { state: 'CONTAINER_EXITED', exitCode: 137 });
});

t.test('bad requests get an error answer and the server keeps serving', async (t) => {
  const { socketPath, remote, sandboxId } = await setup(t);
  let r = await rawPost(socketPath, '/v1/runPodSandbox', '{not json');
  t.match(r, { status: 400, json: { error: { code: 'InvalidArgument', message: 'request body is not valid JSON' } } });
  r = await rawPost(socketPath, '/v1/noSuchMethod', '{}');
  t.match(r, { status: 404, json: { error: { code: 'NotFound' } } });
  r = await rawPost(socketPath, '/v1/runPodSandbox', '{"config":{"metadata":{"name":5}}}');
  t.match(r, { status: 400, json: { error: { code: 'InvalidArgument', message: /config\.metadata\.name/ } } });
  r = await rawPost(socketPath, '/v1/createContainer', JSON.stringify({ podSandboxId: sandboxId, config: { metadata: { name: 'x' }, image: { image: 'busybox' }, envs: 'oops' } }));
  t.match(r, { status: 400, json: { error: { code: 'InvalidArgument', message: /config\.envs/ } } });
  r = await rawPost(socketPath, '/v1/stopContainer', '[]');
  t.match(r, { status: 400, json: { error: { code: 'InvalidArgument' } } });
  r = await rawPost(socketPath, '/v1/execSync', JSON.stringify({ containerId: 42, cmd: ['x'] }));
  t.match(r, { status: 400, json: { error: { code: 'InvalidArgument' } } });
  t.equal((await remote.listPodSandbox()).length, 1, 'still serving, nothing created by the bad calls');
});

t.test('exec over the WebSocket: output, stdin, exit codes, unknown containers', async (t) => {
  const { remote, containerId } = await setup(t);
  const s = await remote.exec(containerId, { cmd: ['say', 'hello'], tty: false, stdin: false, stdout: true, stderr: true });
  let out = '';
  s.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  t.equal(await s.exit, 0);
  t.equal(out, 'hello\n');

  const failing = await remote.exec(containerId, { cmd: ['fail', '3'], tty: false, stdin: false, stdout: true, stderr: true });
  t.equal(await failing.exit, 3, 'the exit code crosses the status channel');

  const missing = await remote.exec(containerId, { cmd: ['foo'], tty: false, stdin: false, stdout: true, stderr: true });
  let err = '';
  missing.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  t.equal(await missing.exit, 126);
  t.match(err, 'executable file not found in $PATH');

  await t.rejects(remote.exec('nope', { cmd: ['say'], tty: false, stdin: false, stdout: true, stderr: false }), { code: 'NotFound' });
});

t.test('a client that disconnects mid-exec ends the session, the runtime keeps serving', async (t) => {
  const { h, remote, containerId } = await setup(t);
  const s = await remote.exec(containerId, { cmd: ['sleeper'], tty: false, stdin: true, stdout: true, stderr: true });
  s.stdin!.write('ignored input');
  s.resize({ width: 80, height: 24 });
  s.close();
  await t.rejects(s.exit, { code: 'Unavailable' }, 'no status: the stream was cut');
  t.match(await remote.execSync(containerId, ['fail', '2'], 5), { exitCode: 2 }, 'still serving');
  t.equal((await h.runtime.containerStatus(containerId)).state, 'CONTAINER_RUNNING', 'the container is untouched');
});

t.test('attach over the WebSocket follows the main process', async (t) => {
  const { h, remote, pod, sandboxId } = await setup(t);
  await remote.pullImage({ image: 'registry.k8s.io/e2e-test-images/agnhost:2.52' });
  const id = await remote.createContainer(sandboxId, containerConfig('agn', 'registry.k8s.io/e2e-test-images/agnhost:2.52', { args: ['serve-hostname', '--port=9377'] }), pod);
  await remote.startContainer(id);
  const ip = (await remote.podSandboxStatus(sandboxId)).ip;
  await waitFor(() => fetch(`http://${ip}:9377/`).then((r) => r.ok));
  const s = await remote.attach(id, { tty: false, stdin: false, stdout: true, stderr: true });
  let err = '';
  s.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  await fetch(`http://${ip}:9377/`).then((r) => r.text());
  await waitFor(() => err.includes('HTTP request from'), { description: 'the request in the attached stderr' });
  await remote.stopContainer(id, 0);
  t.equal(await s.exit, 137, 'the attach ends with the container');
  t.equal((await h.runtime.containerStatus(id)).exitCode, 137);
});

t.test('a socket nobody serves is Unavailable', async (t) => {
  const remote = new RemoteRuntime({ socketPath: '/tmp/k8ts-no-such-runtime.sock' });
  t.teardown(() => remote.close());
  await t.rejects(remote.version(), { code: 'Unavailable', message: /connection error: dial unix \/tmp\/k8ts-no-such-runtime\.sock/ });
  await t.rejects(remote.exec('x', { cmd: ['x'], tty: false, stdin: false, stdout: true, stderr: false }), { code: 'Unavailable' });
});
