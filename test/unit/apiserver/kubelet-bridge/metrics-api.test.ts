// Quantities as metrics-server writes them, and PodLogOptions validation before the kubelet is asked.
import t from 'tap';
import { cpuQuantity, memoryQuantity } from '../../../../apiserver/kubelet-bridge/metrics-api.js';
import { kubeletLogQuery } from '../../../../apiserver/kubelet-bridge/pod-log.js';
import { ApiError } from '../../../../lib/api/errors.js';

t.test('cpu and memory quantities', async (t) => {
  t.equal(cpuQuantity(0), '0');
  t.equal(cpuQuantity(25_000_000), '25000000n');
  t.equal(memoryQuantity(0), '0');
  t.equal(memoryQuantity(1000), '1000');
  t.equal(memoryQuantity(8 * 1024 * 1024), '8Mi');
  t.equal(memoryQuantity(3 * 1024), '3Ki');
  t.equal(memoryQuantity(5 * 1024 ** 4), '5Ti');
});

t.test('log options forwarded to the kubelet, or rejected as real Kubernetes does', async (t) => {
  t.equal(kubeletLogQuery({ follow: 'true', tailLines: '2', container: 'c', sinceTime: '2026-01-01T00:00:00.5Z' }, 'p').toString(), 'follow=true&sinceTime=2026-01-01T00%3A00%3A00Z&tailLines=2');
  const invalid = (q: Record<string, string>) => {
    try {
      kubeletLogQuery(q, 'p');
      return undefined;
    } catch (err) {
      return (err as ApiError).status;
    }
  };
  t.match(invalid({ tailLines: '-1' }), { code: 422, reason: 'Invalid', message: 'PodLogOptions "p" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0' });
  t.match(invalid({ limitBytes: '0' }), { code: 422, details: { causes: [{ field: 'limitBytes' }] } });
  t.match(invalid({ sinceSeconds: '5', sinceTime: '2026-01-01T00:00:00Z' }), { code: 422, message: /at most one of `sinceTime` or `sinceSeconds` may be specified/ });
  t.match(invalid({ tailLines: 'x' }), { code: 400, reason: 'BadRequest' });
});
