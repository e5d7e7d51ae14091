// The kubelet server through fastify inject(): /pods, /healthz, /stats/summary and every
// /containerLogs answer a kubelet gives before streaming (unknown pod or container, a container
// waiting to start, no previous container) plus logs of the current and previous container.
import t, { type Test } from 'tap';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '../../../../lib/api/types.js';
import { FakeClock } from '../../../../lib/util/clock.js';
import { createLogger } from '../../../../lib/util/logger.js';
import { formatCriLine, rfc3339Nano } from '../../../../kubelet/logs/cri-format.js';
import { buildKubeletServer } from '../../../../kubelet/server/server.js';
import { FakeRuntime } from './fake-runtime.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');

async function setup(t: Test) {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-kubelet-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const runtime = new FakeRuntime();
  const pod: Pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'u1' },
    spec: { containers: [{ name: 'app', image: 'x' }, { name: 'pulling', image: 'x' }] },
    status: { containerStatuses: [{ name: 'pulling', ready: false, restartCount: 0, image: 'x', imageID: '', state: { waiting: { reason: 'ImagePullBackOff' } } }] },
  };
  const pods = [pod];
  const server = buildKubeletServer({ nodeName: 'node-1', runtime, pods: () => pods, clock: new FakeClock(NOW), logger: createLogger('t', { level: 'silent' }), podLogsRoot: dir, nodeStartTimeMs: NOW, memoryCapacityBytes: 1 << 30 });
  t.teardown(() => server.close());
  const sb = runtime.addSandbox({ namespace: 'default', name: 'web', uid: 'u1' });
  await mkdir(join(dir, 'app'));
  const file = async (name: string, text: string) => {
    const p = join(dir, 'app', name);
    await writeFile(p, formatCriLine({ time: rfc3339Nano(NOW), stream: 'stdout', partial: false, content: text }));
    return p;
  };
  return { server, runtime, sb, file, get: (url: string) => server.app.inject({ method: 'GET', url }) };
}

t.test('/pods, /healthz, /stats/summary', async (t) => {
  const { get } = await setup(t);
  const pods = await get('/pods');
  t.equal(pods.statusCode, 200);
  t.match(pods.json(), { kind: 'PodList', apiVersion: 'v1', items: [{ kind: 'Pod', metadata: { name: 'web' } }] });
  t.equal((await get('/healthz')).body, 'ok');
  t.match((await get('/stats/summary')).json(), { node: { nodeName: 'node-1' }, pods: [{ podRef: { name: 'web', uid: 'u1' } }] });
  t.match((await get('/metrics/resource')).body, /resource_scrape_error 0/);
});

t.test('containerLogs errors, in the kubelet words', async (t) => {
  const { get } = await setup(t);
  const cases: Array<[string, number, string]> = [
    ['/containerLogs/default/nope/app', 404, 'pod "nope" does not exist'],
    ['/containerLogs/default/web/nope', 404, 'container "nope" not found in pod "web"'],
    ['/containerLogs/default/web/app', 400, 'container "app" in pod "web" is waiting to start: ContainerCreating'],
    ['/containerLogs/default/web/pulling', 400, 'container "pulling" in pod "web" is waiting to start: trying and failing to pull image'],
    ['/containerLogs/default/web/app?previous=true', 400, 'previous terminated container "app" in pod "web" not found'],
    ['/containerLogs/default/web/app?tailLines=abc', 400, 'invalid value for tailLines: "abc"'],
  ];
  for (const [url, code, message] of cases) {
    const r = await get(url);
    t.equal(r.statusCode, code, url);
    t.equal(r.body.trim(), message, url);
  }
});

t.test('current and previous container logs; a vanished log file', async (t) => {
  const { get, runtime, sb, file } = await setup(t);
  runtime.addContainer(sb, 'app', { restartCount: 0, state: 'CONTAINER_EXITED', logPath: await file('0.log', 'first run') });
  const current = runtime.addContainer(sb, 'app', { restartCount: 1, logPath: await file('1.log', 'second run') });
  const now = await get('/containerLogs/default/web/app');
  t.equal(now.statusCode, 200);
  t.equal(now.body, 'second run\n');
  t.equal((await get('/containerLogs/default/web/app?previous=true')).body, 'first run\n');
  t.equal((await get('/containerLogs/default/web/app?timestamps=true')).body, '2026-03-01T12:00:00Z second run\n');
  current.logPath = `${current.logPath}.gone`;
  const gone = await get('/containerLogs/default/web/app');
  t.equal(gone.statusCode, 400);
  t.match(gone.body, 'failed to try resolving symlinks in path');
});

t.test('exec without an upgrade runs the checks, then asks for one', async (t) => {
  const { get, runtime, sb, file } = await setup(t);
  t.equal((await get('/exec/default/web/app?command=ls&stdout=1')).body, 'container not found ("app")');
  runtime.addContainer(sb, 'app', { logPath: await file('0.log', 'x') });
  const r = await get('/exec/default/web/app?command=ls&stdout=1');
  t.equal(r.statusCode, 400);
  t.equal(r.body, 'Upgrade request required');
  t.equal((await get('/exec/default/web/app?command=ls')).body, 'you must specify at least 1 of stdin, stdout, stderr');
  t.equal((await get('/exec/default/web/app?stdout=1')).body, 'you must specify at least one command for the container');
  t.equal((await get('/exec/default/nope/app?command=ls&stdout=1')).statusCode, 404);
});
