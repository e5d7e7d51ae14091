import t from 'tap';
import { clusterId, FlagError, memberId, parseStoreFlags } from '../../../store/config.js';

t.test('defaults and a 3-member cluster', async (t) => {
  const f = parseStoreFlags([]);
  t.equal(f.name, 'default');
  t.equal(f.clientUrl.origin, 'http://127.0.0.1:2379');
  t.same(f.initialCluster, [{ name: 'default', url: 'http://127.0.0.1:2380' }]);
  t.equal(f.fsync, true);
  const g = parseStoreFlags(['--name', 'b', '--initial-cluster', 'a=http://127.0.0.1:1,b=http://127.0.0.1:2,c=http://127.0.0.1:3', '--heartbeat-interval', '50', '--election-timeout', '500', '--unsafe-no-fsync']);
  t.equal(g.initialCluster.length, 3);
  t.equal(g.heartbeatMs, 50);
  t.equal(g.fsync, false);
});

t.test('bad flags give clear errors', async (t) => {
  const rows: [string[], RegExp][] = [
    [['--initial-cluster', 'default=http://127.0.0.1:1,b=http://127.0.0.1:2'], /clusters of 1, 3 or 5 members/],
    [['--name', 'x', '--initial-cluster', 'a=http://127.0.0.1:1'], /does not list this member/],
    [['--initial-cluster', 'default=http://127.0.0.1:1,default=http://127.0.0.1:2,c=http://127.0.0.1:3'], /unique/],
    [['--initial-cluster', 'nonsense'], /name=url/],
    [['--listen-client-urls', 'https://127.0.0.1:1'], /only http/],
    [['--listen-client-urls', 'http://127.0.0.1'], /explicit port/],
    [['--listen-peer-urls', 'not a url'], /not a URL/],
    [['--heartbeat-interval', '0'], /integer >= 1/],
    [['--election-timeout', '200'], /at least 3 × --heartbeat-interval/],
  ];
  for (const [args, re] of rows) t.throws(() => parseStoreFlags(args), re, args.join(' '));
  t.throws(() => parseStoreFlags(['--bogus']), /unknown flag: --bogus/);
  t.ok(new FlagError('x') instanceof Error);
});

t.test('ids are stable, distinct per name, and the cluster id depends on token and members', async (t) => {
  t.equal(memberId('tok', 'a'), memberId('tok', 'a'));
  t.not(memberId('tok', 'a'), memberId('tok', 'b'));
  t.not(memberId('tok', 'a'), memberId('other', 'a'));
  const cl = [{ name: 'a', url: 'http://127.0.0.1:1' }, { name: 'b', url: 'http://127.0.0.1:2' }];
  t.equal(clusterId('tok', cl), clusterId('tok', [...cl].reverse()), 'order of --initial-cluster does not matter');
  t.not(clusterId('tok', cl), clusterId('tok2', cl));
});
