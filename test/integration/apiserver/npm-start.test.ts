// The README's `npm start`: a control plane comes up, kubectl works, Ctrl-C stops every process,
// and a second start serves the same objects.
import t from 'tap';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../../cluster/ports.js';
import { waitFor } from '../../../lib/util/wait.js';

const START = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../cluster/start.js');

function kubectl(home: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile('/usr/bin/kubectl', args, { env: { PATH: process.env.PATH ?? '', HOME: home, KUBECONFIG: join(home, 'kubeconfig') }, timeout: 60_000 }, (err, stdout, stderr) => {
      res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function startCluster(dir: string, port: number): Promise<{ proc: ChildProcess; out: () => string; exited: Promise<number | null> }> {
  const proc = spawn(process.execPath, [START, '--dir', dir, '--port', String(port), '--ephemeral-store-ports'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += String(d)));
  proc.stderr!.on('data', (d) => (out += String(d)));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  await waitFor(() => out.includes('export KUBECONFIG=') || proc.exitCode !== null, { timeoutMs: 60_000, description: 'npm start to be ready' });
  return { proc, out: () => out, exited };
}

t.test('npm start: up, kubectl, Ctrl-C, up again with the same data', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-start-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const port = await freePort();

  const first = await startCluster(dir, port);
  t.teardown(() => void first.proc.kill('SIGKILL'));
  t.match(first.out(), /store: ready/);
  t.match(first.out(), new RegExp(`apiserver: ready at http://127.0.0.1:${port}`));
  t.match(first.out(), new RegExp(`export KUBECONFIG=${dir}/kubeconfig`));
  await writeFile(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kept}\ndata: {a: b}\n');
  await waitFor(async () => (await kubectl(dir, ['get', 'ns', 'default', '-o', 'name'])).code === 0, { timeoutMs: 20_000, description: 'the default namespace' });
  const applied = await kubectl(dir, ['apply', '-f', join(dir, 'cm.yaml')]);
  t.equal(applied.code, 0, applied.stderr);

  first.proc.kill('SIGINT');
  t.equal(await first.exited, 0, 'Ctrl-C stops cleanly');
  t.match(first.out(), /apiserver: stopped\nstore: stopped/);

  const second = await startCluster(dir, port);
  t.teardown(() => void second.proc.kill('SIGKILL'));
  const got = await waitFor(async () => {
    const r = await kubectl(dir, ['get', 'configmap', 'kept', '-o', 'jsonpath={.data.a}']);
    return r.code === 0 ? r : undefined;
  }, { timeoutMs: 20_000, description: 'the configmap after a restart' });
  t.equal(got.stdout, 'b', 'the second start serves the same objects');
  second.proc.kill('SIGINT');
  t.equal(await second.exited, 0);
});
