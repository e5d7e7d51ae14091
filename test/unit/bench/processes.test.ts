import t from 'tap';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupAll, makeTempDir, parseVmRssMiB, rssMiB, spawnLogged, tailOf } from '../../../bench/lib/processes.js';
import { freePorts } from '../../../bench/lib/ports.js';

t.test('parseVmRssMiB reads VmRSS in MiB', async (t) => {
  t.equal(parseVmRssMiB('Name:\tnode\nVmRSS:\t   51200 kB\nVmSwap:\t0 kB\n'), 50);
  t.equal(parseVmRssMiB('Name:\tzombie\n'), null);
  const own = rssMiB(process.pid);
  t.ok(own !== null && own > 1, `own RSS ${own} MiB`);
});

t.test('spawned processes log to a file, stop on request, and are cleaned up', async (t) => {
  const dir = makeTempDir('k8ts-bench-test-');
  const log = join(dir, 'child.log');
  const child = spawnLogged('sleeper', process.execPath, ['-e', 'console.log("hello from child"); setInterval(() => {}, 1000)'], log);
  t.ok(child.pid > 0);
  // Wait (bounded) for the child's first line.
  for (let i = 0; i < 200 && !tailOf(log).includes('hello'); i++) await new Promise((r) => setTimeout(r, 10));
  t.match(tailOf(log), 'hello from child');
  t.notOk(child.hasExited());
  await child.stop(2000);
  t.ok(child.hasExited());
  t.equal(await child.exited, 'SIGTERM');

  const orphan = spawnLogged('orphan', process.execPath, ['-e', 'setInterval(() => {}, 1000)'], log);
  cleanupAll();
  t.equal(await orphan.exited, 'SIGKILL', 'cleanupAll kills what is still running');
  t.notOk(existsSync(dir), 'cleanupAll removes temp dirs');
});

t.test('tailOf keeps the end of long logs and tolerates missing files', async (t) => {
  const dir = makeTempDir('k8ts-bench-test-');
  const f = join(dir, 'long.log');
  writeFileSync(f, `${'a'.repeat(100)}END`);
  t.equal(tailOf(f, 5), '…aaEND');
  t.equal(tailOf(join(dir, 'missing.log')), '');
  cleanupAll();
});

t.test('freePorts returns distinct bindable ports', async (t) => {
  const ports = await freePorts(6);
  t.equal(new Set(ports).size, 6);
  for (const p of ports) t.ok(p > 0 && p < 65536);
  await t.rejects(freePorts(0), RangeError);
});
