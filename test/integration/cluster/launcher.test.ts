// The launcher on a two-row table of tiny harness components (b depends on a): dependency order,
// readiness, supervised restarts, kills that stay down, and a stop in reverse order by PID.
import t from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ComponentRow } from '../../../cluster/components.js';
import { ClusterContext } from '../../../cluster/context.js';
import { Launcher, type LaunchEvent } from '../../../cluster/launcher.js';
import { waitFor } from '../../../lib/util/wait.js';

const TINY = 'test/integration/component/fixtures/tiny-component.js';

function tinyRow(name: string, dependsOn: string[]): ComponentRow {
  return {
    name,
    entry: TINY,
    args: async (ctx, i, instance) => ['--port', String(await ctx.port(`${instance}/port`)), '--shutdown-timeout', '5s'],
    readiness: async (ctx, i, instance) => `http://127.0.0.1:${await ctx.port(`${instance}/port`)}/readyz`,
    restart: 'always',
    dependsOn,
  };
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

t.test('start in order, restart what dies, keep down what is killed, stop in reverse', async (t) => {
  const logDir = await mkdtemp(join(tmpdir(), 'k8ts-launcher-'));
  t.teardown(() => rm(logDir, { recursive: true, force: true }));
  const events: LaunchEvent[] = [];
  const launcher = await Launcher.start({
    rows: [tinyRow('b', ['a']), tinyRow('a', [])],
    ctx: new ClusterContext({ storeDataRoot: logDir, replicas: { a: 2 } }),
    logDir,
    supervise: true,
    onEvent: (e) => void events.push(e),
  });
  let stopped = false;
  t.teardown(() => (stopped ? undefined : launcher.stop()));

  const rowEvents = () => events.filter((e) => 'row' in e).map((e) => `${e.kind} ${'row' in e ? e.row : ''}`);
  t.same(rowEvents(), ['starting a', 'ready a', 'starting b', 'ready b'], 'a is ready before b starts');
  t.same(Object.keys(launcher.pids()), ['a-0', 'a-1', 'b']);

  // A crash is restarted by the supervisor, with the same port.
  const before = launcher.pids()['a-0']!;
  process.kill(before, 'SIGKILL');
  await waitFor(() => events.some((e) => e.kind === 'restarting' && e.instance === 'a-0'), { description: 'the restart of a-0' });
  await waitFor(() => launcher.pids()['a-0'] !== undefined && launcher.pids()['a-0'] !== before, { description: 'a new a-0 process' });
  await launcher.waitReady(['a-0']);

  // A deliberate kill stays down until started again.
  await launcher.kill('a-1');
  t.equal(launcher.pids()['a-1'], undefined);
  t.notOk(events.some((e) => e.kind === 'restarting' && e.instance === 'a-1'), 'no restart after a deliberate kill');
  launcher.startInstance('a-1');
  await launcher.waitReady(['a-1']);

  const pids = Object.values(launcher.pids());
  stopped = true;
  await launcher.stop();
  t.same(rowEvents().slice(4), ['stopping b', 'stopped b', 'stopping a', 'stopped a'], 'b stops before a');
  for (const pid of pids) t.notOk(alive(pid), `process ${pid} is gone`);
});

t.test('a row that never gets ready fails the start, and what started is stopped', async (t) => {
  const logDir = await mkdtemp(join(tmpdir(), 'k8ts-launcher-'));
  t.teardown(() => rm(logDir, { recursive: true, force: true }));
  const broken: ComponentRow = { ...tinyRow('broken', ['a']), args: async () => ['--fail-at-start'] };
  const ctx = new ClusterContext({ storeDataRoot: logDir });
  await t.rejects(Launcher.start({ rows: [tinyRow('a', []), broken], ctx, logDir, readyTimeoutMs: 2000 }), /broken exited with code 1 before it was ready/);
  await t.rejects(fetch(`http://127.0.0.1:${await ctx.port('a/port')}/healthz`), 'a, which did start, has been stopped');
});
