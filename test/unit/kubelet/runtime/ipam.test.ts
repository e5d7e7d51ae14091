import t from 'tap';
import { PodIPAllocator, parseCidr } from '../../../../kubelet/runtime/mock/ipam.js';
import { isRuntimeError } from '../../../../kubelet/runtime/types.js';

t.test('hands out the lowest free address, skipping network and gateway', async (t) => {
  const ipam = new PodIPAllocator('127.244.1.0/24');
  t.equal(ipam.allocate(), '127.244.1.2');
  t.equal(ipam.allocate(), '127.244.1.3');
  t.equal(ipam.allocate(), '127.244.1.4');
  ipam.release('127.244.1.3');
  t.equal(ipam.allocate(), '127.244.1.3', 'a released address is the lowest free one again');
  t.equal(ipam.inUse(), 3);
});

t.test('a full range fails like host-local, and a released address frees a slot', async (t) => {
  const ipam = new PodIPAllocator('127.244.9.0/29'); // .2 … .6 usable
  const got = Array.from({ length: 5 }, () => ipam.allocate());
  t.same(got, ['127.244.9.2', '127.244.9.3', '127.244.9.4', '127.244.9.5', '127.244.9.6']);
  t.throws(() => ipam.allocate(), /no IP addresses available in range set: 127\.244\.9\.0\/29/);
  ipam.release('127.244.9.4');
  t.equal(ipam.allocate(), '127.244.9.4');
});

t.test('a new range applies to later allocations', async (t) => {
  const ipam = new PodIPAllocator('127.244.1.0/24');
  t.equal(ipam.allocate(), '127.244.1.2');
  ipam.setRange('127.244.7.0/24');
  t.equal(ipam.allocate(), '127.244.7.2');
  t.equal(ipam.range, '127.244.7.0/24');
});

t.test('bad CIDRs are InvalidArgument', async (t) => {
  for (const bad of ['127.244.1.0', '127.244.300.0/24', 'x/24', '127.0.0.0/31']) {
    try {
      parseCidr(bad);
      t.fail(`${bad} accepted`);
    } catch (err) {
      t.ok(isRuntimeError(err, 'InvalidArgument'), bad);
    }
  }
  t.same(parseCidr('127.244.1.77/24'), { base: parseCidr('127.244.1.0/24').base, prefix: 24 }, 'host bits are masked');
});
