// The Summary's shape from a fake runtime on a fake clock, and /metrics/resource derived from it.
import t from 'tap';
import { FakeClock } from '../../../../lib/util/clock.js';
import { buildSummary } from '../../../../kubelet/stats/summary.js';
import { resourceMetricsText } from '../../../../kubelet/stats/resource-metrics.js';
import { FakeRuntime } from '../server/fake-runtime.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');

t.test('node and pod totals over running containers', async (t) => {
  const runtime = new FakeRuntime();
  const web = runtime.addSandbox({ namespace: 'default', name: 'web', uid: 'u1' }, NOW - 60_000);
  runtime.addContainer(web, 'app', { logPath: '/x', cpuNanoCores: 100_000_000, memoryBytes: 64 * 1024 * 1024 });
  runtime.addContainer(web, 'side', { logPath: '/y', cpuNanoCores: 5_000_000, memoryBytes: 1024 * 1024 });
  runtime.addContainer(web, 'old', { logPath: '/z', state: 'CONTAINER_EXITED' });
  const db = runtime.addSandbox({ namespace: 'data', name: 'db', uid: 'u2' }, NOW - 30_000);
  runtime.addContainer(db, 'pg', { logPath: '/p', restartCount: 1, cpuNanoCores: 10, memoryBytes: 10 });
  runtime.addContainer(db, 'pg', { logPath: '/p0', restartCount: 0, state: 'CONTAINER_EXITED' });

  const s = await buildSummary({ nodeName: 'node-1', runtime, clock: new FakeClock(NOW), nodeStartTimeMs: NOW - 3_600_000, memoryCapacityBytes: 1024 ** 3, fsPath: '/' });
  t.match(s.node, {
    nodeName: 'node-1',
    startTime: '2026-03-01T11:00:00Z',
    cpu: { time: '2026-03-01T12:00:00Z', usageNanoCores: 105_000_010 },
    memory: { workingSetBytes: 65 * 1024 * 1024 + 10, availableBytes: 1024 ** 3 - (65 * 1024 * 1024 + 10) },
  });
  t.ok(s.node.fs.capacityBytes! > 0, 'the file system is the real one under fsPath');
  t.same(s.pods.map((p) => p.podRef), [{ name: 'db', namespace: 'data', uid: 'u2' }, { name: 'web', namespace: 'default', uid: 'u1' }], 'sorted by namespace/name');
  const webStats = s.pods[1]!;
  t.same(webStats.containers.map((c) => c.name), ['app', 'side'], 'exited containers use nothing');
  t.match(webStats, { startTime: '2026-03-01T11:59:00Z', cpu: { usageNanoCores: 105_000_000, usageCoreNanoSeconds: 10e9 }, memory: { workingSetBytes: 65 * 1024 * 1024 }, 'ephemeral-storage': { usedBytes: 8192 }, process_stats: { process_count: 2 } });
  t.match(webStats.containers[0], { name: 'app', cpu: { usageNanoCores: 100_000_000, usageCoreNanoSeconds: 5e9 }, memory: { workingSetBytes: 64 * 1024 * 1024 }, rootfs: { usedBytes: 4096 } });
  t.same(s.pods[0]!.containers.map((c) => c.name), ['pg']);

  const text = resourceMetricsText(s);
  t.match(text, /^# TYPE container_cpu_usage_seconds_total counter$/m);
  t.match(text, /^container_cpu_usage_seconds_total\{container="app",namespace="default",pod="web"\} 5 \d+$/m);
  t.match(text, /^container_memory_working_set_bytes\{container="app",namespace="default",pod="web"\} 67108864 \d+$/m);
  t.match(text, /^node_cpu_usage_seconds_total 15 \d+$/m);
  t.match(text, /^pod_memory_working_set_bytes\{namespace="data",pod="db"\} 10 \d+$/m);
  t.match(text, /^resource_scrape_error 0$/m);
  t.match(resourceMetricsText(undefined), /^resource_scrape_error 1$/m);
});
