import t from 'tap';
import { CONTROL_PLANE, instanceName, storeEndpoints, type ComponentRow } from '../../../cluster/components.js';
import { ClusterContext } from '../../../cluster/context.js';
import { startOrder } from '../../../cluster/launcher.js';

const row = (name: string, dependsOn: string[] = []): ComponentRow => ({
  name,
  entry: `${name}/main.js`,
  args: async () => [],
  readiness: async () => 'http://127.0.0.1:1/readyz',
  restart: 'always',
  dependsOn,
});

t.test('rows start after what they depend on, whatever the table order', async (t) => {
  t.same(startOrder([row('scheduler', ['apiserver']), row('apiserver', ['store']), row('store')]).map((r) => r.name), ['store', 'apiserver', 'scheduler']);
  t.throws(() => startOrder([row('a', ['b']), row('b', ['a'])]), /dependency cycle a → b → a/);
  t.throws(() => startOrder([row('apiserver', ['store'])]), /apiserver depends on store, which is not launched/);
});

t.test('instance names: <row>-<i>, or the row name for a single unindexed instance', async (t) => {
  t.equal(instanceName(row('apiserver'), 0, 1), 'apiserver');
  t.equal(instanceName(row('apiserver'), 1, 2), 'apiserver-1');
  t.equal(instanceName({ ...row('store'), indexed: true }, 0, 1), 'store-0');
});

t.test('the control plane rows: store members peer with each other, the apiserver gets their endpoints', async (t) => {
  const ctx = new ClusterContext({
    storeDataRoot: '/data/store',
    replicas: { store: 3 },
    ports: { 'store-0/client': 2379, 'store-0/peer': 2380, 'store-1/client': 2381, 'store-1/peer': 2382, 'store-2/client': 2383, 'store-2/peer': 2384, 'apiserver/port': 6443 },
    extraArgs: { apiserver: ['--log-level', 'warn'] },
  });
  const [store, apiserver] = CONTROL_PLANE as [ComponentRow, ComponentRow];
  const args = await store.args(ctx, 1, 'store-1');
  t.same(args.slice(0, 10), [
    '--name', 'store-1',
    '--data-dir', '/data/store/store-1',
    '--listen-client-urls', 'http://127.0.0.1:2381',
    '--listen-peer-urls', 'http://127.0.0.1:2382',
    '--initial-cluster', 'store-0=http://127.0.0.1:2380,store-1=http://127.0.0.1:2382,store-2=http://127.0.0.1:2384',
  ]);
  t.equal(await store.readiness(ctx, 2, 'store-2'), 'http://127.0.0.1:2383/readyz');
  t.same(await apiserver.args(ctx, 0, 'apiserver'), ['--store-endpoints', 'http://127.0.0.1:2379,http://127.0.0.1:2381,http://127.0.0.1:2383', '--port', '6443', '--log-level', 'warn']);
  t.same(await storeEndpoints(ctx), ['http://127.0.0.1:2379', 'http://127.0.0.1:2381', 'http://127.0.0.1:2383']);
});

t.test('a port not fixed is a free one, chosen once per key', async (t) => {
  const ctx = new ClusterContext({ storeDataRoot: '/x' });
  const a = await ctx.port('scheduler/port');
  t.ok(a > 0);
  t.equal(await ctx.port('scheduler/port'), a, 'the same key keeps its port (a restart reuses it)');
});
