// The process harness as a process: --help, exit 2 on a bad flag, ops endpoints, SIGTERM → clean
// exit 0, a shutdown past --shutdown-timeout → 3, run() throwing → 1.
import t, { type Test } from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../../../lib/util/wait.js';

const TINY = fileURLToPath(new URL('./fixtures/tiny-component.js', import.meta.url));

interface Run {
  proc: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

function start(t: Test, args: string[]): Run {
  const proc = spawn(process.execPath, [TINY, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d) => (out += String(d)));
  proc.stderr!.on('data', (d) => (err += String(d)));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  t.teardown(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  });
  return { proc, out: () => out, err: () => err, exited };
}

/** Waits for the harness's "ops endpoints serving" line and returns the address. */
async function opsUrl(run: Run): Promise<string> {
  return waitFor(() => {
    if (run.proc.exitCode !== null) throw new Error(`exited ${run.proc.exitCode}: ${run.err()}`);
    const line = run.out().split('\n').find((l) => l.includes('ops endpoints serving'));
    return line ? (JSON.parse(line) as { address: string }).address : undefined;
  }, { description: 'the ops server address' });
}

t.test('--help prints the generated usage and exits 0', async (t) => {
  const run = start(t, ['--help']);
  t.equal(await run.exited, 0);
  t.match(run.out(), /^usage: node dist\/tiny\/main\.js \[flags\]/);
  t.match(run.out(), /--on-shutdown string +what run\(\) does once the signal aborts \(one of return\|hang\|throw\)\s+\(default return\)/);
});

t.test('a bad flag exits 2 with the error and the usage on stderr', async (t) => {
  const run = start(t, ['--on-shutdown', 'explode']);
  t.equal(await run.exited, 2);
  t.match(run.err(), /^tiny: invalid value "explode" for --on-shutdown: want one of return, hang, throw\n\nusage: /);
  t.equal(run.out(), '');
});

t.test('serves ops endpoints, then SIGTERM → graceful shutdown and exit 0', async (t) => {
  const run = start(t, ['--port', '0']);
  const url = await opsUrl(run);
  await waitFor(() => run.out().includes('"msg":"running"'), { description: 'run() to start' });
  const ready = await fetch(`${url}/readyz?verbose`);
  t.equal(ready.status, 200);
  t.equal(await ready.text(), '[+]ping ok\n[+]shutdown ok\n[+]warm ok\nreadyz check passed\n');
  const metrics = await (await fetch(`${url}/metrics`)).text();
  t.match(metrics, /tiny_widgets_total 7/);
  t.match(metrics, /process_resident_memory_bytes/, 'default process metrics are included');
  run.proc.kill('SIGTERM');
  t.equal(await run.exited, 0);
  t.match(run.out(), /"component":"tiny".*"msg":"shutting down"/);
  t.match(run.out(), /"msg":"stopped"/);
});

t.test('a shutdown that overruns --shutdown-timeout exits 3', async (t) => {
  const run = start(t, ['--on-shutdown', 'hang', '--shutdown-timeout', '300ms']);
  await opsUrl(run);
  await waitFor(() => run.out().includes('"msg":"running"'), { description: 'run() to start' });
  run.proc.kill('SIGTERM');
  t.equal(await run.exited, 3);
  t.match(run.out(), /did not finish within --shutdown-timeout/);
});

t.test('a second signal during shutdown exits 1 at once', async (t) => {
  const run = start(t, ['--on-shutdown', 'hang', '--shutdown-timeout', '1m']);
  await opsUrl(run);
  await waitFor(() => run.out().includes('"msg":"running"'), { description: 'run() to start' });
  run.proc.kill('SIGINT');
  await waitFor(() => run.out().includes('"msg":"shutting down"'), { description: 'the first signal to be seen' });
  run.proc.kill('SIGINT');
  t.equal(await run.exited, 1);
});

t.test('run() throwing exits 1 with the error on stderr', async (t) => {
  const atStart = start(t, ['--fail-at-start']);
  t.equal(await atStart.exited, 1);
  t.match(atStart.err(), /tiny: cannot start: no widgets/);
  const atStop = start(t, ['--on-shutdown', 'throw']);
  await waitFor(() => atStop.out().includes('"msg":"running"'), { description: 'run() to start' });
  atStop.proc.kill('SIGTERM');
  t.equal(await atStop.exited, 1);
  t.match(atStop.err(), /tiny: shutdown went wrong/);
});
