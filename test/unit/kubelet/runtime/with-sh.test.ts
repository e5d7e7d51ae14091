// The runtime with the real program table (sh and its commands from programs/): PID-1 shells and
// TERM, exec probes, shell containers' logs. Skipped until commandTable() has sh.
import t from 'tap';
import { join } from 'node:path';
import { FakeClock } from '../../../../lib/util/clock.js';
import { waitFor } from '../../../../lib/util/wait.js';
import { commandTable } from '../../../../kubelet/runtime/mock/programs/index.js';
import { containerConfig, criLines, harness, runContainer, sandboxConfig } from './fixtures.js';

const NODE_IP = '127.0.10.204';
const CIDR = '127.244.206.0/24';
const programs = commandTable();
const settle = () => new Promise((r) => setImmediate(r));

t.test('with sh', { skip: programs.has('sh') ? false : 'commandTable() has no sh yet' }, async (t) => {
  t.test('PID-1 sh ignores TERM and is killed at the deadline; a TERM trap ends it at once', async (t) => {
    const clock = new FakeClock(0);
    const h = harness({ podCIDR: CIDR, nodeIP: NODE_IP, clock, programs });
    t.teardown(h.cleanup);
    const plain = await runContainer(h, sandboxConfig('plain', h.logs), containerConfig('main', 'busybox', { command: ['sh', '-c', 'sleep 3600'] }));
    let done = false;
    const stopping = h.runtime.stopContainer(plain.containerId, 30).then(() => (done = true));
    await settle();
    clock.advance(29_000);
    await settle();
    t.equal(done, false, 'still running just before the deadline');
    clock.advance(1_000);
    await stopping;
    t.match(await h.runtime.containerStatus(plain.containerId), { exitCode: 137, reason: 'Error' });

    const trapped = await runContainer(h, sandboxConfig('trapped', h.logs), containerConfig('main', 'busybox', { command: ['sh', '-c', "trap 'echo bye; exit 0' TERM; sleep 3600"] }));
    await settle();
    const stoppingTrapped = h.runtime.stopContainer(trapped.containerId, 30);
    await waitFor(async () => (await h.runtime.containerStatus(trapped.containerId)).state === 'CONTAINER_EXITED', { description: 'the trap ending sh' });
    await stoppingTrapped;
    t.match(await h.runtime.containerStatus(trapped.containerId), { exitCode: 0, reason: 'Completed' });
  });

  t.test('busybox args run the shell; its output is the log, its status the exit code', async (t) => {
    const h = harness({ podCIDR: CIDR, nodeIP: NODE_IP, programs });
    t.teardown(h.cleanup);
    const pod = sandboxConfig('job', h.logs);
    const { containerId } = await runContainer(h, pod, containerConfig('job', 'busybox', { args: ['/bin/sh', '-c', 'echo hello; echo oops >&2; printf partial; exit 3'] }));
    await waitFor(async () => (await h.runtime.containerStatus(containerId)).state === 'CONTAINER_EXITED');
    t.match(await h.runtime.containerStatus(containerId), { exitCode: 3, reason: 'Error' });
    const lines = criLines(join(pod.logDirectory, 'job/0.log')).map((l) => [l.stream, l.partial, l.content]);
    t.same(lines, [['stdout', false, 'hello'], ['stderr', false, 'oops'], ['stdout', true, 'partial']]);
  });

  t.test('exec probe commands: cat of a missing file fails, after touch it succeeds', async (t) => {
    const h = harness({ podCIDR: CIDR, nodeIP: NODE_IP, programs });
    t.teardown(h.cleanup);
    const { containerId } = await runContainer(h, sandboxConfig('probe', h.logs), containerConfig('main', 'busybox', { args: ['sh', '-c', 'sleep 3600'] }));
    t.match(await h.runtime.execSync(containerId, ['cat', '/tmp/healthy'], 1), { exitCode: 1 });
    t.match(await h.runtime.execSync(containerId, ['touch', '/tmp/healthy'], 1), { exitCode: 0 });
    t.match(await h.runtime.execSync(containerId, ['cat', '/tmp/healthy'], 1), { exitCode: 0 });
    t.match(await h.runtime.execSync(containerId, ['sh', '-c', 'hostname; exit 7'], 1), { stdout: 'probe\n', exitCode: 7 });
    t.match(await h.runtime.execSync(containerId, ['sh', '-c', 'nosuch'], 1), { exitCode: 127, stderr: /nosuch: not found/ });
  });

  t.test('agnhost /shell runs sh in the container', async (t) => {
    const h = harness({ podCIDR: CIDR, nodeIP: NODE_IP, programs });
    t.teardown(h.cleanup);
    const { sandboxId } = await runContainer(h, sandboxConfig('shell', h.logs), containerConfig('agn', 'registry.k8s.io/e2e-test-images/agnhost:2.52', { args: ['netexec', '--http-port=8080', '--udp-port=-1'] }));
    const ip = (await h.runtime.podSandboxStatus(sandboxId)).ip;
    const ok = await waitFor(() => fetch(`http://${ip}:8080/shell?cmd=${encodeURIComponent('echo hi')}`).then((r) => r.text()));
    t.same(JSON.parse(ok), { output: 'hi\n' });
    const failed = await fetch(`http://${ip}:8080/shell?cmd=${encodeURIComponent('exit 2')}`).then((r) => r.text());
    t.same(JSON.parse(failed), { error: 'exit status 2' });
  });
});
