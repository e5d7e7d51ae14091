import t from 'tap';
import { NodePortRange, ServiceIPRange } from '../../../../apiserver/registry/ranges.js';

t.test('service IP ranges leave out the network and broadcast addresses', async (t) => {
  const cases: Array<[string, string, number, number, string, string]> = [
    // cidr, canonical, usable size, static band, first, last
    ['10.96.0.0/12', '10.96.0.0/12', 1048574, 256, '10.96.0.1', '10.111.255.254'],
    ['10.96.0.7/24', '10.96.0.0/24', 254, 16, '10.96.0.1', '10.96.0.254'],
    ['10.0.0.0/28', '10.0.0.0/28', 14, 0, '10.0.0.1', '10.0.0.14'],
    ['192.168.0.0/29', '192.168.0.0/29', 6, 0, '192.168.0.1', '192.168.0.6'],
  ];
  for (const [cidr, canonical, size, band, first, last] of cases) {
    const r = new ServiceIPRange(cidr);
    t.equal(r.cidr, canonical, `${cidr} canonical`);
    t.equal(r.size, size, `${cidr} size`);
    t.equal(r.staticBand, band, `${cidr} static band`);
    t.equal(r.firstIP, first, `${cidr} first`);
    t.equal(r.valueAt(size - 1), last, `${cidr} last`);
  }
  const r = new ServiceIPRange('10.96.0.0/24');
  t.equal(r.offsetOf('10.96.0.0'), undefined, 'network');
  t.equal(r.offsetOf('10.96.0.255'), undefined, 'broadcast');
  t.equal(r.offsetOf('10.96.1.1'), undefined, 'outside');
  t.equal(r.offsetOf('10.96.0.10'), 9);
  t.equal(r.offsetOf('not-an-ip'), undefined);
  t.notOk(r.contains('10.96.0.1'), 'the kubernetes address is never handed out at random');
  t.ok(r.contains('10.96.0.2'));
});

t.test('bad ranges are configuration errors with a clear message', async (t) => {
  for (const bad of ['10.96.0.0', '10.96.0.0/33', 'fd00::/108', '300.1.1.1/24', '']) {
    t.throws(() => new ServiceIPRange(bad), /invalid service CIDR/, bad);
  }
  t.throws(() => new NodePortRange(32767, 30000), /invalid node port range/);
  t.throws(() => new NodePortRange(0, 10), /invalid node port range/);
});

t.test('node port ranges', async (t) => {
  const r = new NodePortRange(30000, 32767);
  t.equal(r.size, 2768);
  t.equal(r.staticBand, 86);
  t.equal(r.toString(), '30000-32767');
  t.equal(r.valueAt(0), '30000');
  t.ok(r.includes(32767));
  t.notOk(r.includes(32768));
  t.ok(r.contains('30080'));
  t.notOk(r.contains('80'));
  t.equal(new NodePortRange(30000, 30009).staticBand, 0);
});
