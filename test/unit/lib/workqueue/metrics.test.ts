import t from 'tap';
import { Registry } from 'prom-client';
import { FakeClock } from '../../../../lib/util/clock.js';
import { RateLimitingQueue } from '../../../../lib/workqueue/rate-limiting-queue.js';

/** The value of one series, or undefined. */
async function value(registry: Registry, metric: string, labels: Record<string, string>): Promise<number | undefined> {
  const json = await registry.getMetricsAsJSON();
  const m = json.find((x) => x.name === metric.replace(/_(sum|count)$/, ''));
  const series = (m?.values ?? []) as Array<{ value: number; labels: Record<string, string | number>; metricName?: string }>;
  const hit = series.find((s) => (s.metricName ?? m?.name) === metric && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return hit?.value;
}

t.test('queue metrics move with adds, gets, done and retries, per queue name', async (t) => {
  const registry = new Registry();
  const clock = new FakeClock();
  const q = new RateLimitingQueue({ name: 'pods', clock, registry });
  const other = new RateLimitingQueue({ name: 'nodes', clock, registry });
  const name = { name: 'pods' };
  t.equal(await value(registry, 'workqueue_depth', name), 0, 'series exist before the first add');

  q.add('a');
  q.add('a');
  q.add('b');
  t.equal(await value(registry, 'workqueue_adds_total', name), 2, 'dedup adds are not counted');
  t.equal(await value(registry, 'workqueue_depth', name), 2);

  clock.advance(1_500);
  const a = (await q.get())!;
  t.equal(await value(registry, 'workqueue_depth', name), 1);
  t.equal(await value(registry, 'workqueue_queue_duration_seconds_count', name), 1);
  t.equal(await value(registry, 'workqueue_queue_duration_seconds_sum', name), 1.5);

  clock.advance(2_000);
  t.equal(await value(registry, 'workqueue_unfinished_work_seconds', name), 2);
  t.equal(await value(registry, 'workqueue_longest_running_processor_seconds', name), 2);
  q.done(a);
  t.equal(await value(registry, 'workqueue_work_duration_seconds_count', name), 1);
  t.equal(await value(registry, 'workqueue_work_duration_seconds_sum', name), 2);
  t.equal(await value(registry, 'workqueue_unfinished_work_seconds', name), 0);

  q.addRateLimited('a');
  q.addAfter('c', 10);
  t.equal(await value(registry, 'workqueue_retries_total', name), 2);
  t.equal(await value(registry, 'workqueue_adds_total', { name: 'nodes' }), 0, 'the other queue is untouched');
  other.shutDown();
  q.shutDown();
});

t.test('a queue without a registry records nothing and works', async (t) => {
  const q = new RateLimitingQueue({ name: 'plain', clock: new FakeClock() });
  q.add('a');
  t.equal(await q.get(), 'a');
  q.done('a');
});
